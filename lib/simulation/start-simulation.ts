import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { startSimulationSchema } from "./schemas";

const DAY_MS = 86_400_000;
// simulation_runs.created_by_id is required; operators at the CLI and the system have no user id.
const NO_USER = "00000000-0000-0000-0000-000000000000";

/**
 * Queues a replay of the last `days` of recorded requests against a draft at its current
 * revision. The runner in the server process picks it up (notifySimulationRunner wakes it).
 * One active run per draft: a second start while one is queued or running is a conflict.
 */
export async function startSimulation(db: Db, actor: Actor, input: z.input<typeof startSimulationSchema>, now = new Date()) {
  authorize(actor, "policy:review");
  const data = parseOrThrow(startSimulationSchema, input);
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM policy_drafts WHERE id = ${data.draftId}::uuid FOR UPDATE`;
    const draft = await tx.policyDraft.findUnique({ where: { id: data.draftId }, select: { id: true, status: true, revision: true } });
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    if (draft.status !== "open" && draft.status !== "in_review") throw new AppError("conflict", `This draft is ${draft.status.replace("_", " ")}: there is nothing left to simulate.`);
    const active = await tx.simulationRun.findFirst({ where: { draftId: draft.id, status: { in: ["queued", "running"] } }, select: { id: true } });
    if (active) throw new AppError("conflict", "A simulation of this draft is already running. Wait for it or cancel it.");

    const periodStart = new Date(now.getTime() - data.days * DAY_MS);
    const run = await tx.simulationRun.create({
      data: { draftId: draft.id, draftRevision: draft.revision, periodStart, periodEnd: now, createdById: actor.type === "user" ? actor.id : NO_USER },
      select: { id: true, draftRevision: true, periodStart: true, periodEnd: true },
    });
    await recordAudit(tx, actor, {
      action: "simulation.start",
      subjectType: "policy_draft",
      subjectId: draft.id,
      data: { run_id: run.id, revision: draft.revision, period_start: periodStart.toISOString(), period_end: now.toISOString() },
    });
    return run;
  });
}
