import type { Db } from "@/lib/db/prisma";

/** Pending approvals, oldest first; the queue issue refines order and filters. */
export async function listPendingApprovals(db: Db, take = 100) {
  const rows = await db.approval.findMany({
    where: { status: "pending" },
    orderBy: { createdAt: "asc" },
    take,
    select: {
      id: true,
      required: true,
      roles: true,
      expiresAt: true,
      createdAt: true,
      _count: { select: { votes: { where: { verdict: "approve" } } } },
      decision: { select: { id: true, action: true, tier: true, owner: true, amount: true, currency: true, customerId: true, agent: { select: { name: true } } } },
    },
  });
  return rows.map(({ _count, decision, ...a }) => ({
    ...a,
    approvals: _count.votes,
    decisionId: decision.id,
    action: decision.action,
    tier: decision.tier,
    owner: decision.owner,
    amount: decision.amount?.toString() ?? null,
    currency: decision.currency,
    customerId: decision.customerId,
    agent: decision.agent.name,
  }));
}
