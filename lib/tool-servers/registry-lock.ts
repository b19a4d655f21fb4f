import type { Tx } from "@/lib/db/prisma";

const TOOL_REGISTRY_LOCK_KEY = 72_707_369_801;

/** Serializes changes to the registry: two registrations cannot both claim the same tool name. */
export async function lockToolRegistry(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TOOL_REGISTRY_LOCK_KEY}::bigint)`;
}
