import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import type { Db } from "@/lib/db/prisma";
import { seedDemo } from "@/lib/demo/seed-demo";
import { bootstrapAdmin } from "@/lib/users/bootstrap-admin";

/**
 * First-run setup. The demo seed goes first: the demo has its own administrator, so a demo
 * workspace never gets the extra `admin@mandate.local` whose one-time password would land in
 * the log. A real workspace still gets its first administrator as before.
 */
export async function prepareWorkspace(
  db: Db,
  options: { seedDemo: boolean; admin: { email?: string; password?: string } },
): Promise<{ admin: Awaited<ReturnType<typeof bootstrapAdmin>>; demoSeeded: boolean }> {
  const demoSeeded = options.seedDemo ? (await seedDemo(db, SYSTEM_ACTOR)).seeded : false;
  const admin = await bootstrapAdmin(db, options.admin);
  return { admin, demoSeeded };
}
