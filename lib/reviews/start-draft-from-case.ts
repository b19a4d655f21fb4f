import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import { can } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { createDraft } from "@/lib/policy/create-draft";
import { parseOrThrow } from "@/lib/validation";
import { lockReviewCase } from "./lock-review-cases";
import { REVIEW_SOURCE_NAMES, startDraftFromCaseSchema } from "./schemas";

export interface DraftFromCase {
  draftId: string;
  title: string;
  /** The case's action when the draft's policy has it, so the console can open its editor; else null. */
  actionKey: string | null;
}

/**
 * Turns what a case taught into a policy change: a draft of the policy in force, named after the
 * case and its action, linked both ways through the audit log (the draft's creation entry names
 * the case; the case gets a `review.draft_start` entry naming the draft), all in one transaction.
 * Working cases and proposing policy are separate permissions: this needs both.
 */
export async function startDraftFromCase(db: Db, actor: Actor, input: z.input<typeof startDraftFromCaseSchema>): Promise<DraftFromCase> {
  authorize(actor, "reviews:work");
  if (actor.type === "user" && !can(actor.roles, "policy:review")) {
    throw new AppError("forbidden", "Starting a policy draft needs a policy role (CX lead, oversight committee or administrator): label the case “policy gap” and leave a note for them.");
  }
  const data = parseOrThrow(startDraftFromCaseSchema, input);
  const found = await db.reviewCase.findUnique({ where: { id: data.caseId }, select: { id: true, action: true, source: true, reason: true } });
  if (!found) throw new AppError("not_found", "That review case does not exist.");

  let actionKey: string | null = null;
  const draft = await createDraft(db, actor, {
    fromReviewCase: { id: found.id, action: found.action, reason: `${REVIEW_SOURCE_NAMES[found.source]}: ${found.reason}` },
    onCreated: async (tx, created) => {
      await lockReviewCase(tx, found.id);
      const actions = (created.document as { actions?: { key: string }[] }).actions ?? [];
      actionKey = found.action && actions.some((a) => a.key === found.action) ? found.action : null;
      await recordAudit(tx, actor, { action: "review.draft_start", subjectType: "review_case", subjectId: found.id, data: { draft_id: created.id, title: created.title, action: found.action } });
    },
  });
  return { draftId: draft.id, title: draft.title, actionKey };
}
