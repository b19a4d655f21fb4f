import { latencyPercentile } from "@/lib/dashboards/latency-buckets";
import type { Db } from "@/lib/db/prisma";
import { Decimal } from "@/lib/engine/money";
import { Prisma } from "@/lib/generated/prisma/client";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { amountBreaks } from "./friendly-amounts";
import type { AgentRow, HeldAmountBucket, HeldCounts, Incident, OutcomeCounts, Scorecard, ScorecardSummary, WeeklyPoint } from "./scorecard-types";

// Scorecards read the dashboards' daily rollups (lib/history/rollups.ts) for every count they
// can answer (volume by decision, approvals and their latency, outcomes, limit breaches, review
// cases by source), and raw rows only where a rollup has no column for the question: the held
// amounts on the friendly grid, who breached limits, review labels and last week's incidents.
// docs/decisions/0004-earned-autonomy-rules.md has the measurements.

export const SCORECARD_WINDOWS = [7, 30, 60, 90] as const;
export const DEFAULT_WINDOW_DAYS = 60;
/** "3 reversals in 7 days": the short window the incident rule reads, whatever the scorecard's window. */
export const RECENT_DAYS = 7;

const DAY_MS = 86_400_000;
const INCIDENTS_SHOWN = 20;
const TOP_CUSTOMERS = 5;
/** Which limit the breaches hit is read from the latest this many (all of them when fewer). */
export const LIMIT_SAMPLE = 2_000;
// Amounts are NUMERIC(28, 8): shifting every break by one unit of the last digit turns
// width_bucket's [lower, upper) buckets into the (lower, upper] bands a `lte` threshold draws.
const LAST_DIGIT = new Decimal("0.00000001");

export interface ScorecardQuery {
  action: string;
  agentId?: string | null;
  windowDays: number;
  /** The end of the window; tests pin it. */
  now?: Date;
  /** The policy whose thresholds become bucket edges; the one in force when omitted. */
  policy?: PolicyDocument | null;
}

/**
 * A window of whole UTC days ending today (today included, so far): the daily rollups answer
 * it exactly, and the raw queries read the same span.
 */
export function scorecardWindow(now: Date, days: number): { since: Date; until: Date } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { since: new Date(today - (days - 1) * DAY_MS), until: now };
}

/** Every amount threshold an action's risk bands test, so scorecard buckets start exactly where a band does. */
export function actionThresholds(policy: PolicyDocument | null, action: string): string[] {
  const found = policy?.actions.find((a) => a.key === action);
  const out: string[] = [];
  const visit = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    for (const [key, operand] of Object.entries(value)) {
      if ((key === "amount" || key === "params.amount") && operand && typeof operand === "object") {
        for (const bound of Object.values(operand)) if (typeof bound === "number" || typeof bound === "string") out.push(String(bound));
      } else visit(operand);
    }
  };
  for (const band of found?.risk ?? []) visit(band.if);
  return out.filter((value) => /^[0-9]+(\.[0-9]+)?$/.test(value));
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const emptyHeld = (): HeldCounts => ({ held: 0, approved: 0, rejected: 0, expired: 0, pending: 0 });
const emptyOutcomes = (): OutcomeCounts => ({ executed: 0, failed: 0, reverted: 0 });

interface RollupRow {
  part: "decision" | "approval" | "latency" | "outcome" | "outcome_recent" | "breach" | "review" | "pending";
  agent_id: string | null;
  week: string | null;
  key: string;
  latency_bucket: number | null;
  count: number;
}

interface IncidentDetail {
  decision_id: string;
  status: "failed" | "reverted";
  at: string;
  decision: string;
  tier: string | null;
  amount: string | null;
  agent_name: string;
  failed: number;
  reverted: number;
}

interface RawRow {
  part: "bucket" | "customer" | "rule" | "label" | "incident";
  key: string | null;
  held: number;
  approved: number;
  rejected: number;
  expired: number;
  pending: number;
  executed: number;
  failed: number;
  reverted: number;
  count: number;
  /** An incident (part "incident"), or how many distinct customers breached (part "customer"). */
  detail: IncidentDetail | { customers: number } | null;
}

/**
 * One action's record over a rolling window of whole days (optionally one agent's): volume,
 * share held, approval rate and time to approve, reversal and failure rates, review cases by
 * source and label, limit breaches and who made them, a weekly series, the held amounts on
 * the friendly grid, the last 7 days' incidents and a per-agent breakdown. Two statements:
 * one over the rollups, one over the raw rows only the rules need.
 */
export async function getScorecard(db: Db, query: ScorecardQuery): Promise<Scorecard> {
  const { since, until } = scorecardWindow(query.now ?? new Date(), query.windowDays);
  const recentSince = scorecardWindow(until, RECENT_DAYS).since;
  const policy = query.policy === undefined ? ((await getCurrentPolicy(db))?.document ?? null) : query.policy;
  const breaks = amountBreaks(actionThresholds(policy, query.action));
  const shifted = breaks.map((value) => value.plus(LAST_DIGIT).toFixed());
  const agent = query.agentId ? Prisma.sql`AND agent_id = ${query.agentId}::uuid` : Prisma.empty;
  const dAgent = query.agentId ? Prisma.sql`AND d.agent_id = ${query.agentId}::uuid` : Prisma.empty;
  const week = Prisma.raw(`to_char(date_trunc('week', bucket AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`);

  const [rollups, raw] = await Promise.all([
    db.$queryRaw<RollupRow[]>`
      SELECT 'decision' AS part, agent_id::text AS agent_id, ${week} AS week, decision::text AS key, NULL::int AS latency_bucket, sum(count)::int AS count
        FROM decision_daily_rollups WHERE action = ${query.action} AND bucket >= ${since} ${agent} GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'approval', agent_id::text, ${week}, status::text, NULL, sum(count)::int
        FROM approval_daily_rollups WHERE action = ${query.action} AND bucket >= ${since} ${agent} GROUP BY 2, 3, 4
      UNION ALL
      -- latency_histogram is {latency bucket: count} (lib/dashboards/latency-buckets.ts).
      SELECT 'latency', agent_id::text, NULL, '', h.key::int, sum(h.value::int)::int
        FROM approval_daily_rollups CROSS JOIN LATERAL jsonb_each_text(latency_histogram) AS h
       WHERE action = ${query.action} AND bucket >= ${since} AND status = 'approved' ${agent} GROUP BY 2, 5
      UNION ALL
      SELECT CASE WHEN bucket >= ${recentSince} THEN 'outcome_recent' ELSE 'outcome' END, agent_id::text, NULL, status::text, NULL, sum(count)::int
        FROM outcome_daily_rollups WHERE action = ${query.action} AND bucket >= ${since} ${agent} GROUP BY 1, 2, 4
      UNION ALL
      SELECT 'breach', agent_id::text, NULL, '', NULL, sum(count)::int
        FROM reason_daily_rollups WHERE action = ${query.action} AND bucket >= ${since} AND reason = 'limit_exceeded' ${agent} GROUP BY 2
      UNION ALL
      SELECT 'review', NULL, NULL, source::text, NULL, sum(count)::int
        FROM review_daily_rollups WHERE action = ${query.action} AND bucket >= ${since} AND event = 'opened' ${agent} GROUP BY 4
      UNION ALL
      -- Still waiting: few rows, read live so the number is never a refresh behind.
      SELECT 'pending', d.agent_id::text, NULL, '', NULL, count(*)::int
        FROM approvals a JOIN decisions d ON d.id = a.decision_id
       WHERE a.status = 'pending' AND a.created_at >= ${since} AND d.action = ${query.action} ${dAgent} GROUP BY 2`,
    // Holds and denials only: every held amount and every limit breach is one of them. The predicate
    // matches the partial index proposed in docs/decisions/0004 exactly, so with it this is an index-only scan.
    db.$queryRaw<RawRow[]>`
      WITH d AS MATERIALIZED (
        SELECT customer_id, status,
               -- Only holds carry tier_requires_approval: testing the code instead of the decision keeps the scan index-only.
               CASE WHEN amount IS NOT NULL AND 'tier_requires_approval' = ANY (reason_codes)
                    THEN width_bucket(amount, ${shifted}::numeric[]) END AS bucket,
               'limit_exceeded' = ANY (reason_codes) AS breach
          FROM decisions
         WHERE action = ${query.action} AND created_at >= ${since} AND created_at < ${until} AND decision IN ('hold', 'deny') ${agent}
      ), latest_breaches AS (
        -- Which limit was hit is only in the reasons document: read it for the latest breaches, not all of them.
        SELECT b.reasons FROM decisions b
         WHERE b.id IN (SELECT id FROM decisions
                         WHERE action = ${query.action} AND created_at >= ${since} AND created_at < ${until} AND decision IN ('hold', 'deny')
                           AND 'limit_exceeded' = ANY (reason_codes) ${agent}
                         ORDER BY created_at DESC LIMIT ${LIMIT_SAMPLE})
      ), incidents AS (
        SELECT d.id AS decision_id, o.status::text AS status, o.created_at AS at, d.decision::text AS decision, d.tier, d.amount::text AS amount, ag.name AS agent_name
          FROM outcomes o JOIN decisions d ON d.id = o.decision_id JOIN agents ag ON ag.id = d.agent_id
         WHERE o.status IN ('failed', 'reverted') AND o.created_at >= ${recentSince} AND o.created_at < ${until} AND d.action = ${query.action} ${dAgent}
      )
      SELECT 'bucket' AS part, bucket::text AS key, count(*)::int AS held,
             count(*) FILTER (WHERE status IN ('approved', 'executed', 'failed', 'reverted'))::int AS approved,
             count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
             count(*) FILTER (WHERE status = 'expired')::int AS expired,
             count(*) FILTER (WHERE status = 'pending_approval')::int AS pending,
             count(*) FILTER (WHERE status IN ('executed', 'reverted'))::int AS executed,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status = 'reverted')::int AS reverted,
             0 AS count, NULL::json AS detail
        FROM d WHERE bucket IS NOT NULL GROUP BY bucket
      UNION ALL
      -- The top customers, each row carrying how many distinct customers breached in all.
      (SELECT 'customer', customer_id, 0, 0, 0, 0, 0, 0, 0, 0, count(*)::int, json_build_object('customers', count(*) OVER ())
         FROM d WHERE breach AND customer_id IS NOT NULL GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT ${TOP_CUSTOMERS})
      UNION ALL
      SELECT 'rule', r->>'rule', 0, 0, 0, 0, 0, 0, 0, 0, count(*)::int, NULL
        FROM latest_breaches b, jsonb_array_elements(b.reasons) r WHERE r->>'code' = 'limit_exceeded' GROUP BY 2
      UNION ALL
      -- review_cases has no action index; labelled cases are a fraction of decisions.
      SELECT 'label', label, 0, 0, 0, 0, 0, 0, 0, 0, count(*)::int, NULL
        FROM review_cases, unnest(labels) AS label
       WHERE action = ${query.action} AND created_at >= ${since} AND created_at < ${until} AND labels <> '{}' ${agent} GROUP BY 2
      UNION ALL
      (SELECT 'incident', NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              json_build_object('decision_id', decision_id, 'status', status, 'at', at, 'decision', decision, 'tier', tier, 'amount', amount, 'agent_name', agent_name,
                                'failed', count(*) FILTER (WHERE status = 'failed') OVER (), 'reverted', count(*) FILTER (WHERE status = 'reverted') OVER ())
         FROM incidents ORDER BY at DESC LIMIT ${INCIDENTS_SHOWN})`,
  ]);

  // Totals, per agent and per week from the rollups.
  const totals = { ...emptyHeld(), ...emptyOutcomes(), volume: 0, allowed: 0, denied: 0, stepUp: 0, escalated: 0, limitBreaches: 0 };
  const recent = { executed: 0, failed: 0, reverted: 0 };
  const agents = new Map<string, Omit<AgentRow, "agentName" | "medianSecondsToApprove"> & { latency: Map<number, number> }>();
  const weeks = new Map<string, WeeklyPoint>();
  const latency = new Map<number, number>();
  const reviewSources: { source: string; count: number }[] = [];
  const agentOf = (id: string | null) => {
    const key = id ?? "";
    let row = agents.get(key);
    if (!row) agents.set(key, (row = { agentId: key, volume: 0, limitBreaches: 0, ...emptyHeld(), ...emptyOutcomes(), latency: new Map() }));
    return row;
  };
  const weekOf = (key: string) => {
    let point = weeks.get(key);
    if (!point) weeks.set(key, (point = { week: key, volume: 0, ...emptyHeld() }));
    return point;
  };
  const DECISION_FIELD: Record<string, "allowed" | "denied" | "held" | "stepUp" | "escalated"> = { allow: "allowed", deny: "denied", hold: "held", step_up: "stepUp", escalate: "escalated" };
  for (const row of rollups) {
    if (row.part === "decision") {
      const field = DECISION_FIELD[row.key]!;
      totals.volume += row.count;
      totals[field] += row.count;
      agentOf(row.agent_id).volume += row.count;
      if (field === "held") agentOf(row.agent_id).held += row.count;
      weekOf(row.week!).volume += row.count;
      if (field === "held") weekOf(row.week!).held += row.count;
    } else if (row.part === "approval") {
      const field = row.key as "approved" | "rejected" | "expired";
      totals[field] += row.count;
      agentOf(row.agent_id)[field] += row.count;
      weekOf(row.week!)[field] += row.count;
    } else if (row.part === "latency" && row.latency_bucket !== null) {
      latency.set(row.latency_bucket, (latency.get(row.latency_bucket) ?? 0) + row.count);
      const own = agentOf(row.agent_id).latency;
      own.set(row.latency_bucket, (own.get(row.latency_bucket) ?? 0) + row.count);
    } else if (row.part === "outcome" || row.part === "outcome_recent") {
      const field = row.key as keyof OutcomeCounts;
      totals[field] += row.count;
      agentOf(row.agent_id)[field] += row.count;
      if (row.part === "outcome_recent") recent[field] += row.count;
    } else if (row.part === "breach") {
      totals.limitBreaches += row.count;
      agentOf(row.agent_id).limitBreaches += row.count;
    } else if (row.part === "review") {
      reviewSources.push({ source: row.key, count: row.count });
    } else if (row.part === "pending") {
      totals.pending += row.count;
      agentOf(row.agent_id).pending += row.count;
    }
  }

  const names = new Map(
    (await db.agent.findMany({ where: { id: { in: [...agents.keys()].filter(Boolean) } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]),
  );
  const agentRows: AgentRow[] = [...agents.values()]
    .map(({ latency: own, ...row }) => ({ ...row, agentName: names.get(row.agentId) ?? "(no agent)", medianSecondsToApprove: latencyPercentile(own, 0.5) }))
    .sort((a, b) => b.volume - a.volume || a.agentName.localeCompare(b.agentName));

  // The rules' detail from the raw rows.
  const heldAmounts: HeldAmountBucket[] = raw
    .filter((row) => row.part === "bucket")
    .map((row) => {
      const i = Number(row.key);
      return {
        from: i >= 1 ? breaks[i - 1]!.toFixed() : null,
        to: i < breaks.length ? breaks[i]!.toFixed() : null,
        held: row.held,
        approved: row.approved,
        rejected: row.rejected,
        expired: row.expired,
        pending: row.pending,
        executed: row.executed,
        failed: row.failed,
        reverted: row.reverted,
      };
    })
    .sort((a, b) => (a.from === null ? -1 : b.from === null ? 1 : new Decimal(a.from).comparedTo(new Decimal(b.from))));
  const customers = raw.filter((row) => row.part === "customer" && row.key);
  const incidents = raw.filter((row) => row.part === "incident" && row.detail).map((row) => row.detail as IncidentDetail);

  // The median and p90 are read from the rollups' latency histogram: within a bucket's width (about a third of its value).
  const median = latencyPercentile(latency, 0.5);
  const p90 = latencyPercentile(latency, 0.9);
  const approvedCount = [...latency.values()].reduce((sum, n) => sum + n, 0);
  const executedEver = totals.executed;
  return {
    action: query.action,
    agentId: query.agentId ?? null,
    windowDays: query.windowDays,
    since: since.toISOString(),
    until: until.toISOString(),
    totals,
    heldShare: rate(totals.held, totals.volume),
    approvalRate: rate(totals.approved, totals.approved + totals.rejected),
    // Outcome rows: a reverted action was executed first, so `executed` counts it too.
    reversalRate: rate(totals.reverted, executedEver),
    failureRate: rate(totals.failed, executedEver + totals.failed),
    timeToApprove: median !== null && p90 !== null ? { medianSeconds: median, p90Seconds: p90, count: approvedCount } : null,
    weekly: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    heldAmounts,
    agents: agentRows,
    reviewCases: {
      total: reviewSources.reduce((sum, row) => sum + row.count, 0),
      bySource: reviewSources.sort((a, b) => b.count - a.count || a.source.localeCompare(b.source)),
      byLabel: raw
        .filter((row) => row.part === "label")
        .map((row) => ({ label: row.key ?? "", count: row.count }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    },
    limits: {
      breaches: totals.limitBreaches,
      customers: (customers[0]?.detail as { customers: number } | undefined)?.customers ?? 0,
      topCustomers: customers.map((row) => ({ customerId: row.key!, count: row.count })).sort((a, b) => b.count - a.count || a.customerId.localeCompare(b.customerId)),
      byLimit: raw
        .filter((row) => row.part === "rule" && row.key)
        .map((row) => ({ rule: row.key!, index: limitIndex(row.key!), count: row.count }))
        .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    },
    recent: {
      days: RECENT_DAYS,
      failed: incidents[0]?.failed ?? 0,
      reverted: incidents[0]?.reverted ?? 0,
      // Execution attempts reported in those days: executed (reverted ones included) and failed.
      executions: recent.executed + recent.failed,
      incidents: incidents.map(
        (row): Incident => ({ decisionId: row.decision_id, status: row.status, at: new Date(row.at).toISOString(), decision: row.decision, tier: row.tier, amount: row.amount, agentName: row.agent_name }),
      ),
    },
  };
}

function limitIndex(rule: string): number | null {
  const match = /\.limits\[(\d+)\]$/.exec(rule);
  return match ? Number(match[1]) : null;
}

/** The key numbers of every action over the window, for the scorecards index, from the daily rollups. */
export async function listScorecardSummaries(db: Db, input: { windowDays: number; now?: Date }): Promise<ScorecardSummary[]> {
  const { since } = scorecardWindow(input.now ?? new Date(), input.windowDays);
  const rows = await db.$queryRaw<{ action: string; key: string; count: number }[]>`
    SELECT action, 'decision:' || decision::text AS key, sum(count)::int AS count FROM decision_daily_rollups WHERE bucket >= ${since} GROUP BY 1, 2
    UNION ALL SELECT action, 'approval:' || status::text, sum(count)::int FROM approval_daily_rollups WHERE bucket >= ${since} GROUP BY 1, 2
    UNION ALL SELECT action, 'outcome:' || status::text, sum(count)::int FROM outcome_daily_rollups WHERE bucket >= ${since} GROUP BY 1, 2
    UNION ALL SELECT action, 'breach', sum(count)::int FROM reason_daily_rollups WHERE bucket >= ${since} AND reason = 'limit_exceeded' GROUP BY 1, 2`;
  const byAction = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const numbers = byAction.get(row.action) ?? {};
    numbers[row.key] = (numbers[row.key] ?? 0) + row.count;
    byAction.set(row.action, numbers);
  }
  return [...byAction].map(([action, n]) => {
    const get = (key: string) => n[key] ?? 0;
    const volume = ["allow", "deny", "hold", "step_up", "escalate"].reduce((sum, d) => sum + get(`decision:${d}`), 0);
    const approved = get("approval:approved");
    const rejected = get("approval:rejected");
    const executed = get("outcome:executed");
    return {
      action,
      volume,
      held: get("decision:hold"),
      approved,
      rejected,
      reverted: get("outcome:reverted"),
      failed: get("outcome:failed"),
      executions: executed + get("outcome:failed"),
      limitBreaches: get("breach"),
      heldShare: rate(get("decision:hold"), volume),
      approvalRate: rate(approved, approved + rejected),
      reversalRate: rate(get("outcome:reverted"), executed),
    };
  });
}
