import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { isClosed, lockReviewCase, type LockedCase } from "./lock-review-cases";
import { resolveReviewCaseSchema, REVIEW_STATUS_NAMES } from "./schemas";

/**
 * Closes a locked case as resolved or dismissed with the outcome, and writes its audit entry.
 * Resolving needs a label (what kind of case this was is the evidence committees count);
 * dismissing does not, since a dismissed case taught nothing.
 */
export async function closeLockedCase(tx: Tx, actor: Actor, locked: LockedCase, close: { status: "resolved" | "dismissed"; outcome: string }, extra: Record<string, unknown> = {}): Promise<void> {
  if (isClosed(locked.status)) throw new AppError("conflict", `This case is already ${REVIEW_STATUS_NAMES[locked.status]}.`);
  if (close.status === "resolved" && locked.labels.length === 0) {
    throw new AppError("validation_failed", "Label the case before resolving it.", [{ path: "labels", message: "Add at least one label (for example policy gap or correct)" }]);
  }
  const at = new Date();
  await tx.reviewCase.update({
    where: { id: locked.id },
    data: { status: close.status, resolution: close.outcome, resolvedById: actor.type === "user" ? actor.id : null, resolvedAt: at },
  });
  await recordAudit(
    tx,
    actor,
    { action: close.status === "resolved" ? "review.resolve" : "review.dismiss", subjectType: "review_case", subjectId: locked.id, data: { outcome: close.outcome, labels: locked.labels, from: locked.status, ...extra } },
    at,
  );
}

export async function resolveReviewCase(db: Db, actor: Actor, input: z.input<typeof resolveReviewCaseSchema>): Promise<{ status: "resolved" | "dismissed" }> {
  authorize(actor, "reviews:work");
  const data = parseOrThrow(resolveReviewCaseSchema, input);
  return db.$transaction(async (tx) => {
    const locked = await lockReviewCase(tx, data.caseId);
    await closeLockedCase(tx, actor, locked, data);
    return { status: data.status };
  });
}
