import type { Db } from "@/lib/db/prisma";

export async function listStopSwitches(db: Db) {
  const [active, recent, agents] = await Promise.all([
    db.stopSwitch.findMany({ where: { liftedAt: null }, orderBy: { createdAt: "desc" } }),
    db.stopSwitch.findMany({ where: { liftedAt: { not: null } }, orderBy: { liftedAt: "desc" }, take: 20 }),
    db.agent.findMany({ orderBy: { name: "asc" }, select: { name: true } }),
  ]);
  return { active, recent, agentNames: agents.map((a) => a.name) };
}

/** The stops in force, "everything" first: what the console's banner shows on every page. */
export async function listActiveStops(db: Db) {
  const active = await db.stopSwitch.findMany({
    where: { liftedAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, scope: true, target: true, reason: true, createdBy: true, createdAt: true },
  });
  return active.sort((a, b) => Number(b.scope === "all") - Number(a.scope === "all"));
}
