import { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import type { PolicyDocument } from "./document-schema";
import { policyChecksum, publishPolicyVersion } from "./publish-policy-version";
import { approvalSatisfied, reviewRequirements } from "./review-requirements";
import { hasCompletedSimulation } from "@/lib/simulation/queries";

export const reviewDraftSchema = z
  .object({
    draftId: z.string().uuid(),
    revision: z.coerce.number().int().min(1),
    verdict: z.enum(["approve", "reject"], { message: "Choose approve or send back" }),
    comment: z.string().trim().max(2000),
    publishWithoutSimulation: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()).default(false),
  })
  .refine((r) => r.verdict === "approve" || r.comment.length >= 3, { path: ["comment"], message: "Say what needs to change (at least 3 characters)" });

/**
 * A second person reviews a submitted draft. Approvals count only for the revision they saw, never
 * from the draft's author or last editor (they cannot review it at all), and never for a
 * requirement whose sections the reviewer edited in any revision; once every requirement is met,
 * the draft is published as the next version in the same transaction.
 */
export async function reviewDraft(db: Db, actor: Actor, input: z.input<typeof reviewDraftSchema>) {
  authorize(actor, "policy:review");
  if (actor.type !== "user") throw new AppError("forbidden", "Reviews are made by people in the console.");
  const data = parseOrThrow(reviewDraftSchema, input);

  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM policy_drafts WHERE id = ${data.draftId}::uuid FOR UPDATE`;
    const draft = await tx.policyDraft.findUnique({
      where: { id: data.draftId },
      select: { id: true, status: true, revision: true, document: true, reason: true, authorId: true, updatedById: true, reviews: { where: { revision: data.revision }, select: { reviewerId: true, verdict: true, roles: true } }, editors: { select: { userId: true, section: true } } },
    });
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    if (draft.status !== "in_review") throw new AppError("conflict", draft.status === "published" ? "This draft was already published." : "This draft is not submitted for review.");
    if (draft.revision !== data.revision) throw new AppError("stale_revision", "The draft changed since you opened it. Reload and review the new version.");
    if (draft.authorId === actor.id || draft.updatedById === actor.id) {
      throw new AppError("forbidden", "You wrote or last edited this draft: a second person must review it.");
    }
    if (draft.reviews.some((r) => r.reviewerId === actor.id)) throw new AppError("conflict", "You already reviewed this revision.");

    await tx.policyDraftReview.create({ data: { draftId: draft.id, reviewerId: actor.id, verdict: data.verdict, roles: [...actor.roles], revision: draft.revision, comment: data.comment } });
    await recordAudit(tx, actor, { action: "policy.draft_review", subjectType: "policy_draft", subjectId: draft.id, data: { verdict: data.verdict, revision: draft.revision, comment: data.comment } });

    if (data.verdict === "reject") {
      await tx.policyDraft.update({ where: { id: draft.id }, data: { status: "open" } });
      return { verdict: "reject" as const, published: null, missing: [] as string[] };
    }

    const latest = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { document: true } });
    const document = draft.document as unknown as PolicyDocument;
    const requirements = reviewRequirements((latest?.document as unknown as PolicyDocument) ?? null, document);
    const approvals = [...draft.reviews.filter((r) => r.verdict === "approve"), { reviewerId: actor.id, roles: actor.roles, verdict: "approve" as const }].map((r) => ({
      userId: r.reviewerId,
      roles: [...r.roles],
    }));
    const satisfied = approvalSatisfied(requirements, approvals, draft.authorId, draft.editors);
    if (!satisfied.ok) return { verdict: "approve" as const, published: null, missing: satisfied.missing };
    if (!data.publishWithoutSimulation && !(await hasCompletedSimulation(tx, draft.id, draft.revision))) {
      throw new AppError("validation_failed", "This draft was never simulated at this revision: simulate it, or confirm publishing without a simulation.", [
        { path: "publishWithoutSimulation", message: "Confirm publishing without a simulation" },
      ]);
    }

    const restored = await tx.policyVersion.findFirst({ where: { checksum: policyChecksum(document) }, orderBy: { version: "desc" }, select: { version: true } });
    const version = await publishPolicyVersion(tx, actor, {
      document,
      reason: draft.reason ?? "Reviewed change",
      source: "console",
      draftId: draft.id,
      publishedById: draft.authorId,
      approvedById: actor.id,
      restoredFrom: restored?.version ?? null,
    });
    await tx.policyDraft.update({ where: { id: draft.id }, data: { status: "published" } });
    return { verdict: "approve" as const, published: version.version, missing: [] as string[] };
  });
}
