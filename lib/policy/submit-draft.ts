import { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { canonicalJson } from "@/lib/engine/canonical";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";

export const submitDraftSchema = z.object({
  draftId: z.string().uuid(),
  revision: z.coerce.number().int().min(1),
  reason: z.string().trim().min(5, "Say why this change is needed (at least 5 characters)").max(1000),
});

/** Sends a draft for review with the reason that will be published with it. */
export async function submitDraft(db: Db, actor: Actor, input: z.input<typeof submitDraftSchema>) {
  authorize(actor, "policy:review");
  const data = parseOrThrow(submitDraftSchema, input);
  return db.$transaction(async (tx) => {
    const draft = await tx.policyDraft.findUnique({ where: { id: data.draftId }, select: { id: true, status: true, revision: true, document: true, updatedByLabel: true, authorLabel: true } });
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    if (draft.status !== "open" && draft.status !== "in_review") throw new AppError("conflict", `This draft is ${draft.status}.`);
    if (draft.revision !== data.revision) throw new AppError("stale_revision", `This draft was changed by ${draft.updatedByLabel ?? draft.authorLabel} since you opened it. Reload before submitting.`);
    const latest = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { document: true } });
    if (latest && canonicalJson(latest.document) === canonicalJson(draft.document)) {
      throw new AppError("conflict", "This draft is the same as the policy in force: there is nothing to publish.");
    }
    await tx.policyDraft.update({ where: { id: draft.id }, data: { status: "in_review", reason: data.reason, submittedAt: new Date() } });
    await recordAudit(tx, actor, { action: "policy.draft_submit", subjectType: "policy_draft", subjectId: draft.id, data: { revision: draft.revision, reason: data.reason } });
  });
}
