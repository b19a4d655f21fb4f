import type pg from "pg";
import type { Db } from "@/lib/db/prisma";
import { Decimal } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { historyHref, type HistoryParams } from "@/lib/history/history-filters";
import { dailyTable } from "@/lib/history/rollups";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { latencyPercentile } from "./latency-buckets";
import type { DashboardQuery } from "./schemas";
import { bucketEnd, computeTimeFrame, type TimeFrame } from "./time-frame";
import type {
  ApprovalPoint,
  AutonomyPoint,
  CategoryPoint,
  Chart,
  ChartTable,
  Dashboard,
  HandoffPoint,
  MoneyPoint,
  OutcomeProblemPoint,
  ReviewPoint,
  TableColumn,
  TimePoint,
  VolumePoint,
} from "./types";

// The oversight dashboards. Every number comes from the rollups (lib/history/rollups.ts), never from
// raw decisions: hourly for 24 h, daily for 7 d, 30 d and 90 d, so a view over millions of
// decisions reads a few thousand rows.
// One function per chart; getDashboard runs the few rollup queries once and builds every chart.

/**
 * The pg pool (lib/db/pool.ts) or the Prisma client. Pass the pool where speed matters: Prisma's
 * raw-query path costs about 25 µs per row here, and a 7-day view reads a few thousand rows
 * (docs/decisions/0003-dashboard-rollups.md).
 */
export type DashboardDb = Pick<pg.Pool, "query"> | Db;

/** One parameterised read ($1, $2…) through whichever client was given. */
export async function queryRows<R extends pg.QueryResultRow>(db: DashboardDb, text: string, params: unknown[]): Promise<R[]> {
  if ("$queryRawUnsafe" in db) return db.$queryRawUnsafe<R[]>(text, ...params);
  return (await db.query<R>(text, params)).rows;
}

const HISTORY_PATH = "/history";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECISIONS = ["allow", "deny", "hold", "step_up", "escalate"] as const;
const TOP = 10;

const REASON_LABELS: Record<string, string> = {
  paused: "Stop switch",
  forbidden: "Forbidden action",
  unknown_action: "Action not in the policy",
  data_scope: "Data outside the action's scope",
  authority_say_only: "Say-only action",
  limit_exceeded: "Limit exceeded",
  no_policy: "No policy published",
  unknown_intent: "Unknown intent",
  intent_requires_human: "Intent handled by people",
  action_not_in_intent: "Action outside the intent",
  authority_recommend_only: "Recommend-only action",
  currency_mismatch: "Currency mismatch",
  step_up_required: "Customer must verify",
  tier_requires_approval: "Tier needs approval",
};

/** What the filters resolve to: the rollup WHERE clause and its parameters, and link parameters. */
interface Scope {
  query: DashboardQuery;
  frame: TimeFrame;
  agent: { id: string; name: string } | null;
  where: string;
  params: unknown[];
  /** The hourly rollup table, or its daily twin for daily buckets. */
  table: (hourly: string) => string;
  history: HistoryParams;
  /** Each bucket's start and end as ISO text, made once per request rather than once per chart. */
  iso: { from: string; to: string }[];
}

async function resolveScope(db: DashboardDb, query: DashboardQuery, now: Date): Promise<Scope> {
  let agent: Scope["agent"] = null;
  if (query.agent) {
    const byId = UUID.test(query.agent);
    const rows = await queryRows<{ id: string; name: string }>(db, `SELECT id::text AS id, name FROM agents WHERE ${byId ? "id = $1::uuid" : "name = $1"}`, [query.agent]);
    agent = rows[0] ?? null;
    if (!agent) throw new AppError("validation_failed", "Some dashboard filters are invalid.", [{ path: "agent", message: `There is no agent ${query.agent}` }]);
  }
  const frame = computeTimeFrame(query.range, now);
  const params: unknown[] = [frame.from];
  const parts = ["r.bucket >= $1"];
  if (query.action) parts.push(`r.action = $${params.push(query.action)}`);
  if (agent) parts.push(`r.agent_id = $${params.push(agent.id)}::uuid`);
  if (query.tier) parts.push(`r.tier = $${params.push(query.tier)}`);
  return {
    query,
    frame,
    agent,
    where: parts.join(" AND "),
    params,
    table: (hourly) => (frame.granularity === "hour" ? hourly : dailyTable(hourly)),
    history: { action: query.action, agent: agent?.name, tier: query.tier },
    iso: frame.buckets.map((b) => ({ from: b.toISOString(), to: bucketEnd(frame, b).toISOString() })),
  };
}

function rangeHref(scope: Scope, extra: HistoryParams = {}): string {
  return historyHref(HISTORY_PATH, { ...scope.history, from: scope.frame.from.toISOString(), ...extra });
}

const FROM_SLOT = "__from__";
const TO_SLOT = "__to__";

/**
 * The history link of each bucket for one chart: built once with placeholders and filled per
 * bucket, since a week of hourly points across the charts would otherwise build a thousand URLs.
 */
function bucketHrefs(scope: Scope, extra: HistoryParams = {}): (index: number) => string {
  const template = historyHref(HISTORY_PATH, { ...scope.history, ...extra, from: FROM_SLOT, to: TO_SLOT });
  return (index) => template.replace(FROM_SLOT, encodeURIComponent(scope.iso[index]!.from)).replace(TO_SLOT, encodeURIComponent(scope.iso[index]!.to));
}

/** One zeroed point per bucket of the frame, keyed by the bucket's start in epoch milliseconds. */
function emptySeries<P extends TimePoint>(scope: Scope, zero: () => Omit<P, "bucket" | "href">, extra: HistoryParams | null = {}): Map<number, P> {
  const href = extra === null ? null : bucketHrefs(scope, extra);
  return new Map(scope.frame.buckets.map((b, i) => [b.getTime(), { bucket: scope.iso[i]!.from, href: href ? href(i) : null, ...zero() } as P]));
}

/** Adds a stored histogram (bucket → count, keys as text) into `into`. */
export function addHistogram(into: Map<number, number>, histogram: Record<string, number>): void {
  for (const key in histogram) {
    const bucket = Number(key);
    into.set(bucket, (into.get(bucket) ?? 0) + histogram[key]!);
  }
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const round = (value: number | null, digits = 1) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);
const tierLabel = (tier: string) => (tier === "" ? "no tier" : tier);

/** Tiers in the policy's order (low to critical, as the document lists them); others after, by name; "no tier" last. */
function bySeverity(order: readonly string[]) {
  const rank = (tier: string) => (tier === "" ? order.length + 1 : order.includes(tier) ? order.indexOf(tier) : order.length);
  return (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
}
const timeColumn: TableColumn = { key: "bucket", label: "From", kind: "time" };

function seriesTable<P extends TimePoint>(series: P[], columns: TableColumn[]): ChartTable {
  return { columns: [timeColumn, ...columns], rows: series.map((p) => Object.fromEntries([["bucket", p.bucket], ...columns.map((c) => [c.key, (p as Record<string, unknown>)[c.key] ?? null])])) };
}

// ---------------------------------------------------------------------------------------------
// Rollup reads

interface DecisionRow {
  /** Bucket start, epoch milliseconds (cheaper to read than a timestamp). */
  t: number;
  decision: string;
  tier: string;
  count: number;
  amount: string;
}
interface ReasonRow {
  decision: string;
  reason: string;
  intent: string;
  action: string;
  count: number;
}
interface ApprovalRow {
  t: number;
  status: string;
  count: number;
}
interface LatencyRow {
  t: number;
  /** Latency bucket → count (lib/dashboards/latency-buckets.ts). */
  latency_histogram: Record<string, number>;
}
interface OutcomeRow {
  t: number;
  status: string;
  tier: string;
  count: number;
  amount: string;
}
interface ReviewRow {
  t: number;
  event: string;
  source: string;
  count: number;
}

// Bucket starts travel as epoch milliseconds: parsing thousands of timestamps costs more than the query.
const T = `(extract(epoch FROM r.bucket) * 1000)::float8`;

const read = <R extends pg.QueryResultRow>(db: DashboardDb, s: Scope, text: string) => queryRows<R>(db, text, s.params);

const readDecisions = (db: DashboardDb, s: Scope) =>
  read<DecisionRow>(db, s, `SELECT ${T} AS t, r.decision::text AS decision, r.tier, sum(r.count)::int AS count, sum(r.amount_sum)::text AS amount
    FROM ${s.table("decision_rollups")} r WHERE ${s.where} GROUP BY 1, 2, 3`);
const readReasons = (db: DashboardDb, s: Scope) =>
  read<ReasonRow>(db, s, `SELECT r.decision::text AS decision, r.reason, r.intent, r.action, sum(r.count)::int AS count
    FROM ${s.table("reason_rollups")} r WHERE ${s.where} GROUP BY 1, 2, 3, 4`);
const readApprovals = (db: DashboardDb, s: Scope) =>
  read<ApprovalRow>(db, s, `SELECT ${T} AS t, r.status::text AS status, sum(r.count)::int AS count
    FROM ${s.table("approval_rollups")} r WHERE ${s.where} GROUP BY 1, 2`);
// Latency counts only what a person decided; an expiry is nobody deciding. The histograms are merged
// here: unpacking them in SQL (jsonb_each) costs more than adding them up in JavaScript.
const readLatencies = (db: DashboardDb, s: Scope) =>
  read<LatencyRow>(db, s, `SELECT ${T} AS t, r.latency_histogram
    FROM ${s.table("approval_rollups")} r WHERE ${s.where} AND r.status IN ('approved', 'rejected')`);
const readApprovedAmounts = (db: DashboardDb, s: Scope) =>
  read<{ tier: string; amount: string }>(db, s, `SELECT r.tier, sum(r.amount_sum)::text AS amount
    FROM ${s.table("approval_rollups")} r WHERE ${s.where} AND r.status = 'approved' GROUP BY 1`);
const readOutcomes = (db: DashboardDb, s: Scope) =>
  read<OutcomeRow>(db, s, `SELECT ${T} AS t, r.status::text AS status, r.tier, sum(r.count)::int AS count, sum(r.amount_sum)::text AS amount
    FROM ${s.table("outcome_rollups")} r WHERE ${s.where} GROUP BY 1, 2, 3`);
const readReviews = (db: DashboardDb, s: Scope) =>
  read<ReviewRow>(db, s, `SELECT ${T} AS t, r.event, r.source::text AS source, sum(r.count)::int AS count
    FROM ${s.table("review_rollups")} r WHERE ${s.where} GROUP BY 1, 2, 3`);

async function readPolicy(db: DashboardDb): Promise<PolicyDocument | null> {
  const rows = await queryRows<{ document: PolicyDocument }>(db, `SELECT document FROM policy_versions ORDER BY version DESC LIMIT 1`, []);
  return rows[0]?.document ?? null;
}

const tierKeys = (policy: PolicyDocument | null) => (policy?.risk_tiers ?? []).map((tier) => tier.key);
/** A tier as people read it: its label in the policy, else its key ("no tier" for none). */
const tierNames = (policy: PolicyDocument | null) => (tier: string) => policy?.risk_tiers.find((t) => t.key === tier)?.label ?? tierLabel(tier);

async function readAgents(db: DashboardDb): Promise<{ id: string; name: string }[]> {
  return queryRows<{ id: string; name: string }>(db, `SELECT id::text AS id, name FROM agents ORDER BY name`, []);
}

// ---------------------------------------------------------------------------------------------
// Charts built from the rows

function buildVolume(scope: Scope, rows: DecisionRow[]): Chart<VolumePoint> {
  const points = emptySeries<VolumePoint>(scope, () => ({ allow: 0, deny: 0, hold: 0, step_up: 0, escalate: 0, total: 0 }));
  for (const row of rows) {
    const point = points.get(row.t);
    if (!point || !(DECISIONS as readonly string[]).includes(row.decision)) continue;
    point[row.decision as (typeof DECISIONS)[number]] += row.count;
    point.total += row.count;
  }
  const series = [...points.values()];
  const totals = Object.fromEntries(DECISIONS.map((d) => [d, series.reduce((sum, p) => sum + p[d], 0)]));
  const seriesKeys = [
    { key: "allow", label: "Allowed" },
    { key: "deny", label: "Denied" },
    { key: "hold", label: "Held for approval" },
    { key: "step_up", label: "Step-up" },
    { key: "escalate", label: "Escalated" },
  ];
  return {
    title: "Decision volume by outcome",
    description: "Decisions agents asked for, by what the policy answered.",
    seriesKeys,
    series,
    table: seriesTable(series, [...seriesKeys.map((k) => ({ ...k, kind: "count" as const })), { key: "total", label: "Total", kind: "count" }]),
    totals: { ...totals, total: series.reduce((sum, p) => sum + p.total, 0) },
    historyHref: rangeHref(scope),
  };
}

function buildAutonomy(scope: Scope, rows: DecisionRow[]): Chart<AutonomyPoint> {
  const points = emptySeries<AutonomyPoint>(scope, () => ({ total: 0, autonomous: 0, share: null }));
  for (const row of rows) {
    const point = points.get(row.t);
    if (!point) continue;
    point.total += row.count;
    if (row.decision === "allow" || row.decision === "deny") point.autonomous += row.count;
  }
  const series = [...points.values()].map((p) => ({ ...p, share: round(ratio(p.autonomous, p.total), 4) }));
  const total = series.reduce((sum, p) => sum + p.total, 0);
  const autonomous = series.reduce((sum, p) => sum + p.autonomous, 0);
  return {
    title: "Resolved autonomously",
    description: "Share of decisions settled by the policy alone (allowed or denied), with no person involved.",
    seriesKeys: [{ key: "share", label: "Resolved autonomously" }],
    series,
    table: seriesTable(series, [
      { key: "autonomous", label: "Resolved autonomously", kind: "count" },
      { key: "total", label: "All decisions", kind: "count" },
      { key: "share", label: "Share", kind: "percent" },
    ]),
    totals: { autonomous, total, share: round(ratio(autonomous, total), 4) },
    historyHref: rangeHref(scope),
  };
}

function buildApprovals(scope: Scope, decisions: DecisionRow[], approvals: ApprovalRow[], latencies: LatencyRow[]): Chart<ApprovalPoint> {
  const points = emptySeries<ApprovalPoint>(scope, () => ({ holds: 0, approved: 0, rejected: 0, expired: 0, approvalRate: null, p50Seconds: null, p95Seconds: null }), { decision: "hold" });
  for (const row of decisions) {
    const point = points.get(row.t);
    if (point && row.decision === "hold") point.holds += row.count;
  }
  for (const row of approvals) {
    const point = points.get(row.t);
    if (point && (row.status === "approved" || row.status === "rejected" || row.status === "expired")) point[row.status] += row.count;
  }
  const histograms = new Map<number, Map<number, number>>();
  const overall = new Map<number, number>();
  for (const row of latencies) {
    if (!points.has(row.t)) continue;
    let histogram = histograms.get(row.t);
    if (!histogram) histograms.set(row.t, (histogram = new Map()));
    addHistogram(histogram, row.latency_histogram);
    addHistogram(overall, row.latency_histogram);
  }
  const series = [...points.values()].map((p) => {
    const histogram = histograms.get(Date.parse(p.bucket)) ?? new Map<number, number>();
    return {
      ...p,
      approvalRate: round(ratio(p.approved, p.approved + p.rejected + p.expired), 4),
      p50Seconds: round(latencyPercentile(histogram, 0.5)),
      p95Seconds: round(latencyPercentile(histogram, 0.95)),
    };
  });
  const sum = (key: "holds" | "approved" | "rejected" | "expired") => series.reduce((acc, p) => acc + p[key], 0);
  const [approved, rejected, expired] = [sum("approved"), sum("rejected"), sum("expired")];
  return {
    title: "Holds, approval rate and approval latency",
    description: "Held decisions by when they were made; approvals by when they were decided. Latency runs from the hold to the final vote (p50 and p95, from a histogram rollup, within a bucket's width).",
    seriesKeys: [
      { key: "holds", label: "Held" },
      { key: "approved", label: "Approved" },
      { key: "rejected", label: "Rejected" },
      { key: "expired", label: "Expired" },
      { key: "p50Seconds", label: "Latency p50 (s)" },
      { key: "p95Seconds", label: "Latency p95 (s)" },
    ],
    series,
    table: seriesTable(series, [
      { key: "holds", label: "Held", kind: "count" },
      { key: "approved", label: "Approved", kind: "count" },
      { key: "rejected", label: "Rejected", kind: "count" },
      { key: "expired", label: "Expired", kind: "count" },
      { key: "approvalRate", label: "Approval rate", kind: "percent" },
      { key: "p50Seconds", label: "Latency p50", kind: "seconds" },
      { key: "p95Seconds", label: "Latency p95", kind: "seconds" },
    ]),
    totals: {
      holds: sum("holds"),
      approved,
      rejected,
      expired,
      approvalRate: round(ratio(approved, approved + rejected + expired), 4),
      p50Seconds: round(latencyPercentile(overall, 0.5)),
      p95Seconds: round(latencyPercentile(overall, 0.95)),
    },
    historyHref: rangeHref(scope, { decision: "hold" }),
  };
}

function buildDenials(scope: Scope, reasons: ReasonRow[]): Chart<CategoryPoint> {
  const byReason = new Map<string, number>();
  for (const row of reasons) if (row.decision === "deny") byReason.set(row.reason, (byReason.get(row.reason) ?? 0) + row.count);
  const total = [...byReason.values()].reduce((a, b) => a + b, 0);
  const series = [...byReason.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({ key: reason, label: REASON_LABELS[reason] ?? reason, count, share: round(ratio(count, total), 4) ?? 0, href: rangeHref(scope, { decision: "deny" }) }));
  return {
    title: "Denials by reason",
    description: "Why the policy said no.",
    seriesKeys: [{ key: "count", label: "Denials" }],
    series,
    table: {
      columns: [
        { key: "label", label: "Reason", kind: "text" },
        { key: "key", label: "Code", kind: "text" },
        { key: "count", label: "Denials", kind: "count" },
        { key: "share", label: "Share", kind: "percent" },
      ],
      rows: series.map(({ label, key, count, share }) => ({ label, key, count, share })),
    },
    totals: { denials: total },
    historyHref: rangeHref(scope, { decision: "deny" }),
  };
}

function buildMoney(scope: Scope, decisions: DecisionRow[], approvedAmounts: { tier: string; amount: string }[], outcomes: OutcomeRow[], tierOrder: readonly string[], tierName: (tier: string) => string): Chart<MoneyPoint> {
  const severity = bySeverity(tierOrder);
  const tiers = [...new Set(outcomes.filter((o) => o.status === "executed" && Number(o.amount) !== 0).map((o) => o.tier))].sort(severity);
  const points = emptySeries<MoneyPoint>(scope, () => Object.fromEntries(tiers.map((t) => [tierLabel(t), 0])), { status: "executed" });
  const byTier = new Map<string, { authorized: Decimal; executed: Decimal; reverted: Decimal }>();
  const tierTotals = (tier: string) => {
    let totals = byTier.get(tier);
    if (!totals) byTier.set(tier, (totals = { authorized: new Decimal(0), executed: new Decimal(0), reverted: new Decimal(0) }));
    return totals;
  };
  for (const row of decisions) if (row.decision === "allow") tierTotals(row.tier).authorized = tierTotals(row.tier).authorized.plus(row.amount);
  for (const row of approvedAmounts) tierTotals(row.tier).authorized = tierTotals(row.tier).authorized.plus(row.amount);
  for (const row of outcomes) {
    if (row.status === "executed") {
      tierTotals(row.tier).executed = tierTotals(row.tier).executed.plus(row.amount);
      // Drawn, not accounted: numbers suffice for the series; the table keeps exact decimals.
      const point = points.get(row.t);
      if (point && tiers.includes(row.tier)) point[tierLabel(row.tier)] = Math.round(((point[tierLabel(row.tier)] as number) + Number(row.amount)) * 100) / 100;
    } else if (row.status === "reverted") {
      tierTotals(row.tier).reverted = tierTotals(row.tier).reverted.plus(row.amount);
    }
  }
  const rows = [...byTier.entries()]
    .filter(([, t]) => !t.authorized.isZero() || !t.executed.isZero() || !t.reverted.isZero())
    .sort((a, b) => severity(a[0], b[0]))
    .map(([tier, t]) => ({ tier: tierLabel(tier), tier_label: tierName(tier), authorized: t.authorized.toFixed(2), executed: t.executed.toFixed(2), reverted: t.reverted.toFixed(2), net: t.executed.minus(t.reverted).toFixed(2) }));
  const total = (key: "authorized" | "executed" | "reverted") => [...byTier.values()].reduce((sum, t) => sum.plus(t[key]), new Decimal(0)).toFixed(2);
  return {
    title: "Money moved by tier",
    description: "Amounts of actions agents reported executed, by risk tier; the table adds what was authorized (allowed or approved) and what was reverted.",
    seriesKeys: tiers.map((t) => ({ key: tierLabel(t), label: tierName(t) })),
    series: [...points.values()],
    table: {
      columns: [
        { key: "tier_label", label: "Tier", kind: "text" },
        { key: "authorized", label: "Authorized", kind: "money" },
        { key: "executed", label: "Executed", kind: "money" },
        { key: "reverted", label: "Reverted", kind: "money" },
        { key: "net", label: "Net moved", kind: "money" },
      ],
      rows,
    },
    totals: { authorized: total("authorized"), executed: total("executed"), reverted: total("reverted") },
    historyHref: rangeHref(scope, { status: "executed" }),
  };
}

function buildOutcomeProblems(scope: Scope, outcomes: OutcomeRow[]): Chart<OutcomeProblemPoint> {
  const points = emptySeries<OutcomeProblemPoint>(scope, () => ({ failed: 0, reverted: 0 }));
  let executed = 0;
  for (const row of outcomes) {
    if (row.status === "executed") executed += row.count;
    const point = points.get(row.t);
    if (point && (row.status === "failed" || row.status === "reverted")) point[row.status] += row.count;
  }
  const failedHref = bucketHrefs(scope, { status: "failed" });
  const revertedHref = bucketHrefs(scope, { status: "reverted" });
  const series = [...points.values()].map((p, i) => ({ ...p, href: p.failed >= p.reverted ? failedHref(i) : revertedHref(i) }));
  const failed = series.reduce((sum, p) => sum + p.failed, 0);
  const reverted = series.reduce((sum, p) => sum + p.reverted, 0);
  return {
    title: "Failed and reverted outcomes",
    description: "What agents reported as failed or undone after the fact.",
    seriesKeys: [
      { key: "failed", label: "Failed" },
      { key: "reverted", label: "Reverted" },
    ],
    series,
    table: seriesTable(series, [
      { key: "failed", label: "Failed", kind: "count" },
      { key: "reverted", label: "Reverted", kind: "count" },
    ]),
    totals: { failed, reverted, executed, problemRate: round(ratio(failed + reverted, executed + failed), 4) },
    historyHref: rangeHref(scope, { status: "failed" }),
  };
}

function buildReviews(scope: Scope, reviews: ReviewRow[]): Chart<ReviewPoint> {
  const points = emptySeries<ReviewPoint>(scope, () => ({ opened: 0, resolved: 0, dismissed: 0 }), null);
  const bySource = new Map<string, { opened: number; resolved: number; dismissed: number }>();
  for (const row of reviews) {
    if (row.event !== "opened" && row.event !== "resolved" && row.event !== "dismissed") continue;
    const point = points.get(row.t);
    if (point) point[row.event] += row.count;
    let source = bySource.get(row.source);
    if (!source) bySource.set(row.source, (source = { opened: 0, resolved: 0, dismissed: 0 }));
    source[row.event] += row.count;
  }
  const series = [...points.values()];
  const sum = (key: "opened" | "resolved" | "dismissed") => series.reduce((acc, p) => acc + p[key], 0);
  return {
    title: "Review cases opened and resolved",
    description: "Edge cases sent to the review inbox, and those closed (resolved or dismissed).",
    seriesKeys: [
      { key: "opened", label: "Opened" },
      { key: "resolved", label: "Resolved" },
      { key: "dismissed", label: "Dismissed" },
    ],
    series,
    table: seriesTable(series, [
      { key: "opened", label: "Opened", kind: "count" },
      { key: "resolved", label: "Resolved", kind: "count" },
      { key: "dismissed", label: "Dismissed", kind: "count" },
    ]),
    totals: {
      opened: sum("opened"),
      resolved: sum("resolved"),
      dismissed: sum("dismissed"),
      ...Object.fromEntries([...bySource.entries()].map(([source, counts]) => [`opened:${source}`, counts.opened])),
    },
    historyHref: null,
  };
}

function buildHandoffs(scope: Scope, reasons: ReasonRow[], by: "intent" | "action", policy: PolicyDocument | null): Chart<HandoffPoint> {
  // People read the policy's names ("Billing dispute"); a key the current policy no longer has is shown as it is.
  const names = new Map<string, string>((by === "intent" ? policy?.intents : policy?.actions)?.map((item) => [item.key, item.label]) ?? []);
  const groups = new Map<string, { hold: number; escalate: number }>();
  for (const row of reasons) {
    if (row.decision !== "hold" && row.decision !== "escalate") continue;
    const key = row[by];
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { hold: 0, escalate: 0 }));
    group[row.decision] += row.count;
  }
  const total = [...groups.values()].reduce((sum, g) => sum + g.hold + g.escalate, 0);
  const series = [...groups.entries()]
    .map(([key, g]) => ({ key, count: g.hold + g.escalate, ...g }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, TOP)
    .map((g) => ({
      ...g,
      label: g.key === "" ? (by === "intent" ? "(no intent)" : "(none)") : (names.get(g.key) ?? g.key),
      share: round(ratio(g.count, total), 4) ?? 0,
      // The history filters by action, not by intent.
      href: by === "action" ? rangeHref(scope, { action: g.key, decision: g.hold >= g.escalate ? "hold" : "escalate" }) : null,
    }));
  return {
    title: by === "intent" ? "Top intents that went to people" : "Top actions that went to people",
    description: "Held for approval or escalated to a person, most frequent first.",
    seriesKeys: [
      { key: "hold", label: "Held" },
      { key: "escalate", label: "Escalated" },
    ],
    series,
    table: {
      columns: [
        { key: "label", label: by === "intent" ? "Intent" : "Action", kind: "text" },
        { key: "hold", label: "Held", kind: "count" },
        { key: "escalate", label: "Escalated", kind: "count" },
        { key: "count", label: "Total", kind: "count" },
        { key: "share", label: "Share", kind: "percent" },
      ],
      rows: series.map(({ label, hold, escalate, count, share }) => ({ label, hold, escalate, count, share })),
    },
    totals: { handoffs: total },
    historyHref: by === "action" ? rangeHref(scope, { decision: "hold" }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// One function per chart, and the whole page

export async function getDecisionVolume(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<VolumePoint>> {
  const scope = await resolveScope(db, query, now);
  return buildVolume(scope, await readDecisions(db, scope));
}

export async function getAutonomyShare(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<AutonomyPoint>> {
  const scope = await resolveScope(db, query, now);
  return buildAutonomy(scope, await readDecisions(db, scope));
}

export async function getApprovalChart(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<ApprovalPoint>> {
  const scope = await resolveScope(db, query, now);
  const [decisions, approvals, latencies] = await Promise.all([readDecisions(db, scope), readApprovals(db, scope), readLatencies(db, scope)]);
  return buildApprovals(scope, decisions, approvals, latencies);
}

export async function getDenialReasons(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<CategoryPoint>> {
  const scope = await resolveScope(db, query, now);
  return buildDenials(scope, await readReasons(db, scope));
}

export async function getMoneyMoved(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<MoneyPoint>> {
  const scope = await resolveScope(db, query, now);
  const [decisions, approved, outcomes, policy] = await Promise.all([readDecisions(db, scope), readApprovedAmounts(db, scope), readOutcomes(db, scope), readPolicy(db)]);
  return buildMoney(scope, decisions, approved, outcomes, tierKeys(policy), tierNames(policy));
}

export async function getOutcomeProblems(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<OutcomeProblemPoint>> {
  const scope = await resolveScope(db, query, now);
  return buildOutcomeProblems(scope, await readOutcomes(db, scope));
}

export async function getReviewFlow(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Chart<ReviewPoint>> {
  const scope = await resolveScope(db, query, now);
  return buildReviews(scope, await readReviews(db, scope));
}

export async function getHumanHandoffs(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<{ intents: Chart<HandoffPoint>; actions: Chart<HandoffPoint> }> {
  const scope = await resolveScope(db, query, now);
  const [reasons, policy] = await Promise.all([readReasons(db, scope), readPolicy(db)]);
  return { intents: buildHandoffs(scope, reasons, "intent", policy), actions: buildHandoffs(scope, reasons, "action", policy) };
}

/** Everything the dashboards page shows, from six rollup reads run side by side. */
export async function getDashboard(db: DashboardDb, query: DashboardQuery, now = new Date()): Promise<Dashboard> {
  const scope = await resolveScope(db, query, now);
  const [decisions, reasons, approvals, latencies, approved, outcomes, reviews, policy, agents] = await Promise.all([
    readDecisions(db, scope),
    readReasons(db, scope),
    readApprovals(db, scope),
    readLatencies(db, scope),
    readApprovedAmounts(db, scope),
    readOutcomes(db, scope),
    readReviews(db, scope),
    readPolicy(db),
    readAgents(db),
  ]);
  return {
    filter: { range: query.range, action: query.action ?? null, agent: scope.agent, tier: query.tier ?? null },
    frame: { from: scope.frame.from.toISOString(), to: scope.frame.to.toISOString(), granularity: scope.frame.granularity, buckets: scope.frame.buckets.map((b) => b.toISOString()) },
    currency: policy?.currency ?? null,
    generatedAt: now.toISOString(),
    volume: buildVolume(scope, decisions),
    autonomy: buildAutonomy(scope, decisions),
    approvals: buildApprovals(scope, decisions, approvals, latencies),
    denials: buildDenials(scope, reasons),
    money: buildMoney(scope, decisions, approved, outcomes, tierKeys(policy), tierNames(policy)),
    outcomeProblems: buildOutcomeProblems(scope, outcomes),
    reviews: buildReviews(scope, reviews),
    handoffIntents: buildHandoffs(scope, reasons, "intent", policy),
    handoffActions: buildHandoffs(scope, reasons, "action", policy),
    options: {
      actions: (policy?.actions ?? []).map((a) => a.key).sort(),
      agents,
      tiers: tierKeys(policy),
    },
  };
}
