import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { cancelSimulationSchema } from "./schemas";

/**
 * Cancels a queued or running simulation. The status is the flag: the runner reads it with
 * every progress write (about once a second) and stops; a queued run is never picked up.
 */
export async function cancelSimulation(db: Db, actor: Actor, input: z.input<typeof cancelSimulationSchema>) {
  authorize(actor, "policy:review");
  const data = parseOrThrow(cancelSimulationSchema, input);
  return db.$transaction(async (tx) => {
    const run = await tx.simulationRun.findUnique({ where: { id: data.runId }, select: { id: true, draftId: true, status: true, processed: true, total: true } });
    if (!run) throw new AppError("not_found", "That simulation does not exist.");
    const { count } = await tx.simulationRun.updateMany({ where: { id: run.id, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
    if (count === 0) throw new AppError("conflict", `This simulation already ${run.status === "completed" ? "finished" : run.status === "cancelled" ? "was cancelled" : "stopped"}.`);
    await recordAudit(tx, actor, {
      action: "simulation.cancel",
      subjectType: "policy_draft",
      subjectId: run.draftId,
      data: { run_id: run.id, processed: run.processed, total: run.total },
    });
  });
}
