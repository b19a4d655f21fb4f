import type pg from "pg";
import { startBackgroundLoop } from "@/lib/background-loop";
import { compilePolicy } from "@/lib/engine";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import type { SimulationResult } from "./replay";
import { countRecordedRequests, simulateDraft } from "./simulate-draft";
import { lineLogger } from "@/lib/logger";

export interface SimulationRunner {
  /** Looks for queued runs now instead of at the next poll. */
  wake(): void;
  /** Stops polling and ends a run in progress (marked failed, so it can be started again). */
  stop(): Promise<void>;
}

export interface SimulationRunnerOptions {
  /** How often to look for queued runs (and, every 30 polls, for runs whose process died). */
  pollMs?: number;
  /** How often progress is written and the cancel flag read. */
  progressMs?: number;
  batchSize?: number;
  log?: (line: string) => void;
  /** Called after each progress write (the bench counts them; tests pause a run here). */
  onProgress?: (progress: { runId: string; processed: number; total: number; status: string }) => void | Promise<void>;
}

const INTERRUPTED = "The server running this simulation stopped before it finished. Start it again.";
const FAILED = "The simulation failed on our side. Start it again; if it keeps failing, tell your administrator.";

// The server action that queues a run lives in the Next.js bundle, which loads its own copy of
// this module: the runner registers on globalThis so a start wakes it at once.
const registry = globalThis as unknown as { __mandateSimulationRunner?: SimulationRunner };

/** Wakes the runner of this process, if one runs here; other processes pick the run up when they poll. */
export function notifySimulationRunner(): void {
  registry.__mandateSimulationRunner?.wake();
}

/** The advisory lock a runner holds, on its own connection, for as long as it executes a run. */
function lockKey(runId: string): string {
  return `mandate:simulation:${runId}`;
}

/**
 * Runs queued simulations one at a time in the server process. A run is claimed with
 * FOR UPDATE SKIP LOCKED (several processes may share a database) and its advisory lock is held
 * on a dedicated connection until it ends; a 'running' run whose lock is free therefore belongs
 * to a process that died, and is marked failed on start and every 30 polls.
 */
export function startSimulationRunner(pool: pg.Pool, options: SimulationRunnerOptions = {}): SimulationRunner {
  const pollMs = options.pollMs ?? 1000;
  const progressMs = options.progressMs ?? 1000;
  const log = options.log ?? lineLogger("simulation");
  let polls = 0;
  const stopped = () => loop.stopped;

  async function tick(): Promise<void> {
    if (polls++ % 30 === 0) await failAbandonedRuns(pool, log);
    // Drain the queue: one run after another until none is left.
    while (!stopped() && (await runNext())) {
      /* next */
    }
  }

  async function runNext(): Promise<boolean> {
    // The common case, nothing queued, costs one statement and no transaction.
    const { rowCount } = await pool.query(`SELECT 1 FROM simulation_runs WHERE status = 'queued' LIMIT 1`);
    if (!rowCount) return false;
    const lockClient = await pool.connect();
    let runId: string | null = null;
    try {
      await lockClient.query("BEGIN");
      const { rows } = await lockClient.query<{ id: string; draft_id: string; draft_revision: number; period_start: Date; period_end: Date }>(
        `SELECT id, draft_id, draft_revision, period_start, period_end FROM simulation_runs
          WHERE status = 'queued' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const run = rows[0];
      if (!run) {
        await lockClient.query("COMMIT");
        return false;
      }
      runId = run.id;
      await lockClient.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [lockKey(run.id)]);
      await lockClient.query(`UPDATE simulation_runs SET status = 'running' WHERE id = $1`, [run.id]);
      await lockClient.query("COMMIT");
      await execute(run);
      return true;
    } catch (error) {
      await lockClient.query("ROLLBACK").catch(() => {});
      if (runId) {
        log(`simulation ${runId} failed: ${(error as Error).stack ?? String(error)}`);
        await finish(pool, runId, "failed", { error: stopped() ? INTERRUPTED : FAILED }).catch(() => {});
        return true;
      }
      throw error;
    } finally {
      if (runId) await lockClient.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey(runId)]).catch(() => {});
      lockClient.release();
    }
  }

  async function execute(run: { id: string; draft_id: string; draft_revision: number; period_start: Date; period_end: Date }): Promise<void> {
    const { rows } = await pool.query<{ document: unknown; revision: number }>(`SELECT document, revision FROM policy_drafts WHERE id = $1`, [run.draft_id]);
    const draft = rows[0];
    if (!draft || draft.revision !== run.draft_revision) {
      await finish(pool, run.id, "failed", { error: `The draft changed (now revision ${draft?.revision ?? "gone"}) before the simulation started. Start it again.` });
      return;
    }
    const validated = validatePolicyDocument(draft.document);
    if (!validated.ok) {
      await finish(pool, run.id, "failed", { error: `The draft is not a valid policy: ${validated.errors[0]?.message ?? "unknown error"}` });
      return;
    }
    const policy = compilePolicy(validated.document, 0);
    // Publishing the draft replaces the latest version, whatever version the draft started from.
    const { rows: published } = await pool.query<{ version: number; document: PolicyDocument }>(`SELECT version, document FROM policy_versions ORDER BY version DESC LIMIT 1`);
    const inForce = published[0] ? compilePolicy(published[0].document, published[0].version) : null;
    const total = await countRecordedRequests(pool, run.period_start, run.period_end);
    await pool.query(`UPDATE simulation_runs SET total = $2, processed = 0 WHERE id = $1`, [run.id, total]);

    let lastWrite = performance.now();
    const result = await simulateDraft(pool, {
      policy,
      inForce,
      periodStart: run.period_start,
      periodEnd: run.period_end,
      batchSize: options.batchSize,
      onProgress: async (processed) => {
        if (stopped()) throw new Error("the server is stopping");
        if (performance.now() - lastWrite < progressMs) return "continue";
        lastWrite = performance.now();
        // Rows recorded after the count was taken can push processed past it: raise the total too.
        const { rows: written } = await pool.query<{ status: string; total: number }>(
          `UPDATE simulation_runs SET processed = $2, total = GREATEST(total, $2) WHERE id = $1 RETURNING status, total`,
          [run.id, processed],
        );
        const status = written[0]?.status ?? "gone";
        await options.onProgress?.({ runId: run.id, processed, total: written[0]?.total ?? total, status });
        return status === "running" ? "continue" : "stop";
      },
    });
    if (!result) return; // cancelled: the cancel already wrote status and finished_at
    await finish(pool, run.id, "completed", { result });
    log(`simulation ${run.id}: ${result.total.toLocaleString("en-US")} requests in ${(result.durationMs / 1000).toFixed(1)}s, ${result.changed} changed`);
  }

  const loop = startBackgroundLoop(tick, { intervalMs: pollMs, firstDelayMs: 0, onError: (error) => log(`simulation runner: ${(error as Error).message}`) });
  const runner: SimulationRunner = {
    wake: () => loop.wake(),
    async stop() {
      await loop.stop();
      if (registry.__mandateSimulationRunner === runner) delete registry.__mandateSimulationRunner;
    },
  };
  registry.__mandateSimulationRunner = runner;
  return runner;
}

async function finish(pool: pg.Pool, runId: string, status: "completed" | "failed", data: { result?: SimulationResult; error?: string }): Promise<void> {
  // Only a run still 'running' moves on: a cancel that arrived meanwhile stays a cancel.
  await pool.query(
    `UPDATE simulation_runs SET status = $2::"SimulationStatus", result = $3::jsonb, error = $4, finished_at = now(),
            processed = coalesce($5, processed), total = coalesce($5, total)
      WHERE id = $1 AND status = 'running'`,
    [runId, status, data.result ? JSON.stringify(data.result) : null, data.error ?? null, data.result?.total ?? null],
  );
}

/** Marks failed every 'running' run whose runner's advisory lock is free: its process is gone. */
export async function failAbandonedRuns(pool: pg.Pool, log: (line: string) => void = () => {}): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM simulation_runs WHERE status = 'running'`);
  if (rows.length === 0) return 0;
  const client = await pool.connect();
  let failed = 0;
  try {
    for (const { id } of rows) {
      const { rows: lock } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [lockKey(id)]);
      if (!lock[0]?.ok) continue;
      try {
        const updated = await client.query(`UPDATE simulation_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`, [id, INTERRUPTED]);
        if (updated.rowCount) {
          failed++;
          log(`simulation ${id} was left running by a stopped server: marked failed`);
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey(id)]);
      }
    }
  } finally {
    client.release();
  }
  return failed;
}
