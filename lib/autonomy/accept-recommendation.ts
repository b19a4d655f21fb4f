import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { createDraft } from "@/lib/policy/create-draft";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { editDraft } from "@/lib/policy/edit-draft";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { discardDraft } from "@/lib/policy/discard-draft";
import { parseOrThrow } from "@/lib/validation";
import { authorizeCommittee } from "./authorize-committee";
import { readEvidence } from "./evidence";
import { applyProposal } from "./proposals";
import { decideRecommendationSchema, type DecideRecommendationInput } from "./schemas";

async function requireOpen(db: Db, id: string) {
  const recommendation = await db.recommendation.findUnique({
    where: { id },
    select: { id: true, action: true, kind: true, title: true, status: true, evidence: true, draftId: true, decidedBy: { select: { name: true } } },
  });
  if (!recommendation) throw new AppError("not_found", "That recommendation does not exist.");
  if (recommendation.status !== "open") {
    const by = recommendation.decidedBy ? ` by ${recommendation.decidedBy.name}` : "";
    throw new AppError("conflict", `This recommendation was already ${recommendation.status}${by}.`);
  }
  return recommendation;
}

/**
 * Turns a recommendation into a draft: a new draft of the policy in force with the proposed
 * change applied through editDraft (the same validation and section ownership as a person's
 * edit), then reviewed, simulated and published like any other change. The recommendation is
 * marked accepted with the reason and the draft; if someone else accepted or dismissed it
 * meanwhile, the new draft is discarded and this one is refused.
 */
export async function acceptRecommendation(db: Db, actor: Actor, input: DecideRecommendationInput): Promise<{ draftId: string }> {
  authorizeCommittee(actor);
  const data = parseOrThrow(decideRecommendationSchema, input);
  const recommendation = await requireOpen(db, data.recommendationId);
  const evidence = readEvidence(recommendation.evidence);
  if (!evidence) throw new AppError("conflict", "This recommendation carries no change to apply: dismiss it instead.");
  if (data.fingerprint && data.fingerprint !== evidence.fingerprint) {
    throw new AppError("conflict", "The evidence changed since you opened this page: reload and read it again before accepting.");
  }
  // Fail before creating anything when the policy in force has moved past the proposal.
  const current = await getCurrentPolicy(db);
  if (!current) throw new AppError("conflict", "No policy is published yet.");
  applyProposal(current.document, evidence.proposal);

  const draft = await createDraft(db, actor, { title: `Recommendation: ${evidence.change || recommendation.title}`.slice(0, 200) });
  try {
    const created = await db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true, revision: true } });
    const item = applyProposal(created.document as unknown as PolicyDocument, evidence.proposal);
    await editDraft(db, actor, { draftId: draft.id, revision: created.revision, edit: { section: "actions", op: "upsert", originalKey: item.key, item } });

    await db.$transaction(async (tx) => {
      const claimed = await tx.recommendation.updateMany({
        where: { id: recommendation.id, status: "open" },
        data: { status: "accepted", reason: data.reason, draftId: draft.id, decidedById: actor.type === "user" ? actor.id : null, decidedAt: new Date() },
      });
      if (claimed.count !== 1) throw new AppError("conflict", "Someone else decided this recommendation a moment ago.");
      // The recommendation's evidence is why the change is proposed: it becomes the reason the version is published with.
      await tx.policyDraft.update({ where: { id: draft.id }, data: { reason: recommendation.title.slice(0, 1000) } });
      await recordAudit(tx, actor, {
        action: "recommendation.accept",
        subjectType: "recommendation",
        subjectId: recommendation.id,
        data: { reason: data.reason, draft_id: draft.id, rule: evidence.rule, action: recommendation.action, change: evidence.change, fingerprint: evidence.fingerprint },
      });
    });
  } catch (error) {
    await discardDraft(db, actor, { draftId: draft.id }).catch(() => {});
    throw error;
  }
  return { draftId: draft.id };
}
