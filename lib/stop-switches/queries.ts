import type { Db } from "@/lib/db/prisma";

export async function listStopSwitches(db: Db) {
  const [active, recent, agents] = await Promise.all([
    db.stopSwitch.findMany({ where: { liftedAt: null }, orderBy: { createdAt: "desc" } }),
    db.stopSwitch.findMany({ where: { liftedAt: { not: null } }, orderBy: { liftedAt: "desc" }, take: 20 }),
    db.agent.findMany({ orderBy: { name: "asc" }, select: { name: true } }),
  ]);
  return { active, recent, agentNames: agents.map((a) => a.name) };
}
