import type { Db } from "@/lib/db/prisma";

/** The setting the demo seed writes last, in its transaction: its presence is what makes a workspace a demo. */
export const DEMO_SEEDED_KEY = "demo_seeded";

/**
 * Whether this database holds the demo workspace. Read from the database, never from an env
 * var or a request, so nothing a browser sends can make a real workspace show demo hints.
 */
export async function isDemoWorkspace(db: Db): Promise<boolean> {
  return (await db.setting.findUnique({ where: { key: DEMO_SEEDED_KEY }, select: { key: true } })) !== null;
}
