import { startBackgroundLoop } from "@/lib/background-loop";
import type pg from "pg";
import { LATENCY_BOUNDS_SQL } from "@/lib/dashboards/latency-buckets";

// Hourly rollups behind the dashboards (docs/decisions/0003-dashboard-rollups.md). The hot path never
// touches them: a background refresher re-aggregates recent hours from the raw tables, so a decision
// costs nothing extra and a late commit is picked up on the next round. Re-aggregating is idempotent
// (an upsert that writes only changed rows, plus a delete of keys that no longer exist), so any number
// of rounds over the same hours leave the same rows.

// Any fixed key (the 72_707_369_xxx family is Mandate's): one refresher at a time across processes.
export const ROLLUP_LOCK_KEY = 72_707_369_301;

// Rollup keys are NOT NULL: a missing tier, intent, action or agent is stored as these.
export const NO_TIER = "";
export const NO_AGENT = "00000000-0000-0000-0000-000000000000";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface RollupSpec {
  table: string;
  keys: string[];
  /** Summable numbers, and for a histogram latency_histogram last. */
  values: string[];
  histogram?: boolean;
  /** SELECT of keys then values, reading rows whose event time is at or after $1. */
  fresh: string;
}

const HISTOGRAM = ["latency_histogram"];

/**
 * Groups `source` (a SELECT of the keys, a latency bucket `lb` and summable values per key and
 * bucket) into one row per key with the histogram as a JSON object, bucket → count.
 */
function toHistogram(keys: string[], sums: string[], source: string): string {
  const k = keys.map((key) => `"${key}"`).join(", ");
  return `SELECT ${k}, ${sums.map((v) => `sum("${v}")${v === "count" ? "::int" : ""}`).join(", ")}, coalesce(jsonb_object_agg(lb, "count") FILTER (WHERE lb IS NOT NULL), '{}')
            FROM (${source}) x GROUP BY ${k}`;
}

const SPECS: RollupSpec[] = [
  {
    table: "decision_rollups",
    keys: ["bucket", "action", "agent_id", "tier", "decision"],
    values: ["count", "amount_sum"],
    fresh: `SELECT date_trunc('hour', created_at, 'UTC'), action, agent_id, coalesce(tier, ''), decision, count(*)::int, coalesce(sum(amount), 0)
              FROM decisions WHERE created_at >= $1 GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    // Every decision carries one reason code (the engine never mixes codes), so counting by the
    // first code counts each decision once.
    table: "reason_rollups",
    keys: ["bucket", "action", "intent", "agent_id", "tier", "decision", "reason"],
    values: ["count"],
    fresh: `SELECT date_trunc('hour', created_at, 'UTC'), action, coalesce(intent, ''), agent_id, coalesce(tier, ''), decision, coalesce(reason_codes[1], ''), count(*)::int
              FROM decisions WHERE created_at >= $1 AND decision <> 'allow' GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  },
  {
    // Keyed by when the approval was decided: that time never changes once set, so recent hours
    // are the only ones that can move.
    table: "approval_rollups",
    keys: ["bucket", "action", "agent_id", "tier", "status"],
    values: ["count", "amount_sum", ...HISTOGRAM],
    histogram: true,
    fresh: toHistogram(
      ["bucket", "action", "agent_id", "tier", "status"],
      ["count", "amount_sum"],
      `SELECT date_trunc('hour', a.decided_at, 'UTC') AS bucket, d.action, d.agent_id, coalesce(d.tier, '') AS tier, a.status,
              width_bucket(extract(epoch FROM a.decided_at - a.created_at)::float8, ${LATENCY_BOUNDS_SQL}) AS lb, count(*)::int AS count, coalesce(sum(d.amount), 0) AS amount_sum
         FROM approvals a JOIN decisions d ON d.id = a.decision_id
        WHERE a.decided_at >= $1 AND a.status <> 'pending' GROUP BY 1, 2, 3, 4, 5, 6`,
    ),
  },
  {
    table: "outcome_rollups",
    keys: ["bucket", "action", "agent_id", "tier", "status"],
    values: ["count", "amount_sum"],
    fresh: `SELECT date_trunc('hour', o.created_at, 'UTC'), d.action, d.agent_id, coalesce(d.tier, ''), o.status, count(*)::int, coalesce(sum(d.amount), 0)
              FROM outcomes o JOIN decisions d ON d.id = o.decision_id
             WHERE o.created_at >= $1 GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    // Two events per case: opened (created_at) and closed as resolved or dismissed (resolved_at).
    table: "review_rollups",
    keys: ["bucket", "event", "source", "action", "agent_id", "tier"],
    values: ["count"],
    fresh: `SELECT date_trunc('hour', created_at, 'UTC'), 'opened', source, coalesce(action, ''), coalesce(agent_id, '${NO_AGENT}'), coalesce(tier, ''), count(*)::int
              FROM review_cases WHERE created_at >= $1 GROUP BY 1, 2, 3, 4, 5, 6
            UNION ALL
            SELECT date_trunc('hour', resolved_at, 'UTC'), status::text, source, coalesce(action, ''), coalesce(agent_id, '${NO_AGENT}'), coalesce(tier, ''), count(*)::int
              FROM review_cases WHERE resolved_at >= $1 AND status IN ('resolved', 'dismissed') GROUP BY 1, 2, 3, 4, 5, 6`,
  },
  {
    // Time to decide runs from the item entering the queue to this person's vote.
    table: "approver_rollups",
    keys: ["bucket", "user_id", "verdict"],
    values: ["count", ...HISTOGRAM],
    histogram: true,
    fresh: toHistogram(
      ["bucket", "user_id", "verdict"],
      ["count"],
      `SELECT date_trunc('hour', v.created_at, 'UTC') AS bucket, v.user_id, v.verdict,
              width_bucket(extract(epoch FROM v.created_at - a.created_at)::float8, ${LATENCY_BOUNDS_SQL}) AS lb, count(*)::int AS count
         FROM approval_votes v JOIN approvals a ON a.id = v.approval_id
        WHERE v.created_at >= $1 GROUP BY 1, 2, 3, 4`,
    ),
  },
];

function refreshStatement(table: string, spec: Pick<RollupSpec, "keys" | "values">, fresh: string): string {
  const columns = [...spec.keys, ...spec.values];
  const alias = columns.map((c) => `"${c}"`).join(", ");
  const keyMatch = spec.keys.map((k) => `f."${k}" = r."${k}"`).join(" AND ");
  const changed = `(${spec.values.map((v) => `r."${v}"`).join(", ")}) IS DISTINCT FROM (${spec.values.map((v) => `EXCLUDED."${v}"`).join(", ")})`;
  // Upsert what the source rows say now, writing only rows whose numbers changed (no dead tuples on
  // a quiet hour), then drop keys in the window that no longer have rows.
  return `WITH f (${alias}) AS (${fresh}),
     upsert AS (
       INSERT INTO ${table} AS r (${alias}) SELECT ${alias} FROM f
       ON CONFLICT (${spec.keys.map((k) => `"${k}"`).join(", ")}) DO UPDATE SET ${spec.values.map((v) => `"${v}" = EXCLUDED."${v}"`).join(", ")}
       WHERE ${changed}
       RETURNING 1
     ),
     gone AS (
       DELETE FROM ${table} r WHERE r.bucket >= $1 AND NOT EXISTS (SELECT 1 FROM f WHERE ${keyMatch})
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM upsert)::int AS written, (SELECT count(*) FROM gone)::int AS deleted`;
}

/** The daily twin of an hourly rollup (decision_rollups → decision_daily_rollups), summed from it. */
export function dailyTable(hourly: string): string {
  return hourly.replace(/_rollups$/, "_daily_rollups");
}

function dailyFresh(spec: RollupSpec): string {
  const others = spec.keys.filter((k) => k !== "bucket").map((k) => `"${k}"`);
  const day = `date_trunc('day', bucket, 'UTC') AS bucket, ${others.join(", ")}`;
  if (!spec.histogram) {
    const sums = spec.values.map((v) => (v === "count" ? `sum("count")::int` : `sum("${v}")`));
    return `SELECT ${day}, ${sums.join(", ")} FROM ${spec.table} WHERE bucket >= $1 GROUP BY ${spec.keys.map((_, i) => i + 1).join(", ")}`;
  }
  // Histograms add bucket by bucket: unpack the hours' histograms, sum per latency bucket, re-pack.
  const sums = spec.values.filter((v) => !HISTOGRAM.includes(v));
  return toHistogram(
    spec.keys,
    sums,
    `SELECT ${day}, u.key::int AS lb, ${sums.map((v) => (v === "count" ? `sum(u.value::int)::int AS "count"` : `0::numeric AS "${v}"`)).join(", ")}
       FROM ${spec.table} CROSS JOIN LATERAL jsonb_each_text(latency_histogram) AS u
      WHERE bucket >= $1 GROUP BY ${spec.keys.map((_, i) => i + 1).join(", ")}, u.key
     UNION ALL
     SELECT ${day}, NULL, ${sums.map((v) => (v === "count" ? `0` : `sum("${v}")`)).join(", ")}
       FROM ${spec.table} WHERE bucket >= $1 GROUP BY ${spec.keys.map((_, i) => i + 1).join(", ")}`,
  );
}

// Hourly rollups first (from raw rows), then the daily ones (from the hourly rows just written).
const HOURLY = SPECS.map((spec) => ({ table: spec.table, text: refreshStatement(spec.table, spec, spec.fresh) }));
const DAILY = SPECS.map((spec) => ({ table: dailyTable(spec.table), text: refreshStatement(dailyTable(spec.table), spec, dailyFresh(spec)) }));

export const ROLLUP_TABLES = [...HOURLY, ...DAILY].map((statement) => statement.table);

export function floorToHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

export function floorToDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export interface RollupRefresh {
  /** False when another process holds the refresher lock and `wait` was not set. */
  refreshed: boolean;
  from: Date;
  /** Rollup rows written (inserted or changed) and deleted, per table. */
  written: Record<string, number>;
  deleted: Record<string, number>;
}

/**
 * Re-aggregates every hourly rollup bucket from the hour holding `from` onwards out of the raw
 * tables, and every daily bucket from that day onwards out of the hourly ones, in one transaction (readers see the old numbers or the new ones, never a mix). `from: new Date(0)`
 * rebuilds everything. With `wait` it queues behind a refresh in another process instead of
 * skipping.
 */
export async function refreshRollups(pool: pg.Pool, options: { from: Date; wait?: boolean }): Promise<RollupRefresh> {
  const from = floorToHour(options.from);
  const result: RollupRefresh = { refreshed: false, from, written: {}, deleted: {} };
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    if (options.wait) {
      await client.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [ROLLUP_LOCK_KEY]);
    } else {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock($1::bigint) AS ok`, [ROLLUP_LOCK_KEY]);
      if (!rows[0]?.ok) {
        await client.query("ROLLBACK");
        return result;
      }
    }
    // A rebuild after a bulk load groups and joins millions of rows: let it hash in memory rather
    // than spill to disk (a ceiling, not an allocation; this transaction only).
    await client.query(`SET LOCAL work_mem = '128MB'`);
    for (const [statements, since] of [[HOURLY, from], [DAILY, floorToDay(from)]] as const) {
      for (const statement of statements) {
        const { rows } = await client.query<{ written: number; deleted: number }>({ name: `mandate_rollup_${statement.table}`, text: statement.text, values: [since] });
        result.written[statement.table] = rows[0]?.written ?? 0;
        result.deleted[statement.table] = rows[0]?.deleted ?? 0;
      }
    }
    await client.query("COMMIT");
    result.refreshed = true;
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Every rollup rebuilt from all raw history: after a bulk load, or when the bucket layout changed. */
export function rebuildRollups(pool: pg.Pool): Promise<RollupRefresh> {
  return refreshRollups(pool, { from: new Date(0), wait: true });
}

export interface RollupRefresher {
  /** Stops the loop and waits for a round in progress, so the pool can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Keeps the rollups current in the background: every `intervalMs` it re-aggregates the hours that
 * `lookbackMs` reaches into (the current hour, and the previous one just after the hour turns),
 * and every `wideEvery` rounds the last `wideLookbackMs`, which catches anything committed late
 * with an older timestamp. Every server may run one; the advisory lock lets one work per round.
 */
export function startRollupRefresher(
  pool: pg.Pool,
  options: { intervalMs?: number; lookbackMs?: number; wideLookbackMs?: number; wideEvery?: number; now?: () => number; onError?: (error: unknown) => void } = {},
): RollupRefresher {
  const intervalMs = options.intervalMs ?? 5_000;
  const lookbackMs = options.lookbackMs ?? 15 * 60_000;
  const wideLookbackMs = options.wideLookbackMs ?? 3 * HOUR_MS;
  const wideEvery = options.wideEvery ?? 60;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("mandate: refreshing dashboard rollups failed", error));
  let round = 0;
  return startBackgroundLoop(
    async () => {
      const wide = round++ % wideEvery === 0;
      await refreshRollups(pool, { from: new Date(now() - (wide ? wideLookbackMs : lookbackMs)) });
    },
    { intervalMs, onError },
  );
}
