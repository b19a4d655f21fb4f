import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { authorizeCommittee } from "./authorize-committee";
import { readEvidence } from "./evidence";
import { decideRecommendationSchema, type DecideRecommendationInput } from "./schemas";

/**
 * Sets a recommendation aside with a reason. The same change is not recommended again for
 * 30 days (generate-recommendations.ts), so a dismissal is a decision, not a snooze button.
 */
export async function dismissRecommendation(db: Db, actor: Actor, input: DecideRecommendationInput): Promise<void> {
  authorizeCommittee(actor);
  const data = parseOrThrow(decideRecommendationSchema, input);
  await db.$transaction(async (tx) => {
    const recommendation = await tx.recommendation.findUnique({ where: { id: data.recommendationId }, select: { id: true, status: true, action: true, kind: true, evidence: true } });
    if (!recommendation) throw new AppError("not_found", "That recommendation does not exist.");
    const dismissed = await tx.recommendation.updateMany({
      where: { id: recommendation.id, status: "open" },
      data: { status: "dismissed", reason: data.reason, decidedById: actor.type === "user" ? actor.id : null, decidedAt: new Date() },
    });
    if (dismissed.count !== 1) throw new AppError("conflict", `This recommendation was already ${recommendation.status}.`);
    await recordAudit(tx, actor, {
      action: "recommendation.dismiss",
      subjectType: "recommendation",
      subjectId: recommendation.id,
      data: { reason: data.reason, rule: recommendation.kind, action: recommendation.action, fingerprint: readEvidence(recommendation.evidence)?.fingerprint ?? null },
    });
  });
}
