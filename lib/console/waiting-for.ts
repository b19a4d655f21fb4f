import type { Actor } from "@/lib/audit/actor";
import { can } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/prisma";

export interface WaitingItem {
  label: string;
  count: number;
  href: string;
}

/**
 * What waits for this person, by what their roles let them do: held actions their roles may
 * approve and they have not voted on,
 * review cases on them or on nobody, drafts that need a second person, open recommendations.
 */
export async function waitingFor(db: Db, actor: Extract<Actor, { type: "user" }>, now = new Date()): Promise<WaitingItem[]> {
  const roles = [...actor.roles];
  const open = { in: ["open", "in_review"] as ("open" | "in_review")[] };
  const [approvals, mine, unassigned, drafts, recommendations] = await Promise.all([
    can(roles, "approvals:decide")
      ? db.approval.count({ where: { status: "pending", expiresAt: { gt: now }, roles: { hasSome: roles }, votes: { none: { userId: actor.id } } } })
      : null,
    can(roles, "reviews:work") ? db.reviewCase.count({ where: { status: open, assigneeId: actor.id } }) : null,
    can(roles, "reviews:work") ? db.reviewCase.count({ where: { status: open, assigneeId: null } }) : null,
    can(roles, "policy:review") ? db.policyDraft.count({ where: { status: "in_review", NOT: { authorId: actor.id } } }) : null,
    can(roles, "dashboards:read") ? db.recommendation.count({ where: { status: "open" } }) : null,
  ]);
  const items: (WaitingItem | null)[] = [
    approvals === null ? null : { label: approvals === 1 ? "held action waiting for your role" : "held actions waiting for your role", count: approvals, href: "/approvals" },
    mine === null ? null : { label: mine === 1 ? "review case assigned to you" : "review cases assigned to you", count: mine, href: "/reviews" },
    unassigned === null ? null : { label: unassigned === 1 ? "review case nobody has taken" : "review cases nobody has taken", count: unassigned, href: "/reviews" },
    drafts === null ? null : { label: drafts === 1 ? "policy draft waiting for a second person" : "policy drafts waiting for a second person", count: drafts, href: "/policy-versions" },
    recommendations === null ? null : { label: recommendations === 1 ? "open recommendation on authority" : "open recommendations on authority", count: recommendations, href: "/recommendations" },
  ];
  return items.filter((item): item is WaitingItem => item !== null);
}
