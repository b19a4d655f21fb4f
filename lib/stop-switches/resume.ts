import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { describeStopInput, stopInputSchema, type StopTarget } from "./schemas";

/** Lifts the stop switch in force for a target; lifting always needs a reason. */
export async function resume(db: Db, actor: Actor, input: { target: StopTarget; reason: string }) {
  authorize(actor, "stop:manage");
  const { target, reason } = parseOrThrow(stopInputSchema, input);
  const targetName = target.scope === "all" ? null : target.target;
  return db.$transaction(async (tx) => {
    const active = await tx.stopSwitch.findFirst({ where: { scope: target.scope, target: targetName, liftedAt: null } });
    if (!active) throw new AppError("not_found", `No stop for ${describeStopInput(target)} is in force.`);
    const lifted = await tx.stopSwitch.update({ where: { id: active.id }, data: { liftedAt: new Date(), liftedBy: actor.label, liftReason: reason } });
    await recordAudit(tx, actor, { action: "stop.resume", subjectType: "stop_switch", subjectId: active.id, data: { scope: target.scope, target: targetName, reason } });
    return lifted;
  });
}
