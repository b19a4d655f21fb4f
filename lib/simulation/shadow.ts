import type pg from "pg";
import {
  compilePolicy,
  evaluate,
  preEvaluate,
  type CompiledPolicy,
  type Decision,
  type DecisionRequest,
  type LimitCheck,
  type LimitUsage,
  type StopSwitch,
} from "@/lib/engine";
import { Decimal } from "@/lib/engine/money";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import type { SimulatedReason } from "./replay";
import { componentLogger } from "@/lib/logger";

/** A live decision, handed over after it was committed and its response built. */
export interface ShadowObservation {
  decisionId: string;
  createdAt: Date;
  request: DecisionRequest;
  agentName: string;
  paused: StopSwitch | null;
  live: { decision: Decision; tier: string | null };
  /** The limits the live decision counted and the usage it found; null when it counted none. */
  usage: { limits: readonly LimitCheck[]; values: Readonly<Record<string, LimitUsage>> } | null;
}

/** What createDecision calls; the evaluator implements it, tests may pass their own. */
export interface ShadowSink {
  observe(observation: ShadowObservation): void;
}

interface ShadowDraft {
  id: string;
  revision: number;
  policy: CompiledPolicy;
}

export interface ShadowEvaluatorOptions {
  /** How often the set of shadow drafts is reloaded (the policy runtime's pace). */
  refreshMs?: number;
  /** How often buffered decisions are evaluated and their results written. */
  flushMs?: number;
  /** Observations held at most between flushes; beyond it they are dropped and counted. */
  maxBuffer?: number;
  onError?: (error: unknown) => void;
}

const ZERO_USAGE: LimitUsage = { count: 0, amount: new Decimal(0) };
const INSERT_CHUNK = 2_000;

/**
 * Shadow mode. `observe` only queues the decision (nothing at all when no draft is in shadow),
 * so the agent's answer never waits on a draft; every `flushMs` the queue is evaluated against
 * each draft that was in shadow when the decision was made, and one statement per chunk counts
 * the evaluations per draft and second and keeps a row for each decision a draft would have made
 * differently (the only ones the console lists). Drafts are compiled once per revision and
 * reloaded every `refreshMs`.
 */
export class ShadowEvaluator implements ShadowSink {
  private drafts: readonly ShadowDraft[] = [];
  private queue: { observation: ShadowObservation; drafts: readonly ShadowDraft[] }[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;
  /** Since start, for tests and the bench: decisions queued, evaluations recorded, and those that differed. */
  readonly stats = { observed: 0, evaluated: 0, differing: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: ShadowEvaluatorOptions = {},
  ) {}

  async start(): Promise<void> {
    await this.refresh().catch((error) => this.report(error));
    this.refreshTimer = setInterval(() => void this.refresh().catch((error) => this.report(error)), this.options.refreshMs ?? 500);
    this.refreshTimer.unref();
    this.flushTimer = setInterval(() => void this.flush().catch((error) => this.report(error)), this.options.flushMs ?? 1000);
    this.flushTimer.unref();
  }

  /** Stops the timers and writes what is still queued. */
  async stop(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.refreshTimer = this.flushTimer = null;
    await this.refreshing?.catch(() => {});
    await this.flush().catch((error) => this.report(error));
  }

  /** Drafts currently in shadow. */
  activeDrafts(): { id: string; revision: number }[] {
    return this.drafts.map(({ id, revision }) => ({ id, revision }));
  }

  observe(observation: ShadowObservation): void {
    const drafts = this.drafts;
    if (drafts.length === 0) return;
    if (this.queue.length >= (this.options.maxBuffer ?? 50_000)) {
      this.dropped++;
      return;
    }
    this.queue.push({ observation, drafts });
    this.stats.observed++;
  }

  refresh(): Promise<void> {
    return (this.refreshing ??= this.load().finally(() => (this.refreshing = null)));
  }

  /** Evaluates the queue and writes the results; one flush at a time. */
  flush(): Promise<void> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = null)));
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string; revision: number }>(
      `SELECT id, revision FROM policy_drafts WHERE shadow AND status IN ('open', 'in_review') ORDER BY created_at`,
    );
    const known = new Map(this.drafts.map((draft) => [draft.id, draft]));
    if (rows.length === known.size && rows.every((row) => known.get(row.id)?.revision === row.revision)) return;

    const next: ShadowDraft[] = [];
    for (const row of rows) {
      const cached = known.get(row.id);
      if (cached?.revision === row.revision) {
        next.push(cached);
        continue;
      }
      const { rows: documents } = await this.pool.query<{ document: unknown; revision: number }>(`SELECT document, revision FROM policy_drafts WHERE id = $1`, [row.id]);
      const stored = documents[0];
      if (!stored) continue;
      const validated = validatePolicyDocument(stored.document);
      // Drafts are validated on every save; one that is not cannot shadow anything.
      if (!validated.ok) continue;
      next.push({ id: row.id, revision: stored.revision, policy: compilePolicy(validated.document, 0) });
    }
    this.drafts = next;
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.report(new Error(`shadow evaluation fell behind: ${this.dropped} live decisions were not shadowed`));
      this.dropped = 0;
    }
    // What was queued until now; later arrivals wait for the next flush, so batches stay large.
    const queued = this.queue;
    this.queue = [];
    for (let offset = 0; offset < queued.length; offset += INSERT_CHUNK) {
      const batch = queued.slice(offset, offset + INSERT_CHUNK);
      const { rows, counts } = shadowBatch(batch);
      if (counts.length === 0) continue;
      try {
        await this.insert(JSON.stringify(rows), JSON.stringify(counts));
      } catch (error) {
        // Kept for the next flush (observe() caps the queue while the database is away).
        this.queue = queued.slice(offset).concat(this.queue);
        throw error;
      }
      for (const count of counts) {
        this.stats.evaluated += count.evaluated;
        this.stats.differing += count.differing;
      }
    }
  }

  /**
   * Shadow results are telemetry: the commit does not wait for the WAL to reach disk, so the
   * flusher never queues behind fsync (a crash may lose the last moments of results, never a
   * decision).
   */
  private async insert(rows: string, counts: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN; SET LOCAL synchronous_commit = off");
      await client.query(SHADOW_INSERT_SQL, [rows, counts]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private report(error: unknown): void {
    (this.options.onError ?? ((e: unknown) => componentLogger("shadow").error({ err: e }, "shadow evaluation failed")))(error);
  }
}

interface ShadowCountRow {
  draft_id: string;
  second: string;
  evaluated: number;
  differing: number;
}

/**
 * Evaluates queued decisions against the drafts that were in shadow for them: a row for each
 * answer that differs from the live one, and every evaluation counted per draft and second.
 */
export function shadowBatch(batch: readonly { observation: ShadowObservation; drafts: readonly { id: string; policy: CompiledPolicy }[] }[]): { rows: unknown[]; counts: ShadowCountRow[] } {
  const rows: unknown[] = [];
  const counts = new Map<string, ShadowCountRow>();
  for (const { observation, drafts } of batch) {
    const second = new Date(Math.floor(observation.createdAt.getTime() / 1000) * 1000).toISOString();
    for (const draft of drafts) {
      const outcome = evaluateShadow(draft.policy, observation);
      const differs = outcome.decision !== observation.live.decision || outcome.tier !== observation.live.tier;
      const key = `${draft.id} ${second}`;
      let count = counts.get(key);
      if (!count) counts.set(key, (count = { draft_id: draft.id, second, evaluated: 0, differing: 0 }));
      count.evaluated++;
      if (!differs) continue;
      count.differing++;
      rows.push({
        decision_id: observation.decisionId,
        draft_id: draft.id,
        decision: outcome.decision,
        tier: outcome.tier,
        reasons: outcome.reasons,
        differs,
        created_at: observation.createdAt.toISOString(),
      });
    }
  }
  // In key order, so two processes' flushes upsert the same seconds in the same order (no deadlock).
  return { rows, counts: [...counts.values()].sort((a, b) => a.draft_id.localeCompare(b.draft_id) || a.second.localeCompare(b.second)) };
}

/** One flush chunk in one statement: $1 the differing rows, $2 the counts (both JSON arrays). */
export const SHADOW_INSERT_SQL = `WITH differing AS (
    INSERT INTO shadow_results (id, decision_id, draft_id, decision, tier, reasons, differs, created_at)
    SELECT gen_random_uuid(), r.decision_id, r.draft_id, r.decision::"DecisionKind", r.tier, r.reasons, r.differs, r.created_at
      FROM jsonb_to_recordset($1::jsonb) AS r(decision_id text, draft_id uuid, decision text, tier text, reasons jsonb, differs boolean, created_at timestamptz)
  )
  INSERT INTO shadow_counts (draft_id, second, evaluated, differing)
  SELECT c.draft_id, c.second, c.evaluated, c.differing
    FROM jsonb_to_recordset($2::jsonb) AS c(draft_id uuid, second timestamptz, evaluated int, differing int)
  ON CONFLICT (draft_id, second) DO UPDATE
    SET evaluated = shadow_counts.evaluated + excluded.evaluated, differing = shadow_counts.differing + excluded.differing`;

/**
 * The draft's answer to a live request, with the usage the live decision counted for the same
 * limit (same id, scope and window); a limit the live policy does not count starts from zero.
 */
export function evaluateShadow(policy: CompiledPolicy, observation: ShadowObservation): { decision: Decision; tier: string | null; reasons: SimulatedReason[] } {
  const { request } = observation;
  const base = { paused: observation.paused, sampleDraw: 1, agentName: observation.agentName };
  try {
    const pre = preEvaluate(policy, request, base);
    if (pre.status === "invalid") return { decision: "deny", tier: null, reasons: [{ code: "customer_id_required", message: pre.error.message }] };
    const result = pre.status === "decided" ? pre.result : evaluate(policy, request, { ...base, limitUsage: usageFor(pre.limits, observation.usage) });
    return { decision: result.decision, tier: result.tier, reasons: result.reasons.map(({ code, message }) => ({ code, message })) };
  } catch (error) {
    return { decision: "deny", tier: null, reasons: [{ code: "unreadable_request", message: `The request could not be evaluated: ${(error as Error).message}` }] };
  }
}

function usageFor(limits: readonly LimitCheck[], live: ShadowObservation["usage"]): Record<string, LimitUsage> {
  const usage: Record<string, LimitUsage> = {};
  for (const limit of limits) {
    const seen = live?.limits.find((l) => l.id === limit.id && l.scope === limit.scope && l.windowMs === limit.windowMs);
    usage[limit.id] = (seen && live?.values[seen.id]) || ZERO_USAGE;
  }
  return usage;
}
