import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { lockReviewCase, type LockedCase } from "./lock-review-cases";
import { labelReviewCaseSchema, REVIEW_LABELS, type ReviewLabel } from "./schemas";

/**
 * Adds and removes labels on a locked case and writes its audit entry. Labels stay in the
 * vocabulary's order so equal sets compare equal. A resolved case keeps at least one label:
 * that is what resolving it promised. Returns false when nothing changed.
 */
export async function relabelLockedCase(tx: Tx, actor: Actor, locked: LockedCase, change: { add: readonly ReviewLabel[]; remove: readonly ReviewLabel[] }, extra: Record<string, unknown> = {}): Promise<boolean> {
  const next = new Set(locked.labels);
  for (const label of change.add) next.add(label);
  for (const label of change.remove) next.delete(label);
  const labels = [...REVIEW_LABELS.filter((l) => next.has(l)), ...[...next].filter((l) => !(REVIEW_LABELS as readonly string[]).includes(l)).sort()];
  if (labels.join(",") === locked.labels.join(",")) return false;
  if (locked.status === "resolved" && labels.length === 0) {
    throw new AppError("conflict", "A resolved case keeps at least one label: add the right one before removing this one.", [{ path: "label", message: "A resolved case needs a label" }]);
  }
  await tx.reviewCase.update({ where: { id: locked.id }, data: { labels } });
  await recordAudit(tx, actor, {
    action: "review.label",
    subjectType: "review_case",
    subjectId: locked.id,
    data: { added: labels.filter((l) => !locked.labels.includes(l)), removed: locked.labels.filter((l) => !labels.includes(l)), labels, ...extra },
  });
  return true;
}

/** Toggles labels on one case (the case page's label buttons). */
export async function labelReviewCase(db: Db, actor: Actor, input: z.input<typeof labelReviewCaseSchema>): Promise<{ labels: string[]; changed: boolean }> {
  authorize(actor, "reviews:work");
  const data = parseOrThrow(labelReviewCaseSchema, input);
  return db.$transaction(async (tx) => {
    const locked = await lockReviewCase(tx, data.caseId);
    const changed = await relabelLockedCase(tx, actor, locked, data);
    const { labels } = await tx.reviewCase.findUniqueOrThrow({ where: { id: locked.id }, select: { labels: true } });
    return { labels, changed };
  });
}
