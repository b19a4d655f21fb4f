import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import type { ReviewStatus } from "@/lib/generated/prisma/enums";
import { parseOrThrow } from "@/lib/validation";
import { isClosed, lockReviewCase, type LockedCase } from "./lock-review-cases";
import { assignReviewCaseSchema, REVIEW_STATUS_NAMES } from "./schemas";

/**
 * Gives a locked case to a person (or nobody) and writes its audit entry. Taking a case moves it
 * from open to in review; handing it back moves it to open, so "open" always means "nobody has it".
 * Returns false when nothing changed (already that person's).
 */
export async function assignLockedCase(tx: Tx, actor: Actor, locked: LockedCase, assigneeId: string | null, extra: Record<string, unknown> = {}): Promise<boolean> {
  if (isClosed(locked.status)) throw new AppError("conflict", `This case is ${REVIEW_STATUS_NAMES[locked.status]}: there is nothing left to assign.`);
  if (locked.assigneeId === assigneeId) return false;
  const status: ReviewStatus = assigneeId ? (locked.status === "open" ? "in_review" : locked.status) : locked.status === "in_review" ? "open" : locked.status;
  await tx.reviewCase.update({ where: { id: locked.id }, data: { assigneeId, status } });
  await recordAudit(tx, actor, {
    action: assigneeId ? "review.assign" : "review.unassign",
    subjectType: "review_case",
    subjectId: locked.id,
    data: { from: locked.assigneeId, to: assigneeId, status, ...extra },
  });
  return true;
}

/** "Assign to me" or "Unassign" on one case. */
export async function assignReviewCase(db: Db, actor: Actor, input: z.input<typeof assignReviewCaseSchema>): Promise<{ changed: boolean }> {
  authorize(actor, "reviews:work");
  if (actor.type !== "user") throw new AppError("forbidden", "Review cases are assigned to people.");
  const data = parseOrThrow(assignReviewCaseSchema, input);
  return db.$transaction(async (tx) => {
    const locked = await lockReviewCase(tx, data.caseId);
    return { changed: await assignLockedCase(tx, actor, locked, data.assign === "me" ? actor.id : null) };
  });
}
