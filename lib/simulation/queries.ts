import type { Db } from "@/lib/db/prisma";
import type { Decision } from "@/lib/engine";
import type { SimulatedReason, SimulationResult, TransitionGroup } from "./replay";
import { formatScaled, parseScaled } from "./scaled-amount";

export type SimulationStatus = "queued" | "running" | "completed" | "cancelled" | "failed";

/** What the Simulate card and its polling endpoint show: progress, and the impact once done. */
export interface SimulationRunSummary {
  id: string;
  draftId: string;
  draftRevision: number;
  status: SimulationStatus;
  periodStart: string;
  periodEnd: string;
  total: number;
  processed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  impact: SimulationImpact | null;
}

export interface SimulationImpact {
  currency: string;
  /** The published version the draft was compared with (null: none was published). */
  inForceVersion: number | null;
  total: number;
  changed: number;
  kindChanged: number;
  /** The largest groups of decisions whose kind changes. */
  topChanges: TransitionGroup[];
  money: SimulationResult["money"];
  durationMs: number;
  requestsPerSecond: number;
}

const RUN_SELECT = {
  id: true,
  draftId: true,
  draftRevision: true,
  status: true,
  periodStart: true,
  periodEnd: true,
  total: true,
  processed: true,
  error: true,
  createdAt: true,
  finishedAt: true,
  result: true,
} as const;

type RunRow = { id: string; draftId: string; draftRevision: number; status: SimulationStatus; periodStart: Date; periodEnd: Date; total: number; processed: number; error: string | null; createdAt: Date; finishedAt: Date | null; result: unknown };

/**
 * The stored result, or null when there is none or it has a shape this code does not read.
 * Version 1 results compared drafts with recorded decisions, crediting a draft with changes
 * published before it: they are not shown, and do not count as a simulation for publishing.
 */
export function readSimulationResult(value: unknown): SimulationResult | null {
  return value !== null && typeof value === "object" && (value as { version?: unknown }).version === RESULT_VERSION ? (value as SimulationResult) : null;
}

const RESULT_VERSION = 2;
/** A completed run whose result this code reads. */
const READABLE = { status: "completed", result: { path: ["version"], equals: RESULT_VERSION } } as const;

export function toImpact(result: SimulationResult): SimulationImpact {
  return {
    currency: result.currency,
    inForceVersion: result.inForceVersion,
    total: result.total,
    changed: result.changed,
    kindChanged: result.kindChanged,
    topChanges: mergeRecordedTiers(result.changes.filter((c) => c.from !== c.to)).slice(0, 5),
    money: result.money,
    durationMs: result.durationMs,
    requestsPerSecond: result.requestsPerSecond,
  };
}

/** Groups that differ only in the tier under the policy in force read as one in words ("38 holds would become allows (refund.issue, low tier)"). */
function mergeRecordedTiers(groups: TransitionGroup[]): TransitionGroup[] {
  const merged = new Map<string, TransitionGroup>();
  for (const group of groups) {
    const key = `${group.action}\u0000${group.from}\u0000${group.to}\u0000${group.tier ?? ""}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...group });
    else {
      seen.count += group.count;
      seen.amount = formatScaled(parseScaled(seen.amount) + parseScaled(group.amount));
      if (seen.fromTier !== group.fromTier) seen.fromTier = null;
    }
  }
  return [...merged.values()].sort((a, b) => b.count - a.count);
}

function toSummary(row: RunRow): SimulationRunSummary {
  const result = readSimulationResult(row.result);
  return {
    id: row.id,
    draftId: row.draftId,
    draftRevision: row.draftRevision,
    status: row.status,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    total: row.total,
    processed: row.processed,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    impact: result ? toImpact(result) : null,
  };
}

export async function getSimulationRunSummary(db: Db, runId: string): Promise<SimulationRunSummary | null> {
  const row = await db.simulationRun.findUnique({ where: { id: runId }, select: RUN_SELECT });
  return row ? toSummary(row) : null;
}

/** The draft's most recent run, whatever its status. */
export async function getLatestSimulation(db: Db, draftId: string): Promise<SimulationRunSummary | null> {
  const row = await db.simulationRun.findFirst({ where: { draftId }, orderBy: { createdAt: "desc" }, select: RUN_SELECT });
  return row ? toSummary(row) : null;
}

/** The latest completed run of the draft at this revision: the impact a reviewer publishes with. */
export async function getCompletedSimulation(db: Db, draftId: string, revision: number): Promise<SimulationRunSummary | null> {
  const row = await db.simulationRun.findFirst({ where: { draftId, draftRevision: revision, ...READABLE }, orderBy: { createdAt: "desc" }, select: RUN_SELECT });
  return row ? toSummary(row) : null;
}

/** A completed run with its full result, for the results page: the given run, or the draft's latest completed one. */
export async function getSimulationResult(db: Db, draftId: string, runId?: string) {
  const row = await db.simulationRun.findFirst({
    where: { draftId, ...(runId ? { id: runId } : READABLE) },
    orderBy: { createdAt: "desc" },
    select: RUN_SELECT,
  });
  if (!row) return null;
  return { run: toSummary(row), result: readSimulationResult(row.result) };
}

/**
 * Whether the draft has a completed simulation at this revision. Publishing a draft that has
 * none needs an explicit confirmation (the review form asks; reviewDraft should refuse without it).
 * Takes the client or a transaction.
 */
export async function hasCompletedSimulation(db: Pick<Db, "simulationRun">, draftId: string, revision: number): Promise<boolean> {
  const run = await db.simulationRun.findFirst({ where: { draftId, draftRevision: revision, ...READABLE }, select: { id: true } });
  return run !== null;
}

export interface ShadowDifference {
  id: string;
  decisionId: string;
  createdAt: string;
  action: string;
  agentName: string | null;
  customerId: string | null;
  amount: string | null;
  currency: string | null;
  live: { decision: Decision; tier: string | null; reasons: SimulatedReason[] };
  shadow: { decision: Decision; tier: string | null; reasons: SimulatedReason[] };
}

export interface ShadowSummary {
  draftId: string;
  shadow: boolean;
  /** When shadow was last turned on: the counts start there. */
  since: string | null;
  evaluated: number;
  differing: number;
  latest: ShadowDifference[];
}

function reasonsOf(value: unknown): SimulatedReason[] {
  return Array.isArray(value) ? value.map((r: { code?: unknown; message?: unknown }) => ({ code: String(r?.code ?? ""), message: String(r?.message ?? "") })) : [];
}

/** Shadow counts since shadow was last turned on, and the latest decisions the draft would have made differently. */
export async function getShadowSummary(db: Db, draftId: string, limit = 10): Promise<ShadowSummary | null> {
  const draft = await db.policyDraft.findUnique({ where: { id: draftId }, select: { id: true, shadow: true } });
  if (!draft) return null;
  const turnedOn = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT max(occurred_at) AS at FROM audit_entries
     WHERE subject_type = 'policy_draft' AND subject_id = ${draftId} AND action = 'policy.draft_shadow' AND data->>'shadow' = 'true'`;
  const since = turnedOn[0]?.at ?? null;
  const window = since ? { gte: since } : undefined;
  const [counts, latest] = await Promise.all([
    // Counted per second: the second in which shadow was turned on counts whole.
    db.$queryRaw<{ evaluated: number; differing: number }[]>`
      SELECT coalesce(sum(evaluated), 0)::int AS evaluated, coalesce(sum(differing), 0)::int AS differing
        FROM shadow_counts WHERE draft_id = ${draftId}::uuid AND second >= date_trunc('second', ${since ?? new Date(0)}::timestamptz)`,
    db.shadowResult.findMany({
      where: { draftId, differs: true, createdAt: window },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: {
        id: true,
        decisionId: true,
        createdAt: true,
        decision: true,
        tier: true,
        reasons: true,
        liveDecision: { select: { action: true, decision: true, tier: true, reasons: true, customerId: true, amount: true, currency: true, agent: { select: { name: true } } } },
      },
    }),
  ]);
  return {
    draftId,
    shadow: draft.shadow,
    since: since?.toISOString() ?? null,
    evaluated: counts[0]?.evaluated ?? 0,
    differing: counts[0]?.differing ?? 0,
    latest: latest.map((row) => ({
      id: row.id,
      decisionId: row.decisionId,
      createdAt: row.createdAt.toISOString(),
      action: row.liveDecision.action,
      agentName: row.liveDecision.agent?.name ?? null,
      customerId: row.liveDecision.customerId,
      amount: row.liveDecision.amount?.toFixed() ?? null,
      currency: row.liveDecision.currency,
      live: { decision: row.liveDecision.decision, tier: row.liveDecision.tier, reasons: reasonsOf(row.liveDecision.reasons) },
      shadow: { decision: row.decision, tier: row.tier, reasons: reasonsOf(row.reasons) },
    })),
  };
}
