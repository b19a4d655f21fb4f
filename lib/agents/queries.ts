import type { Db } from "@/lib/db/prisma";

export async function listAgents(db: Db) {
  const agents = await db.agent.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      status: true,
      webhookUrl: true,
      createdAt: true,
      apiKeys: {
        orderBy: { createdAt: "desc" },
        select: { id: true, name: true, prefix: true, rateLimitPerSecond: true, createdAt: true, lastUsedAt: true, revokedAt: true },
      },
      _count: { select: { decisions: true } },
    },
  });
  return agents.map(({ _count, ...agent }) => ({ ...agent, decisionCount: _count.decisions }));
}
export type AgentRow = Awaited<ReturnType<typeof listAgents>>[number];
