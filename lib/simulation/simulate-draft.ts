import type pg from "pg";
import type { CompiledPolicy, Decision, DecisionRequest } from "@/lib/engine";
import { createReplay, type SimulationResult } from "./replay";

export interface SimulateDraftOptions {
  policy: CompiledPolicy;
  /** The published version the draft would replace; null when none is published. */
  inForce: CompiledPolicy | null;
  periodStart: Date;
  periodEnd: Date;
  batchSize?: number;
  /**
   * Called after every batch with the rows replayed so far; answering "stop" ends the replay
   * (a cancelled run) and simulateDraft returns null.
   */
  onProgress?: (processed: number) => Promise<"continue" | "stop"> | "continue" | "stop";
  /**
   * The replay runs in the server process next to the agent API: it hands the event loop back
   * at least this often, so a decision never waits behind a whole batch.
   */
  sliceMs?: number;
}

const DEFAULT_BATCH = 10_000;

// Only what the replay reads, as arrays (no per-row objects from pg) and with created_at as
// epoch milliseconds. The keyset is (created_at, id); `created_at >= $3` lets the created_at
// index bound the scan, the OR breaks ties within a millisecond.
const BATCH_SQL = `
  SELECT id, (extract(epoch FROM created_at) * 1000)::float8 AS at, action, request, decision::text, tier, agent_id::text,
         amount::text, counts_to_limits, 'paused' = ANY(reason_codes) AS paused
    FROM decisions
   WHERE created_at >= $1 AND created_at < $2
     AND created_at >= $3 AND (created_at > $3 OR id > $4)
   ORDER BY created_at, id
   LIMIT $5`;

type BatchRow = [string, number, string, DecisionRequest, Decision, string | null, string, string | null, boolean, boolean];

/** The recorded requests of the period: what a run's progress bar counts up to. */
export async function countRecordedRequests(pool: pg.Pool, periodStart: Date, periodEnd: Date): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE created_at >= $1 AND created_at < $2`, [periodStart, periodEnd]);
  return rows[0]?.n ?? 0;
}

/**
 * Replays every decision recorded in [periodStart, periodEnd), in created_at order, under the
 * policy in force and under the draft, each with limit usage rebuilt as it was at the time:
 * seeded from the decisions that counted before the period, then grown by what that policy lets
 * through. Reads in keyset batches and fetches the next batch while the current one is evaluated.
 */
export async function simulateDraft(pool: pg.Pool, options: SimulateDraftOptions): Promise<SimulationResult | null> {
  const started = performance.now();
  const { policy, inForce, periodStart, periodEnd } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const sliceMs = options.sliceMs ?? 5;
  const replay = createReplay({ draft: policy, inForce });
  await seedUsage(pool, replay, periodStart);

  const fetchBatch = (afterAt: Date, afterId: string) =>
    pool.query<BatchRow>({ text: BATCH_SQL, values: [periodStart, periodEnd, afterAt, afterId, batchSize], rowMode: "array" }).then((r) => r.rows);

  let pending = fetchBatch(periodStart, "");
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) break;
    const last = rows[rows.length - 1]!;
    // Overlap: PostgreSQL reads the next batch while this process evaluates this one.
    pending = rows.length === batchSize ? fetchBatch(new Date(last[1]), last[0]) : Promise.resolve([]);
    // Handled when awaited; without this an early stop would leave a rejection unobserved.
    pending.catch(() => {});
    let sliceStart = performance.now();
    for (let i = 0; i < rows.length; i++) {
      if ((i & 255) === 255 && performance.now() - sliceStart > sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const row = rows[i]!;
      replay.step({
        id: row[0],
        at: row[1],
        action: row[2],
        request: row[3],
        decision: row[4],
        tier: row[5],
        agentId: row[6],
        amount: row[7],
        countsToLimits: row[8],
        paused: row[9],
      });
    }
    if (options.onProgress && (await options.onProgress(replay.processed)) === "stop") {
      await pending.catch(() => {});
      return null;
    }
  }

  const { result, sampleIds } = replay.finish({ periodStart, periodEnd, durationMs: performance.now() - started });
  await attachAgentNames(pool, result, sampleIds);
  return result;
}

/** Usage just before the period: every decision that counted within the longest window of each limited action. */
async function seedUsage(pool: pg.Pool, replay: ReturnType<typeof createReplay>, periodStart: Date): Promise<void> {
  const limited = replay.limitedActions();
  if (limited.length === 0) return;
  const { rows } = await pool.query<[number, string, string | null, string, string | null]>({
    text: `SELECT (extract(epoch FROM d.created_at) * 1000)::float8, d.action, d.customer_id, d.agent_id::text, d.amount::text
             FROM unnest($1::text[], $2::bigint[]) AS l(action, window_ms)
             JOIN decisions d ON d.action = l.action
              AND d.created_at >= $3::timestamptz - (l.window_ms * interval '1 millisecond') AND d.created_at < $3
            WHERE d.counts_to_limits
            ORDER BY d.created_at, d.id`,
    values: [limited.map((l) => l.action), limited.map((l) => l.windowMs), periodStart],
    rowMode: "array",
  });
  for (const [at, action, customerId, agentId, amount] of rows) replay.seed({ at, action, customerId: customerId || null, agentId, amount });
}

async function attachAgentNames(pool: pg.Pool, result: SimulationResult, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await pool.query<{ id: string; agent_name: string | null }>(
    `SELECT d.id, a.name AS agent_name FROM decisions d LEFT JOIN agents a ON a.id = d.agent_id WHERE d.id = ANY($1::text[])`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row.agent_name]));
  for (const entry of result.sample) entry.agentName = byId.get(entry.id) ?? null;
}
