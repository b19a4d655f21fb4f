import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import type { PolicyDocument } from "./document-schema";
import { DRAFT_TITLE_MAX, defaultDraftTitle } from "./draft-title";
import { policySection, type SectionKey } from "./sections";

/**
 * Starts a draft from the policy in force, or from an earlier version (a rollback: the old
 * document comes back as a new draft, reviewed and published like any change).
 */
export async function createDraft(
  db: Db,
  actor: Actor,
  input: {
    /** The name the author gave; empty means a derived one ("Forbidden actions: change by Lena, 7 Dec"). */
    title?: string;
    /** The section the author set out to change (from its page's "Change this"): it names the draft. */
    section?: SectionKey;
    fromVersion?: number;
    document?: PolicyDocument;
    /** The review case that prompted the change: it names the draft, gives its reason and is kept in the audit entry. */
    fromReviewCase?: { id: string; action: string | null; reason: string };
    /** Runs inside the draft's transaction, so a caller's own record (the case's audit entry) commits with it or not at all. */
    onCreated?: (tx: Tx, draft: { id: string; title: string; document: unknown }) => Promise<void>;
  },
) {
  authorize(actor, "policy:review");
  if (input.title && input.title.trim().length > DRAFT_TITLE_MAX) {
    throw new AppError("validation_failed", "The draft's name is too long.", [{ path: "title", message: `Use at most ${DRAFT_TITLE_MAX} characters` }]);
  }
  return db.$transaction(async (tx) => {
    const latest = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { id: true, version: true, document: true } });
    const source = input.fromVersion ? await tx.policyVersion.findUnique({ where: { version: input.fromVersion }, select: { id: true, version: true, document: true } }) : latest;
    if (input.fromVersion && !source) throw new AppError("not_found", `There is no published version ${input.fromVersion}.`);
    const document = input.document ?? source?.document;
    if (!document) throw new AppError("conflict", "No policy is published yet: import a policy document to start the first draft.");
    const rollback = input.fromVersion !== undefined && latest !== null && input.fromVersion !== latest.version;
    const origin = input.fromReviewCase;
    const author = actor.type === "user" ? await tx.user.findUnique({ where: { id: actor.id }, select: { name: true } }) : null;
    const originLabel = origin?.action ? ((document as PolicyDocument).actions?.find((a) => a.key === origin.action)?.label ?? origin.action) : null;
    const title =
      input.title?.trim() ||
      (rollback
        ? `Restore version ${input.fromVersion}`
        : defaultDraftTitle({
            topic: origin ? originLabel : input.section ? policySection(input.section).label : null,
            author: author?.name || actor.label,
            at: new Date(),
            fromReviewCase: origin !== undefined,
          }));
    const draft = await tx.policyDraft.create({
      data: {
        title,
        document: document as object,
        baseVersionId: latest?.id ?? null,
        authorId: actor.type === "user" ? actor.id : null,
        authorLabel: actor.label,
        reason: rollback ? `Roll back to version ${input.fromVersion}` : origin ? `Started from review case ${origin.id}: ${origin.reason}` : null,
        reviewCaseId: origin?.id ?? null,
      },
      select: { id: true, title: true },
    });
    await recordAudit(tx, actor, {
      action: rollback ? "policy.rollback_draft" : "policy.draft_create",
      subjectType: "policy_draft",
      subjectId: draft.id,
      data: { title, from_version: source?.version ?? null, base_version: latest?.version ?? null, ...(origin ? { review_case: origin.id } : {}) },
    });
    await input.onCreated?.(tx, { ...draft, document });
    return draft;
  });
}
