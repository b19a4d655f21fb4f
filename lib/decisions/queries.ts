import type { Db } from "@/lib/db/prisma";

export async function listRecentDecisions(db: Db, take = 50) {
  const rows = await db.decision.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      action: true,
      decision: true,
      status: true,
      tier: true,
      owner: true,
      amount: true,
      currency: true,
      customerId: true,
      policyVersion: true,
      createdAt: true,
      agent: { select: { name: true } },
    },
  });
  return rows.map(({ agent, amount, ...d }) => ({ ...d, amount: amount?.toString() ?? null, agent: agent.name }));
}

export async function countDecisionsLastDay(db: Db) {
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const grouped = await db.decision.groupBy({ by: ["decision"], where: { createdAt: { gte: since } }, _count: { _all: true } });
  return Object.fromEntries(grouped.map((g) => [g.decision, g._count._all])) as Partial<Record<string, number>>;
}
