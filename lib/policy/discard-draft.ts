import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import { can } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";

/** Abandons a draft. Its author or an administrator may. */
export async function discardDraft(db: Db, actor: Actor, input: { draftId: string }) {
  authorize(actor, "policy:read");
  return db.$transaction(async (tx) => {
    const draft = await tx.policyDraft.findUnique({ where: { id: input.draftId }, select: { id: true, status: true, authorId: true } });
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    const isAuthor = actor.type === "user" && draft.authorId === actor.id;
    const mayDiscardAny = actor.type !== "user" || can(actor.roles, "policy:discard_any_draft");
    if (!isAuthor && !mayDiscardAny) throw new AppError("forbidden", "Only the draft's author or an administrator can discard it.");
    if (draft.status === "published" || draft.status === "discarded") throw new AppError("conflict", `This draft is already ${draft.status}.`);
    await tx.policyDraft.update({ where: { id: draft.id }, data: { status: "discarded" } });
    await recordAudit(tx, actor, { action: "policy.draft_discard", subjectType: "policy_draft", subjectId: draft.id, data: {} });
  });
}
