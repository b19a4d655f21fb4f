import type { Tx } from "@/lib/db/prisma";

// Any fixed key (the 72_707_369_xxx family is Mandate's).
const ADMIN_CHANGE_LOCK_KEY = 72_707_369_401;

/**
 * Serializes changes that could leave no active administrator (a demotion, a disable), across
 * processes: without it, two administrators disabling each other at once would each count the
 * other as still active, and both changes would commit.
 */
export async function lockAdministratorChanges(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK_KEY}::bigint)`;
}
