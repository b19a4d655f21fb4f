import { roleForVote } from "@/lib/approvals/approval-roles";
import type { Actor } from "@/lib/audit/actor";
import { can } from "@/lib/auth/permissions";
import { canDecideRecommendations } from "@/lib/autonomy/authorize-committee";
import type { Db } from "@/lib/db/prisma";

export interface WaitingItem {
  label: string;
  count: number;
  href: string;
}

/**
 * What waits for this person, by what their roles let them do: held actions whose next approval
 * they may give,
 * review cases on them or on nobody, drafts that need a second person, open recommendations.
 */
export async function waitingFor(db: Db, actor: Extract<Actor, { type: "user" }>, now = new Date()): Promise<WaitingItem[]> {
  const roles = [...actor.roles];
  const open = { in: ["open", "in_review"] as ("open" | "in_review")[] };
  const [approvals, mine, unassigned, drafts, recommendations] = await Promise.all([
    can(roles, "approvals:decide") ? approvalsFor(db, actor, now) : null,
    can(roles, "reviews:work") ? db.reviewCase.count({ where: { status: open, assigneeId: actor.id } }) : null,
    can(roles, "reviews:work") ? db.reviewCase.count({ where: { status: open, assigneeId: null } }) : null,
    can(roles, "policy:review") ? draftsFor(db, actor) : null,
    canDecideRecommendations(roles) ? db.recommendation.count({ where: { status: "open" } }) : null,
  ]);
  const items: (WaitingItem | null)[] = [
    approvals === null ? null : { label: approvals === 1 ? "held action you can approve" : "held actions you can approve", count: approvals, href: "/approvals" },
    mine === null ? null : { label: mine === 1 ? "review case assigned to you" : "review cases assigned to you", count: mine, href: "/reviews" },
    unassigned === null ? null : { label: unassigned === 1 ? "review case nobody has taken" : "review cases nobody has taken", count: unassigned, href: "/reviews" },
    drafts === null ? null : { label: drafts === 1 ? "policy draft waiting for a second person" : "policy drafts waiting for a second person", count: drafts, href: "/policy-versions" },
    recommendations === null ? null : { label: recommendations === 1 ? "open recommendation on authority" : "open recommendations on authority", count: recommendations, href: "/recommendations" },
  ];
  return items.filter((item): item is WaitingItem => item !== null);
}

/** Pending, unexpired approvals whose next approval this person may give (not voted yet, a role still needed). */
async function approvalsFor(db: Db, actor: Extract<Actor, { type: "user" }>, now: Date): Promise<number> {
  const pending = await db.approval.findMany({
    where: { status: "pending", expiresAt: { gt: now }, roles: { hasSome: [...actor.roles] }, votes: { none: { userId: actor.id } } },
    select: { required: true, roles: true, votes: { where: { verdict: "approve" }, select: { role: true } } },
  });
  return pending.filter((approval) => roleForVote(approval, approval.votes, actor.roles).ok).length;
}

/** Drafts submitted for review that this person neither wrote nor last edited, and has not reviewed at this revision. */
async function draftsFor(db: Db, actor: Extract<Actor, { type: "user" }>): Promise<number> {
  const drafts = await db.policyDraft.findMany({
    where: { status: "in_review" },
    select: { revision: true, authorId: true, updatedById: true, reviews: { where: { reviewerId: actor.id }, select: { revision: true } } },
  });
  return drafts.filter((d) => d.authorId !== actor.id && d.updatedById !== actor.id && !d.reviews.some((r) => r.revision === d.revision)).length;
}
