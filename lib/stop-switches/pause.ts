import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { describeStopInput, stopInputSchema, type StopTarget } from "./schemas";

/**
 * Taken exclusively by a pause, shared by every approval vote: an approval either commits before
 * the stop exists or sees it (decide-approval.ts).
 */
export const STOP_CHANGE_LOCK_KEY = 72_707_369_501;

/** Flips a stop switch: every process denies matching requests with `paused` within a second. */
export async function pause(db: Db, actor: Actor, input: { target: StopTarget; reason: string }) {
  authorize(actor, "stop:manage");
  const { target, reason } = parseOrThrow(stopInputSchema, input);
  const targetName = target.scope === "all" ? null : target.target;
  if (target.scope === "agent" && !(await db.agent.findUnique({ where: { name: targetName! }, select: { id: true } }))) {
    throw new AppError("unknown_reference", `There is no agent named ${targetName}.`, [{ path: "target.target", message: "Unknown agent" }]);
  }
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${STOP_CHANGE_LOCK_KEY}::bigint)`;
    const active = await tx.stopSwitch.findFirst({ where: { scope: target.scope, target: targetName, liftedAt: null } });
    if (active) throw new AppError("conflict", `A stop for ${describeStopInput(target)} is already in force.`);
    const stop = await tx.stopSwitch.create({ data: { scope: target.scope, target: targetName, reason, createdBy: actor.label } });
    await recordAudit(tx, actor, { action: "stop.pause", subjectType: "stop_switch", subjectId: stop.id, data: { scope: target.scope, target: targetName, reason } });
    return stop;
  });
}
