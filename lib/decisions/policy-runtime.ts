import type pg from "pg";
import { compilePolicy, type CompiledPolicy, type StopSwitch } from "@/lib/engine";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { getStopCovering, STOPS_IN_FORCE_SQL, type StopInForce } from "@/lib/stop-switches/stop-covering";

export interface RuntimeSnapshot {
  policy: CompiledPolicy | null;
  policyId: string | null;
  stops: StopInForce[];
}

/**
 * The policy in force, compiled once per published version, and the active stop switches,
 * refreshed every `refreshMs` from the database so every process sees a publish or a stop
 * within a second. When refreshing keeps failing the snapshot goes stale and callers must
 * fail closed.
 */
export class PolicyRuntime {
  private current: (RuntimeSnapshot & { version: number | null; loadedAt: number }) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { refreshMs?: number; staleAfterMs?: number; now?: () => number } = {},
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => {}), this.options.refreshMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The current snapshot, or null when none was loaded or it is too old to trust. */
  snapshot(): RuntimeSnapshot | null {
    const now = (this.options.now ?? Date.now)();
    if (!this.current || now - this.current.loadedAt > (this.options.staleAfterMs ?? 3000)) return null;
    return this.current;
  }

  /**
   * The stops in force, from the snapshot while it is fresh (no query per call); when it is stale,
   * read now, and fail (the caller answers 503) rather than guess that nothing is stopped.
   */
  async stopsInForce(): Promise<StopInForce[]> {
    const fresh = this.snapshot();
    if (fresh) return fresh.stops;
    return (await this.pool.query<StopInForce>(STOPS_IN_FORCE_SQL)).rows;
  }

  /**
   * Resolves once a load that started after this call has finished, so a caller that has just
   * committed a stop or a publish sees it. A load already under way may have read before that
   * commit: the call then waits for it and one more (shared by every caller meanwhile).
   */
  refresh(): Promise<void> {
    if (!this.refreshing) return (this.refreshing = this.load().finally(() => (this.refreshing = null)));
    const running = this.refreshing;
    return (this.queued ??= running.then(
      () => this.runQueued(),
      () => this.runQueued(),
    ));
  }

  private runQueued(): Promise<void> {
    this.queued = null;
    return this.refresh();
  }

  private async load(): Promise<void> {
    const [latest, stops] = await Promise.all([
      this.pool.query<{ id: string; version: number }>(`SELECT id, version FROM policy_versions ORDER BY version DESC LIMIT 1`),
      this.pool.query<StopInForce>(STOPS_IN_FORCE_SQL),
    ]);
    const head = latest.rows[0] ?? null;
    let policy = this.current?.policy ?? null;
    let policyId = this.current?.policyId ?? null;
    if ((head?.version ?? null) !== (this.current?.version ?? null)) {
      if (head) {
        const { rows } = await this.pool.query<{ document: unknown }>(`SELECT document FROM policy_versions WHERE id = $1`, [head.id]);
        const validated = validatePolicyDocument(rows[0]?.document);
        // A stored version that no longer validates is a fault: refuse to decide on it.
        if (!validated.ok) throw new Error(`policy version ${head.version} is invalid: ${validated.errors[0]?.message}`);
        policy = compilePolicy(validated.document, head.version);
        policyId = head.id;
      } else {
        policy = null;
        policyId = null;
      }
    }
    this.current = { policy, policyId, version: head?.version ?? null, stops: stops.rows, loadedAt: (this.options.now ?? Date.now)() };
  }
}

/** The stop switch covering this agent or action, everything first, as the engine takes it. */
export function findStop(stops: readonly StopInForce[], agentName: string, action: string): StopSwitch | null {
  const hit = getStopCovering(stops, { agentName, action });
  return hit ? { scope: hit.scope, reason: hit.reason } : null;
}
