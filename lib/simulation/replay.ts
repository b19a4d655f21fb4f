import {
  evaluate,
  preEvaluate,
  type CompiledLimit,
  type CompiledPolicy,
  type Decision,
  type DecisionRequest,
  type DecisionResult,
  type LimitUsage,
  type StopSwitch,
} from "@/lib/engine";
import { Decimal } from "@/lib/engine/money";
import { actionsThatMayDiffer } from "./differing-actions";
import { formatScaled, parseScaled } from "./scaled-amount";

// The replay core: pure, no database. simulate-draft.ts streams recorded decisions into it in
// created_at order; tests feed it by hand. A draft is compared with the policy in force, both
// replayed: comparing it with what was recorded would credit the draft with every change
// published since those requests were decided.

export const DECISION_KINDS = ["allow", "hold", "step_up", "escalate", "deny"] as const satisfies readonly Decision[];

/** One recorded decision as the replay needs it. */
export interface RecordedDecision {
  id: string;
  /** created_at in epoch milliseconds. */
  at: number;
  /** decisions.action: the same as request.action, and there even when the request is unreadable. */
  action: string;
  request: DecisionRequest;
  decision: Decision;
  tier: string | null;
  agentId: string;
  /** The recorded amount (decisions.amount, normalized decimal text). */
  amount: string | null;
  /** Whether the recorded decision counts toward limits today (allowed, or held and approved). */
  countsToLimits: boolean;
  /** A stop switch denied it: switches are operational, so they applied under the draft too. */
  paused: boolean;
}

/** A decision that counted toward limits before the period: it seeds the usage windows. */
export interface UsageEvent {
  at: number;
  action: string;
  customerId: string | null;
  agentId: string;
  amount: string | null;
}

export type Matrix = Record<Decision, Record<Decision, number>>;

export interface SimulatedReason {
  code: string;
  message: string;
}

export interface SampleSide {
  decision: Decision;
  tier: string | null;
  reasons: SimulatedReason[];
}

export interface SampleEntry {
  id: string;
  at: string;
  action: string;
  customerId: string | null;
  agentId: string;
  agentName: string | null;
  amount: string | null;
  /** What was decided when the request came in (under the version then in force). */
  recorded: { decision: Decision; tier: string | null };
  /** The policy in force now, replayed. */
  inForce: SampleSide;
  draft: SampleSide;
}

/** Decisions that moved from one outcome to another, grouped by action and both tiers. */
export interface TransitionGroup {
  action: string;
  from: Decision;
  to: Decision;
  /** The tier under the policy in force. */
  fromTier: string | null;
  /** The tier under the draft. */
  tier: string | null;
  count: number;
  /** Sum of the requests' amounts, exact decimal text. */
  amount: string;
}

/**
 * The draft against the policy in force (the published version it would replace), both
 * replayed over the same recorded requests with the same usage accounting: every count here is
 * a change this draft makes, not one an earlier version made since the requests were decided.
 */
export interface SimulationResult {
  version: 2;
  currency: string;
  periodStart: string;
  periodEnd: string;
  /** The published version the draft was compared with; null when none was published (everything refused). */
  inForceVersion: number | null;
  total: number;
  /** Decision kind or tier differs. */
  changed: number;
  /** Decision kind differs. */
  kindChanged: number;
  /** From the policy in force (rows) to the draft (columns), all requests including unchanged ones. */
  matrix: Matrix;
  byAction: Record<string, Matrix>;
  /** Keyed by the tier the draft assigns ("none" when it decides before a tier applies). */
  byTier: Record<string, Matrix>;
  /** Every group with a change of kind or tier, largest first. */
  changes: TransitionGroup[];
  money: {
    /** Requests the draft allows that the policy in force does not: money that would move without a human. */
    newlyAllowed: { count: number; amount: string };
    /** Requests the policy in force allows and the draft would not. */
    noLongerAllowed: { count: number; amount: string };
  };
  sample: SampleEntry[];
  /** The actions whose rules differ: only their requests were replayed under both policies. */
  differingActions: string[];
  /**
   * A separate view: what was decided at the time (rows) against the draft (columns). It also
   * holds every change published since those requests were decided, so nothing above uses it.
   */
  recorded: { matrix: Matrix; changed: number; kindChanged: number };
  seededUsageEvents: number;
  durationMs: number;
  requestsPerSecond: number;
}

export const NO_TIER = "none";
const SAMPLE_SIZE = 50;
const PAUSED: StopSwitch = { scope: "all", reason: "a stop switch was on when this request was recorded" };
const ZERO_USAGE: LimitUsage = Object.freeze({ count: 0, amount: new Decimal(0) }) as LimitUsage;
const NO_USAGE: Readonly<Record<string, LimitUsage>> = Object.freeze({});

// During the replay a matrix is 25 counters indexed from * 5 + to: four matrices a request, and
// keyed property access by decision name cost more than the rest of a row's bookkeeping.
type Counts = Uint32Array;
const newCounts = (): Counts => new Uint32Array(25);

function kindIndex(decision: Decision): number {
  switch (decision) {
    case "allow":
      return 0;
    case "hold":
      return 1;
    case "step_up":
      return 2;
    case "escalate":
      return 3;
    default:
      return 4;
  }
}

function toMatrix(counts: Counts): Matrix {
  const matrix = {} as Matrix;
  DECISION_KINDS.forEach((from, i) => {
    matrix[from] = {} as Record<Decision, number>;
    DECISION_KINDS.forEach((to, j) => (matrix[from][to] = counts[i * 5 + j]!));
  });
  return matrix;
}

/** Counts and sums over a sliding time window; events arrive in time order. */
class SlidingWindow {
  private times: number[] = [];
  private amounts: bigint[] = [];
  private head = 0;
  count = 0;
  sum = 0n;
  /** The sum as a Decimal, kept while the sum stays the same: most reads come between changes. */
  private decimal: { sum: bigint; value: Decimal } | null = null;

  amount(): Decimal {
    if (this.decimal?.sum !== this.sum) this.decimal = { sum: this.sum, value: new Decimal(formatScaled(this.sum)) };
    return this.decimal.value;
  }

  add(at: number, amount: bigint): void {
    this.times.push(at);
    this.amounts.push(amount);
    this.count++;
    this.sum += amount;
  }

  /** Drops events at or before `cutoff`: live usage counts `created_at > now() - window`. */
  evict(cutoff: number): void {
    const times = this.times;
    while (this.head < times.length && times[this.head]! <= cutoff) {
      this.sum -= this.amounts[this.head]!;
      this.head++;
      this.count--;
    }
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Limit usage as it evolves through the replay: one window per limit and scope (customer,
 * agent or everyone), fed by the decisions that count under the draft.
 */
export class UsageLedger {
  /** Per limit id, per subject (the customer id, the agent id, or "" for a global limit). */
  private readonly windows = new Map<string, Map<string, SlidingWindow>>();
  private readonly byAction = new Map<string, readonly CompiledLimit[]>();
  private readonly perCustomer = new Set<string>();

  /** `only`: count these actions alone (a draft's ledger needs only the actions it decides differently). */
  constructor(policy: CompiledPolicy, only?: ReadonlySet<string>) {
    for (const action of policy.actions.values()) {
      if (only && !only.has(action.key)) continue;
      if (action.limits.length > 0) this.byAction.set(action.key, action.limits);
      if (action.limits.some((limit) => limit.scope === "customer")) this.perCustomer.add(action.key);
    }
  }

  hasCustomerLimit(action: string): boolean {
    return this.perCustomer.has(action);
  }

  /** Actions with limits and the longest window among them: how far back seeding must read. */
  limitedActions(): { action: string; windowMs: number }[] {
    return [...this.byAction].map(([action, limits]) => ({ action, windowMs: Math.max(...limits.map((l) => l.windowMs)) }));
  }

  usage(limit: CompiledLimit, customerId: string | null, agentId: string, at: number): LimitUsage {
    const window = this.windows.get(limit.id)?.get(subjectOf(limit, customerId, agentId));
    if (!window) return ZERO_USAGE;
    window.evict(at - limit.windowMs);
    if (window.count === 0) return ZERO_USAGE;
    return { count: window.count, amount: limit.maxAmount === null ? ZERO_USAGE.amount : window.amount() };
  }

  record(action: string, customerId: string | null, agentId: string, amount: string | null, at: number): void {
    const limits = this.byAction.get(action);
    if (!limits) return;
    let scaled: bigint | null = null;
    for (const limit of limits) {
      // A customer limit cannot count a request without a customer (the API refuses those).
      if (limit.scope === "customer" && customerId === null) continue;
      let subjects = this.windows.get(limit.id);
      if (!subjects) this.windows.set(limit.id, (subjects = new Map()));
      const subject = subjectOf(limit, customerId, agentId);
      let window = subjects.get(subject);
      if (!window) subjects.set(subject, (window = new SlidingWindow()));
      window.evict(at - limit.windowMs);
      scaled ??= amount === null ? 0n : parseScaled(amount);
      window.add(at, scaled);
    }
  }
}

// Nested maps rather than one map keyed by concatenated text: each lookup would otherwise build
// and hash a new string, twice per limit and request.
function subjectOf(limit: CompiledLimit, customerId: string | null, agentId: string): string {
  if (limit.scope === "customer") return customerId ?? "";
  if (limit.scope === "agent") return agentId;
  return "";
}

function customerOf(request: DecisionRequest | null): string | null {
  const id = request?.customer?.id;
  return typeof id === "string" && id !== "" ? id : null;
}

/**
 * A policy's answer to a recorded request, with usage from the ledger. The customer-id check
 * of a per-customer limit is an input error the API answers with 400: the agent gets no
 * permission, so the replay counts it as a deny.
 */
export function decideReplayed(policy: CompiledPolicy, ledger: UsageLedger, row: RecordedDecision): Replayed {
  const request = row.request;
  const paused = row.paused ? PAUSED : null;
  const action = policy.actions.get(request.action);
  let result: DecisionResult;
  if (!action || action.limits.length === 0) {
    result = evaluate(policy, request, { paused, sampleDraw: 1, limitUsage: NO_USAGE });
  } else {
    const customerId = customerOf(request);
    if (customerId === null && ledger.hasCustomerLimit(action.key)) {
      // Rare: let preEvaluate say whether the request is decided before limits or is invalid.
      const pre = preEvaluate(policy, request, { paused, sampleDraw: 1 });
      if (pre.status === "invalid") return { decision: "deny", tier: null, reasons: [{ code: "customer_id_required", message: pre.error.message }] };
      result = pre.status === "decided" ? pre.result : evaluate(policy, request, { paused, sampleDraw: 1, limitUsage: NO_USAGE });
    } else {
      const limitUsage: Record<string, LimitUsage> = {};
      for (const limit of action.limits) limitUsage[limit.id] = ledger.usage(limit, customerId, row.agentId, row.at);
      result = evaluate(policy, request, { paused, sampleDraw: 1, limitUsage });
    }
  }
  return result;
}

type Replayed = { decision: Decision; tier: string | null; reasons: SimulatedReason[] };

const NOTHING_PUBLISHED: Replayed = Object.freeze({
  decision: "deny",
  tier: null,
  reasons: [{ code: "no_policy", message: "No policy version was published: the agent API refused every request." }],
}) as Replayed;

// A recorded request the engine cannot read (hand-written history, an old format) must not
// end a million-row run: it counts as refused and shows its reason in the sample.
function decideSafely(policy: CompiledPolicy | null, ledger: UsageLedger, row: RecordedDecision): Replayed {
  if (!policy) return NOTHING_PUBLISHED;
  try {
    return decideReplayed(policy, ledger, row);
  } catch (error) {
    return { decision: "deny", tier: null, reasons: [{ code: "unreadable_request", message: `The recorded request could not be evaluated: ${(error as Error).message}` }] };
  }
}

/**
 * Whether a replayed request counts toward a policy's limits, the same rule for both sides.
 * Allowed ones do. A hold counts only when the recorded decision was a hold a person approved:
 * for any other hold we cannot know what the approver would have said, and an unapproved hold
 * never counts.
 */
export function countsWhenReplayed(replayed: Decision, row: RecordedDecision): boolean {
  if (replayed === "allow") return true;
  return replayed === "hold" && row.decision === "hold" && row.countsToLimits;
}

interface Group {
  action: string;
  from: Decision;
  to: Decision;
  fromTier: string | null;
  tier: string | null;
  count: number;
  amount: bigint;
}

type Candidate = Omit<SampleEntry, "agentName">;

/** A small seeded PRNG (mulberry32), so the same history always gives the same sample. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Replay {
  /** Actions with limits on either side and the longest window among them: how far back seeding must read. */
  limitedActions(): { action: string; windowMs: number }[];
  /** Seeds the usage windows with decisions before the period; call in time order before `step`. */
  seed(event: UsageEvent): void;
  /** Replays one recorded decision under both policies; rows must come in created_at order. */
  step(row: RecordedDecision): void;
  readonly processed: number;
  /** The result without the agent names of the sample (the caller loads them). */
  finish(extra: { periodStart: Date; periodEnd: Date; durationMs: number }): { result: SimulationResult; sampleIds: string[] };
}

const reasonsOf = (reasons: readonly SimulatedReason[]): SimulatedReason[] => reasons.map(({ code, message }) => ({ code, message }));

/**
 * Replays recorded requests under the policy in force and under the draft, each with its own
 * usage windows (seeded alike, grown by what that policy lets through). Requests for an action
 * whose rules are the same in both are evaluated once: both policies decide them alike.
 */
export function createReplay({ draft, inForce }: { draft: CompiledPolicy; inForce: CompiledPolicy | null }): Replay {
  const differing = actionsThatMayDiffer(inForce, draft);
  const inForceLedger = new UsageLedger(inForce ?? draft, inForce ? undefined : new Set());
  const draftLedger = new UsageLedger(draft, differing);
  const matrix = newCounts();
  const recordedMatrix = newCounts();
  const byAction = new Map<string, Counts>();
  const byTier = new Map<string, Counts>();
  const groups = new Map<string, Group>();
  const reservoirs = new Map<string, { seen: number; items: Candidate[] }>();
  const random = createRandom(7);
  let processed = 0;
  let changed = 0;
  let kindChanged = 0;
  let recordedChanged = 0;
  let recordedKindChanged = 0;
  let seeded = 0;
  const newlyAllowed = { count: 0, amount: 0n };
  const noLongerAllowed = { count: 0, amount: 0n };

  function countsFor(map: Map<string, Counts>, key: string): Counts {
    let found = map.get(key);
    if (!found) map.set(key, (found = newCounts()));
    return found;
  }

  function offerSample(key: string, candidate: () => Candidate): void {
    let reservoir = reservoirs.get(key);
    if (!reservoir) reservoirs.set(key, (reservoir = { seen: 0, items: [] }));
    reservoir.seen++;
    if (reservoir.items.length < SAMPLE_SIZE) reservoir.items.push(candidate());
    else {
      const slot = Math.floor(random() * reservoir.seen);
      if (slot < SAMPLE_SIZE) reservoir.items[slot] = candidate();
    }
  }

  return {
    get processed() {
      return processed;
    },
    limitedActions() {
      const windows = new Map<string, number>();
      for (const ledger of [inForceLedger, draftLedger]) {
        for (const { action, windowMs } of ledger.limitedActions()) windows.set(action, Math.max(windowMs, windows.get(action) ?? 0));
      }
      return [...windows].map(([action, windowMs]) => ({ action, windowMs }));
    },
    seed(event) {
      seeded++;
      inForceLedger.record(event.action, event.customerId, event.agentId, event.amount, event.at);
      draftLedger.record(event.action, event.customerId, event.agentId, event.amount, event.at);
    },
    step(row) {
      processed++;
      const action = row.action;
      const base = decideSafely(inForce, inForceLedger, row);
      if (countsWhenReplayed(base.decision, row)) inForceLedger.record(action, customerOf(row.request), row.agentId, row.amount, row.at);
      let next = base;
      if (differing.has(action)) {
        next = decideSafely(draft, draftLedger, row);
        if (countsWhenReplayed(next.decision, row)) draftLedger.record(action, customerOf(row.request), row.agentId, row.amount, row.at);
      }

      const recorded = row.decision;
      const from = base.decision;
      const to = next.decision;
      const toIndex = kindIndex(to);
      recordedMatrix[kindIndex(recorded) * 5 + toIndex]!++;
      if (recorded !== to || row.tier !== next.tier) {
        recordedChanged++;
        if (recorded !== to) recordedKindChanged++;
      }

      const cell = kindIndex(from) * 5 + toIndex;
      matrix[cell]!++;
      countsFor(byAction, action)[cell]!++;
      countsFor(byTier, next.tier ?? NO_TIER)[cell]!++;
      if (from === to && base.tier === next.tier) return;

      changed++;
      if (from !== to) kindChanged++;
      const key = `${action}\u0000${from}\u0000${to}\u0000${base.tier ?? ""}\u0000${next.tier ?? ""}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { action, from, to, fromTier: base.tier, tier: next.tier, count: 0, amount: 0n }));
      group.count++;
      const scaled = row.amount === null ? 0n : parseScaled(row.amount);
      group.amount += scaled;
      if (to === "allow") {
        newlyAllowed.count++;
        newlyAllowed.amount += scaled;
      } else if (from === "allow") {
        noLongerAllowed.count++;
        noLongerAllowed.amount += scaled;
      }
      // One reservoir per kind of change, so a rare transition still shows in the sample.
      offerSample(`${from}>${to}`, () => ({
        id: row.id,
        at: new Date(row.at).toISOString(),
        action,
        customerId: customerOf(row.request),
        agentId: row.agentId,
        amount: row.amount === null ? null : formatScaled(parseScaled(row.amount)),
        recorded: { decision: recorded, tier: row.tier },
        inForce: { decision: from, tier: base.tier, reasons: reasonsOf(base.reasons) },
        draft: { decision: to, tier: next.tier, reasons: reasonsOf(next.reasons) },
      }));
    },
    finish({ periodStart, periodEnd, durationMs }) {
      const sample = pickSample([...reservoirs.values()].map((r) => r.items));
      const changes = [...groups.values()]
        .sort((a, b) => b.count - a.count || (a.amount < b.amount ? 1 : a.amount > b.amount ? -1 : 0) || a.action.localeCompare(b.action))
        .map((g) => ({ ...g, amount: formatScaled(g.amount) }));
      const result: SimulationResult = {
        version: 2,
        currency: draft.currency,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        inForceVersion: inForce?.version ?? null,
        total: processed,
        changed,
        kindChanged,
        matrix: toMatrix(matrix),
        byAction: Object.fromEntries([...byAction].sort(([a], [b]) => a.localeCompare(b)).map(([key, counts]) => [key, toMatrix(counts)])),
        byTier: Object.fromEntries([...byTier].map(([key, counts]) => [key, toMatrix(counts)])),
        changes,
        money: {
          newlyAllowed: { count: newlyAllowed.count, amount: formatScaled(newlyAllowed.amount) },
          noLongerAllowed: { count: noLongerAllowed.count, amount: formatScaled(noLongerAllowed.amount) },
        },
        sample: sample.map((c) => ({ ...c, agentName: null })),
        differingActions: [...differing].sort(),
        recorded: { matrix: toMatrix(recordedMatrix), changed: recordedChanged, kindChanged: recordedKindChanged },
        seededUsageEvents: seeded,
        durationMs: Math.round(durationMs),
        requestsPerSecond: durationMs > 0 ? Math.round((processed / durationMs) * 1000) : processed,
      };
      return { result, sampleIds: result.sample.map((s) => s.id) };
    },
  };
}

/** Round-robin over the kinds of change, then in time order. */
function pickSample(lists: Candidate[][]): Candidate[] {
  const picked: Candidate[] = [];
  for (let round = 0; picked.length < SAMPLE_SIZE; round++) {
    let any = false;
    for (const list of lists) {
      if (round < list.length && picked.length < SAMPLE_SIZE) {
        picked.push(list[round]!);
        any = true;
      }
    }
    if (!any) break;
  }
  return picked.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id.localeCompare(b.id)));
}
