import type { Db } from "@/lib/db/prisma";

export interface RequestedAction {
  key: string;
  /** Decisions agents asked for with this action, over all history the rollups hold. */
  count: number;
}

/**
 * The actions agents have actually asked for, most asked first, with how often: what legal can
 * forbid and have it protect something. Read from the daily decision rollups (docs/decisions/0003),
 * which hold every decision in a few rows a day, never from the decisions table itself; they lag
 * the newest decisions by the refresher's interval (seconds).
 */
export async function listRequestedActions(db: Db, limit = 500): Promise<RequestedAction[]> {
  const rows = await db.$queryRaw<{ action: string; n: bigint }[]>`
    SELECT action, sum(count)::bigint AS n FROM decision_daily_rollups WHERE action <> '' GROUP BY action ORDER BY n DESC, action LIMIT ${limit}`;
  return rows.map((row) => ({ key: row.action, count: Number(row.n) }));
}
