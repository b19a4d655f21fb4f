import type { Tx } from "@/lib/db/prisma";
import type { ReviewStatus } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";

export interface LockedCase {
  id: string;
  status: ReviewStatus;
  labels: string[];
  assigneeId: string | null;
}

/**
 * Locks cases for the rest of the transaction, in id order so two bulk actions over overlapping
 * selections queue up instead of deadlocking. State checks read these rows, never a stale copy.
 */
export async function lockReviewCases(tx: Tx, ids: readonly string[]): Promise<LockedCase[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string; status: ReviewStatus; labels: string[]; assignee_id: string | null }[]>`
    SELECT id, status::text AS status, coalesce(labels, '{}') AS labels, assignee_id::text AS assignee_id
      FROM review_cases WHERE id = ANY(${[...ids]}::text[]) ORDER BY id FOR UPDATE`;
  return rows.map((r) => ({ id: r.id, status: r.status, labels: r.labels, assigneeId: r.assignee_id }));
}

export async function lockReviewCase(tx: Tx, id: string): Promise<LockedCase> {
  const [found] = await lockReviewCases(tx, [id]);
  if (!found) throw new AppError("not_found", "That review case does not exist.");
  return found;
}

export function isClosed(status: ReviewStatus): boolean {
  return status === "resolved" || status === "dismissed";
}
