import type { Actor } from "@/lib/audit/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError, isAppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { assignLockedCase } from "./assign-review-case";
import { relabelLockedCase } from "./label-review-case";
import { lockReviewCases } from "./lock-review-cases";
import { closeLockedCase } from "./resolve-review-case";
import { bulkReviewSchema, type BulkReviewInput } from "./schemas";

export interface BulkResult {
  changed: string[];
  skipped: { id: string; reason: string }[];
}

/**
 * Assigns, labels or dismisses many cases in one transaction, with one audit entry per case
 * changed, exactly as if each had been done on its own page. A case that cannot take the change
 * (already closed, gone, already labelled) is skipped and reported, not fatal to the rest.
 */
export async function bulkUpdateReviewCases(db: Db, actor: Actor, input: BulkReviewInput): Promise<BulkResult> {
  authorize(actor, "reviews:work");
  const data = parseOrThrow(bulkReviewSchema, input);
  if (data.op === "assign_me" && actor.type !== "user") throw new AppError("forbidden", "Review cases are assigned to people.");
  const ids = [...new Set(data.caseIds)];

  return db.$transaction(async (tx) => {
    const locked = await lockReviewCases(tx, ids);
    const found = new Set(locked.map((c) => c.id));
    const result: BulkResult = { changed: [], skipped: ids.filter((id) => !found.has(id)).map((id) => ({ id, reason: "no such case" })) };
    const extra = { bulk: true, batch_size: ids.length };
    for (const c of locked) {
      try {
        let changed = true;
        if (data.op === "assign_me") changed = await assignLockedCase(tx, actor, c, actor.id, extra);
        else if (data.op === "label") changed = await relabelLockedCase(tx, actor, c, { add: [data.label], remove: [] }, extra);
        else await closeLockedCase(tx, actor, c, { status: "dismissed", outcome: data.outcome }, extra);
        if (changed) result.changed.push(c.id);
        else result.skipped.push({ id: c.id, reason: data.op === "label" ? "already labelled" : "already yours" });
      } catch (error) {
        // State refusals are thrown before any write, so the transaction is still good for the others.
        if (!isAppError(error) || error.status >= 500) throw error;
        result.skipped.push({ id: c.id, reason: error.message });
      }
    }
    return result;
  });
}
