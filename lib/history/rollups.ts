import { startBackgroundLoop } from "@/lib/background-loop";
import type pg from "pg";
import { LATENCY_BOUNDS_SQL } from "@/lib/dashboards/latency-buckets";
import { componentLogger } from "@/lib/logger";

// Hourly rollups behind the dashboards (docs/decisions/0003-dashboard-rollups.md). The hot path never
// touches them: a background refresher keeps them current.
// - Decisions (the high-rate source) are counted incrementally, each exactly once: a round adds the
//   decisions whose `decision.create` audit entries became visible since the snapshot the previous
//   round stored, and stores its own, in one statement. The audit log is the commit-ordered feed:
//   every decision writes its entry in its own transaction. A round costs what arrived since the
//   last one, not what the hour holds (re-aggregating the current hour every 5 s took 70 ms at
//   20,000 decisions and grew through the hour at hundreds a second).
// - Approvals, outcomes, review cases and votes (rows that change state, at human rates) are
//   re-aggregated from the raw tables over recent hours: an upsert that writes only changed rows,
//   plus a delete of keys that no longer exist, so any number of rounds leave the same rows.

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
  /** The rollup rows `fresh` accounts for, when not all of them (a condition on `r`). */
  scope?: string;
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

/** The rollups counted from decisions, each an aggregate of some set of decision rows. */
interface DecisionRollupSpec extends Omit<RollupSpec, "fresh"> {
  aggregate(rows: string): string;
}

const DECISION_SPECS: DecisionRollupSpec[] = [
  {
    table: "decision_rollups",
    keys: ["bucket", "action", "agent_id", "tier", "decision"],
    values: ["count", "amount_sum"],
    aggregate: (rows) => `SELECT date_trunc('hour', created_at, 'UTC'), action, agent_id, coalesce(tier, ''), decision, count(*)::int, coalesce(sum(amount), 0)
              FROM ${rows} GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    // Every decision carries one reason code (the engine never mixes codes), so counting by the
    // first code counts each decision once.
    table: "reason_rollups",
    keys: ["bucket", "action", "intent", "agent_id", "tier", "decision", "reason"],
    values: ["count"],
    aggregate: (rows) => `SELECT date_trunc('hour', created_at, 'UTC'), action, coalesce(intent, ''), agent_id, coalesce(tier, ''), decision, coalesce(reason_codes[1], ''), count(*)::int
              FROM ${rows} WHERE decision <> 'allow' GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  },
];

const SPECS: RollupSpec[] = [
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
    // Two events per case: opened (created_at), counted incrementally like decisions (cases open at
    // the decision rate), and closed as resolved or dismissed (resolved_at), re-aggregated here.
    table: "review_rollups",
    keys: ["bucket", "event", "source", "action", "agent_id", "tier"],
    values: ["count"],
    scope: "r.event <> 'opened'",
    fresh: `SELECT date_trunc('hour', resolved_at, 'UTC'), status::text, source, coalesce(action, ''), coalesce(agent_id, '${NO_AGENT}'), coalesce(tier, ''), count(*)::int
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

const quote = (column: string) => `"${column}"`;

/**
 * CTEs that make `table` hold exactly what `fresh` says for its buckets (from `since`, a SQL
 * expression, when given): upsert the rows whose numbers changed (no dead tuples on a quiet hour),
 * delete keys that no longer have rows. Names are suffixed with `tag`.
 */
function replaceCtes(tag: string, table: string, spec: Pick<RollupSpec, "keys" | "values" | "scope">, fresh: string, since: string | null): string[] {
  const alias = [...spec.keys, ...spec.values].map(quote).join(", ");
  const keyMatch = spec.keys.map((k) => `f."${k}" = r."${k}"`).join(" AND ");
  const changed = `(${spec.values.map((v) => `r."${v}"`).join(", ")}) IS DISTINCT FROM (${spec.values.map((v) => `EXCLUDED."${v}"`).join(", ")})`;
  return [
    `f${tag} (${alias}) AS (${fresh})`,
    `u${tag} AS (
       INSERT INTO ${table} AS r (${alias}) SELECT ${alias} FROM f${tag}
       ON CONFLICT (${spec.keys.map(quote).join(", ")}) DO UPDATE SET ${spec.values.map((v) => `"${v}" = EXCLUDED."${v}"`).join(", ")}
       WHERE ${changed}
       RETURNING 1
     )`,
    `g${tag} AS (
       DELETE FROM ${table} r WHERE ${since ? `r.bucket >= ${since} AND ` : ""}${spec.scope ? `${spec.scope} AND ` : ""}NOT EXISTS (SELECT 1 FROM f${tag} f WHERE ${keyMatch})
       RETURNING 1
     )`,
  ];
}

function refreshStatement(table: string, spec: Pick<RollupSpec, "keys" | "values" | "scope">, fresh: string): string {
  return `WITH ${replaceCtes("", table, spec, fresh, "$1").join(", ")}
     SELECT (SELECT count(*) FROM u)::int AS written, (SELECT count(*) FROM g)::int AS deleted`;
}

/** The daily twin of an hourly rollup (decision_rollups → decision_daily_rollups), summed from it. */
export function dailyTable(hourly: string): string {
  return hourly.replace(/_rollups$/, "_daily_rollups");
}

function dailyFresh(spec: Omit<RollupSpec, "fresh">): string {
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
const DAILY = SPECS.map((spec) => ({ table: dailyTable(spec.table), text: refreshStatement(dailyTable(spec.table), { ...spec, scope: undefined }, dailyFresh(spec)) }));

const WATERMARK = "decisions";

// The decisions to add: their audit entries are visible to this statement and were not visible
// in the snapshot the previous round stored. Not visible there means a txid at or past its xmax
// ($1) or one of its in-progress txids ($2): given as values, that is two index ranges on the
// audit log's txid (a session idle in a transaction for an hour costs nothing more). The same
// test is also written out with pg_visible_in_snapshot. pg_current_snapshot() is the statement's
// own snapshot, so the rows read, the rows counted and the snapshot stored are one and the same
// (no commit can slip between two statements).
const PREVIOUS = `(SELECT snapshot::pg_snapshot FROM rollup_watermarks WHERE name = '${WATERMARK}')`;
const CURRENT = "(SELECT pg_current_snapshot())";
const UNSEEN = `(txid >= $1::bigint OR txid = ANY($2::bigint[]))`;
const NEW_ENTRIES = `SELECT subject_id, subject_type, action, txid FROM audit_entries WHERE ${UNSEEN}`;
const NEW_DECISIONS = `SELECT d.created_at, d.action, d.agent_id, d.tier, d.decision, d.amount, d.intent, d.reason_codes
    FROM e JOIN decisions d ON d.id = e.subject_id
   WHERE e.action = 'decision.create' AND e.subject_type = 'decision'
     AND NOT pg_visible_in_snapshot(e.txid::text::xid8, ${PREVIOUS}) AND pg_visible_in_snapshot(e.txid::text::xid8, ${CURRENT})`;

// Review cases opened, from a set of review_cases rows (closings are re-aggregated with the other
// rollups).
const REVIEWS = SPECS.find((spec) => spec.table === "review_rollups")!;
const OPENED = { ...REVIEWS, scope: "r.event = 'opened'" };
// Cases carry their inserting transaction's id: the same test as for decisions' audit entries.
const NEW_CASES = `(SELECT * FROM review_cases WHERE ${UNSEEN}
     AND NOT pg_visible_in_snapshot(txid::text::xid8, ${PREVIOUS}) AND pg_visible_in_snapshot(txid::text::xid8, ${CURRENT})) c`;

/** A rollup counted incrementally: its aggregate over the round's new rows, or over all rows to rebuild. */
interface IncrementalRollup {
  /** Key of its counts in a round's result (the review rollup's closings are re-aggregated under its table name). */
  label: string;
  spec: Pick<RollupSpec, "table" | "keys" | "values" | "scope">;
  aggregate(rows: string): string;
  newRows: string;
  allRows: string;
}

const INCREMENTAL: IncrementalRollup[] = [
  ...DECISION_SPECS.map((spec) => ({ label: spec.table, spec, aggregate: spec.aggregate, newRows: "n", allRows: "decisions" })),
  {
    label: `${OPENED.table}:opened`,
    spec: OPENED,
    aggregate: (rows: string) => `SELECT date_trunc('hour', created_at, 'UTC'), 'opened', source, coalesce(action, ''), coalesce(agent_id, '${NO_AGENT}'), coalesce(tier, ''), count(*)::int
    FROM ${rows} GROUP BY 1, 2, 3, 4, 5, 6`,
    newRows: NEW_CASES,
    allRows: "review_cases",
  },
];
const dailyLabel = ({ label, spec }: IncrementalRollup) => label.replace(spec.table, dailyTable(spec.table));

/**
 * One statement: add the new decisions and newly opened review cases to their hourly rollups and
 * daily twins, and move the watermark to the statement's snapshot. Being one statement, it adds
 * all of them and moves the mark, or nothing.
 */
function incrementStatement(): string {
  // Entries are read by txid alone first: given the action too, the planner may prefer the action
  // index, which holds every decision ever made.
  const ctes = [`e AS MATERIALIZED (${NEW_ENTRIES})`, `n AS MATERIALIZED (${NEW_DECISIONS})`];
  const counts = [`(SELECT count(*) FROM n)::int AS counted`];
  INCREMENTAL.forEach((rollup, i) => {
    const { spec } = rollup;
    const alias = [...spec.keys, ...spec.values].map(quote).join(", ");
    const add = `ON CONFLICT (${spec.keys.map(quote).join(", ")}) DO UPDATE SET ${spec.values.map((v) => `"${v}" = r."${v}" + EXCLUDED."${v}"`).join(", ")}`;
    const day = [`date_trunc('day', bucket, 'UTC')`, ...spec.keys.filter((k) => k !== "bucket").map(quote)];
    const sums = spec.values.map((v) => (v === "count" ? `sum("count")::int` : `sum("${v}")`));
    ctes.push(
      `h${i} (${alias}) AS (${rollup.aggregate(rollup.newRows)})`,
      `uh${i} AS (INSERT INTO ${spec.table} AS r (${alias}) SELECT ${alias} FROM h${i} ${add} RETURNING 1)`,
      `ud${i} AS (INSERT INTO ${dailyTable(spec.table)} AS r (${alias}) SELECT ${day.join(", ")}, ${sums.join(", ")} FROM h${i} GROUP BY ${day.map((_, k) => k + 1).join(", ")} ${add} RETURNING 1)`,
    );
    counts.push(`(SELECT count(*) FROM uh${i})::int AS "${rollup.label}"`, `(SELECT count(*) FROM ud${i})::int AS "${dailyLabel(rollup)}"`);
  });
  ctes.push(`w AS (UPDATE rollup_watermarks SET snapshot = pg_current_snapshot()::text, updated_at = now() WHERE name = '${WATERMARK}' RETURNING 1)`);
  return `WITH ${ctes.join(",\n")} SELECT ${counts.join(", ")}, (SELECT count(*) FROM w)::int AS marked`;
}

/**
 * One statement: every incremental rollup recomputed from all rows visible to it, and the
 * watermark set to that same snapshot (pg_current_snapshot() is the statement's), so the next
 * increment adds exactly what this one did not see. The daily twins follow from the hourly rows.
 */
function rebuildStatement(): string {
  const ctes = INCREMENTAL.flatMap((rollup, i) => replaceCtes(String(i), rollup.spec.table, rollup.spec, rollup.aggregate(rollup.allRows), null));
  ctes.push(
    `w AS (INSERT INTO rollup_watermarks (name, snapshot) VALUES ('${WATERMARK}', pg_current_snapshot()::text)
           ON CONFLICT (name) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = now() RETURNING 1)`,
  );
  const counts = INCREMENTAL.flatMap(({ label }, i) => [`(SELECT count(*) FROM u${i})::int AS "${label}"`, `(SELECT count(*) FROM g${i})::int AS "${label}:deleted"`]);
  return `WITH ${ctes.join(",\n")} SELECT ${counts.join(", ")}, (SELECT count(*) FROM w)::int AS marked`;
}

const INCREMENT = incrementStatement();
const REBUILD_DECISIONS = rebuildStatement();
// After a rebuild, every day of the rebuilt rollups is summed again from its hours.
const REBUILT_DAILY = [...DECISION_SPECS, REVIEWS].map((spec) => ({ table: dailyTable(spec.table), text: refreshStatement(dailyTable(spec.table), { ...spec, scope: undefined }, dailyFresh(spec)) }));

export const ROLLUP_TABLES = [...DECISION_SPECS, ...SPECS].flatMap((spec) => [spec.table, dailyTable(spec.table)]);

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
  /** Decisions added to the decision rollups by this round (all of them when it rebuilt). */
  counted: number;
  /** True when the decision rollups were rebuilt from every decision rather than incremented. */
  rebuilt: boolean;
  /** Rollup rows written (inserted or changed) and deleted, per table. */
  written: Record<string, number>;
  deleted: Record<string, number>;
}

/**
 * One round, in one transaction (readers see the old numbers or the new ones, never a mix): adds
 * the decisions committed since the previous round to the decision rollups (or, with `rebuild` or
 * on the first round, recomputes them from every decision), and re-aggregates the other rollups'
 * hourly buckets from the hour holding `from` onwards out of the raw tables, and their daily
 * buckets from that day onwards out of the hourly ones. With `wait` it queues behind a round in
 * another process instead of skipping.
 */
export async function refreshRollups(pool: pg.Pool, options: { from: Date; wait?: boolean; rebuild?: boolean }): Promise<RollupRefresh> {
  const from = floorToHour(options.from);
  const result: RollupRefresh = { refreshed: false, from, counted: 0, rebuilt: false, written: {}, deleted: {} };
  const client = await pool.connect();
  try {
    // Read committed on purpose: each statement after the lock sees the previous round's commit.
    await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
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
    // Plan each statement for its own parameters: after five runs PostgreSQL may switch a prepared
    // statement to a generic plan, which cannot see that `>= $1` keeps only recent rows and joins
    // outcomes and approvals to a full scan of decisions (52 ms at 70,000 decisions, growing).
    await client.query(`SET LOCAL plan_cache_mode = force_custom_plan`);

    const { rows: marks } = await client.query<{ xmax: string; xip: string[] }>(
      `SELECT pg_snapshot_xmax(s)::text AS xmax, ARRAY(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip
         FROM (SELECT snapshot::pg_snapshot AS s FROM rollup_watermarks WHERE name = $1) w`,
      [WATERMARK],
    );
    if (options.rebuild || !marks[0]) {
      const { rows } = await client.query<Record<string, number>>(REBUILD_DECISIONS);
      for (const { label } of INCREMENTAL) {
        result.written[label] = rows[0]?.[label] ?? 0;
        result.deleted[label] = rows[0]?.[`${label}:deleted`] ?? 0;
      }
      await runAll(client, REBUILT_DAILY, new Date(0), result);
      const { rows: total } = await client.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM decision_rollups`);
      result.counted = total[0]?.n ?? 0;
      result.rebuilt = true;
    } else {
      const { rows } = await client.query<Record<string, number>>({ name: "mandate_rollup_increment", text: INCREMENT, values: [marks[0].xmax, marks[0].xip] });
      // Counted without moving the mark, the next round would count the same rows again.
      if (rows[0]?.marked !== 1) throw new Error("the rollup watermark vanished during a round; nothing was counted");
      result.counted = rows[0].counted ?? 0;
      for (const label of INCREMENTAL.flatMap((rollup) => [rollup.label, dailyLabel(rollup)])) {
        result.written[label] = rows[0]?.[label] ?? 0;
        result.deleted[label] = 0;
      }
    }
    await runAll(client, HOURLY, from, result);
    await runAll(client, DAILY, floorToDay(from), result);
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

async function runAll(client: pg.PoolClient, statements: { table: string; text: string }[], since: Date, result: RollupRefresh): Promise<void> {
  for (const statement of statements) {
    const { rows } = await client.query<{ written: number; deleted: number }>({ name: `mandate_rollup_${statement.table}`, text: statement.text, values: [since] });
    result.written[statement.table] = rows[0]?.written ?? 0;
    result.deleted[statement.table] = rows[0]?.deleted ?? 0;
  }
}

/** Every rollup rebuilt from all raw history: after a bulk load, or when the bucket layout changed. */
export function rebuildRollups(pool: pg.Pool): Promise<RollupRefresh> {
  return refreshRollups(pool, { from: new Date(0), wait: true, rebuild: true });
}

export interface RollupRefresher {
  /** Stops the loop and waits for a round in progress, so the pool can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Keeps the rollups current in the background: every `intervalMs` it adds the decisions and review
 * cases committed since the last round, and re-aggregates the other rollups over the hours that
 * `lookbackMs` reaches into (the current hour, and the previous one just after the hour turns),
 * and every `wideEvery` rounds over the last `wideLookbackMs`, which catches anything committed
 * late with an older timestamp. Every server may run one; the advisory lock lets one work per round.
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
  const onError = options.onError ?? ((error: unknown) => componentLogger("rollups").error({ err: error }, "refreshing dashboard rollups failed"));
  let round = 0;
  return startBackgroundLoop(
    async () => {
      const wide = round++ % wideEvery === 0;
      await refreshRollups(pool, { from: new Date(now() - (wide ? wideLookbackMs : lookbackMs)) });
    },
    { intervalMs, onError },
  );
}
