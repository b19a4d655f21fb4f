import pg from "pg";
import { getEnv } from "@/lib/env";

// Plain `pg` pools: one round trip per statement, no ORM layer. The console goes through Prisma
// (lib/db/prisma.ts).

type PoolKind = "general" | "agent";
const globalForPool = globalThis as unknown as { __mandatePools?: Partial<Record<PoolKind, { url: string; pool: pg.Pool }>> };

// NUMERIC and BIGINT come back as strings: money stays exact and ids never lose precision.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export interface PoolOptions {
  /**
   * Plan every prepared statement once (plan_cache_mode = force_generic_plan) instead of letting
   * PostgreSQL re-plan it with each execution's values. Right for statements whose best plan does
   * not depend on those values; wrong for date-range reports.
   */
  genericPlans?: boolean;
}

export function createPool(url: string, max: number, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(options.genericPlans ? { options: "-c plan_cache_mode=force_generic_plan" } : {}),
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  // Nor one dropped while checked out (the database stopping or restarting between two of a
  // transaction's statements): pg-pool listens only to idle clients, so the drop would become an
  // uncaught exception. The statement under way, or the next one, fails with the error instead,
  // and the broken client is discarded when it is released.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

function sharedPool(kind: PoolKind, options: PoolOptions): pg.Pool {
  const env = getEnv();
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const pools = (globalForPool.__mandatePools ??= {});
  const current = pools[kind];
  if (current && current.url === url) return current.pool;
  const pool = createPool(url, Math.max(env.MANDATE_DB_POOL_SIZE, 20), options);
  pools[kind] = { url, pool };
  return pool;
}

/** The process's pool for the console's reports, dashboards and background work. */
export function getPool(): pg.Pool {
  return sharedPool("general", {});
}

/**
 * The agent API's pool (decisions, outcomes, keys, the policy in force). Its statements are
 * prepared and select by equality (a key's hash, a decision's id, a limit's scope) or take a whole
 * batch of rows as one JSON parameter, so a generic plan is as good as a custom one, and forcing it
 * spares PostgreSQL planning the decision writer's statements again at every batch (docs/benchmarks-journal.md).
 */
export function getAgentPool(): pg.Pool {
  return sharedPool("agent", { genericPlans: true });
}

export async function closePool(): Promise<void> {
  const pools = globalForPool.__mandatePools ?? {};
  globalForPool.__mandatePools = undefined;
  await Promise.all(Object.values(pools).map((entry) => entry?.pool.end()));
}
