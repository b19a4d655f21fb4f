import pg from "pg";
import { getEnv } from "@/lib/env";

// A plain `pg` pool for the agent API's hot path: one round trip per statement, no ORM layer.
// The console goes through Prisma (lib/db/prisma.ts).

const globalForPool = globalThis as unknown as { __mandatePool?: { url: string; pool: pg.Pool } };

// NUMERIC and BIGINT come back as strings: money stays exact and ids never lose precision.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

export function getPool(): pg.Pool {
  const env = getEnv();
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const current = globalForPool.__mandatePool;
  if (current && current.url === url) return current.pool;
  const pool = createPool(url, Math.max(env.MANDATE_DB_POOL_SIZE, 20));
  globalForPool.__mandatePool = { url, pool };
  return pool;
}

export async function closePool(): Promise<void> {
  const current = globalForPool.__mandatePool;
  globalForPool.__mandatePool = undefined;
  await current?.pool.end();
}
