import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../lib/audit/actor";
import { getApproverStats, RUBBER_STAMP } from "../../lib/dashboards/get-approver-stats";
import { getDashboard, getDecisionVolume } from "../../lib/dashboards/get-dashboard";
import { LATENCY_BOUNDS_SECONDS, latencyBucketOf } from "../../lib/dashboards/latency-buckets";
import { parseApproverStatsQuery, parseDashboardQuery, type DashboardQuery } from "../../lib/dashboards/schemas";
import { computeTimeFrame } from "../../lib/dashboards/time-frame";
import type { Dashboard } from "../../lib/dashboards/types";
import { seedDemo } from "../../lib/demo/seed-demo";
import { isAppError } from "../../lib/errors";
import { HISTORY_PEOPLE, seedHistory } from "../../lib/history/seed-history";
import { createTestDatabase, type TestDatabase } from "./database";

// The dashboards read rollups only; this proves their numbers are the raw tables' numbers, for every
// range and for the action, agent and tier filters, on a generated history of 20,000 decisions.

let t: TestDatabase;
let pool: pg.Pool;
const NOW = new Date();

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 6 });
  await seedDemo(t.db, SYSTEM_ACTOR);
  await seedHistory(pool, SYSTEM_ACTOR, { decisions: 20_000, days: 90, seed: 7, end: NOW });
}, 300_000);

afterAll(async () => {
  await pool.end();
  await t.drop();
});

/** The raw-table WHERE clause for the same filters, on decisions aliased d. */
async function rawFilter(query: DashboardQuery): Promise<{ where: string; params: unknown[] }> {
  const params: unknown[] = [];
  const parts: string[] = [];
  if (query.action) parts.push(`d.action = $${params.push(query.action)}`);
  if (query.agent) parts.push(`d.agent_id = (SELECT id FROM agents WHERE name = $${params.push(query.agent)})`);
  if (query.tier) parts.push(`d.tier = $${params.push(query.tier)}`);
  return { where: parts.length ? parts.join(" AND ") : "TRUE", params };
}

async function raw<R extends pg.QueryResultRow>(query: DashboardQuery, sql: (where: string, from: string) => string): Promise<R[]> {
  const filter = await rawFilter(query);
  const from = computeTimeFrame(query.range, NOW).from;
  const params = [...filter.params, from];
  return (await pool.query<R>(sql(filter.where, `$${params.length}`), params)).rows;
}

const counts = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.n]));

async function expectMatchesRaw(query: DashboardQuery, dashboard: Dashboard) {
  const label = JSON.stringify(query);
  const decisions = counts(await raw<{ key: string; n: number }>(query, (w, from) => `SELECT decision::text AS key, count(*)::int AS n FROM decisions d WHERE ${w} AND d.created_at >= ${from} GROUP BY 1`));
  for (const kind of ["allow", "deny", "hold", "step_up", "escalate"]) expect(dashboard.volume.totals[kind], `${label} ${kind}`).toBe(decisions[kind] ?? 0);
  expect(dashboard.volume.series.reduce((sum, p) => sum + p.total, 0), label).toBe(Object.values(decisions).reduce((a, b) => a + b, 0));
  expect(dashboard.autonomy.totals.autonomous, label).toBe((decisions.allow ?? 0) + (decisions.deny ?? 0));
  expect(dashboard.approvals.totals.holds, label).toBe(decisions.hold ?? 0);

  const approvals = counts(
    await raw<{ key: string; n: number }>(
      query,
      (w, from) => `SELECT a.status::text AS key, count(*)::int AS n FROM approvals a JOIN decisions d ON d.id = a.decision_id WHERE ${w} AND a.decided_at >= ${from} AND a.status <> 'pending' GROUP BY 1`,
    ),
  );
  for (const status of ["approved", "rejected", "expired"]) expect(dashboard.approvals.totals[status], `${label} ${status}`).toBe(approvals[status] ?? 0);

  // Percentiles come from the histogram: within the width of the bucket that holds the exact value.
  const [latency] = await raw<{ p50: number | null; p95: number | null }>(
    query,
    (w, from) => `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.created_at))::float8 AS p50,
                         percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.created_at))::float8 AS p95
                    FROM approvals a JOIN decisions d ON d.id = a.decision_id WHERE ${w} AND a.decided_at >= ${from} AND a.status IN ('approved', 'rejected')`,
  );
  for (const [key, exact] of [["p50Seconds", latency!.p50], ["p95Seconds", latency!.p95]] as const) {
    if (exact === null) {
      expect(dashboard.approvals.totals[key]).toBeNull();
      continue;
    }
    const bucket = latencyBucketOf(exact);
    const width = (LATENCY_BOUNDS_SECONDS[bucket] ?? exact * 2) - (LATENCY_BOUNDS_SECONDS[bucket - 1] ?? 0);
    expect(Math.abs((dashboard.approvals.totals[key] as number) - exact), `${label} ${key}`).toBeLessThanOrEqual(width);
  }

  const denials = counts(
    await raw<{ key: string; n: number }>(query, (w, from) => `SELECT reason_codes[1] AS key, count(*)::int AS n FROM decisions d WHERE ${w} AND d.created_at >= ${from} AND d.decision = 'deny' GROUP BY 1`),
  );
  expect(Object.fromEntries(dashboard.denials.series.map((p) => [p.key, p.count])), label).toEqual(denials);

  const outcomes = counts(
    await raw<{ key: string; n: number }>(query, (w, from) => `SELECT o.status::text AS key, count(*)::int AS n FROM outcomes o JOIN decisions d ON d.id = o.decision_id WHERE ${w} AND o.created_at >= ${from} GROUP BY 1`),
  );
  expect(dashboard.outcomeProblems.totals.failed, label).toBe(outcomes.failed ?? 0);
  expect(dashboard.outcomeProblems.totals.reverted, label).toBe(outcomes.reverted ?? 0);
  expect(dashboard.outcomeProblems.totals.executed, label).toBe(outcomes.executed ?? 0);

  const executed = await raw<{ tier: string; amount: string }>(
    query,
    (w, from) => `SELECT coalesce(d.tier, '') AS tier, sum(d.amount)::numeric(28,2)::text AS amount FROM outcomes o JOIN decisions d ON d.id = o.decision_id
                   WHERE ${w} AND o.created_at >= ${from} AND o.status = 'executed' AND d.amount IS NOT NULL GROUP BY 1`,
  );
  for (const row of executed) {
    expect(dashboard.money.table.rows.find((r) => r.tier === (row.tier || "no tier"))?.executed, `${label} ${row.tier}`).toBe(row.amount);
  }
  // Tiers in the policy's order, low to critical, as the document lists them; "no tier" last.
  const severity = ["low", "medium", "high", "critical", "no tier"];
  const shown = dashboard.money.table.rows.map((r) => r.tier as string);
  expect(shown, label).toEqual([...shown].sort((a, b) => severity.indexOf(a) - severity.indexOf(b)));
  expect(dashboard.money.seriesKeys.map((k) => k.key), label).toEqual(dashboard.money.seriesKeys.map((k) => k.key).sort((a, b) => severity.indexOf(a) - severity.indexOf(b)));
  // Regression (issue #23, point 6): the legend and the table showed tier keys ("low") where the policy names them ("Low").
  const named: Record<string, string> = { low: "Low", medium: "Medium", high: "High", critical: "Critical", "no tier": "no tier" };
  for (const key of dashboard.money.seriesKeys) expect(key.label, label).toBe(named[key.key]);
  for (const row of dashboard.money.table.rows) expect(row.tier_label, label).toBe(named[row.tier as string]);

  const reviews = await raw<{ opened: number; resolved: number; dismissed: number }>(
    query,
    (w, from) => `SELECT count(*) FILTER (WHERE d.created_at >= ${from})::int AS opened,
                         count(*) FILTER (WHERE d.resolved_at >= ${from} AND d.status = 'resolved')::int AS resolved,
                         count(*) FILTER (WHERE d.resolved_at >= ${from} AND d.status = 'dismissed')::int AS dismissed
                    FROM review_cases d WHERE ${w}`,
  );
  expect({ opened: dashboard.reviews.totals.opened, resolved: dashboard.reviews.totals.resolved, dismissed: dashboard.reviews.totals.dismissed }, label).toEqual(reviews[0]);

  const handoffs = counts(
    await raw<{ key: string; n: number }>(query, (w, from) => `SELECT d.action AS key, count(*)::int AS n FROM decisions d WHERE ${w} AND d.created_at >= ${from} AND d.decision IN ('hold', 'escalate') GROUP BY 1`),
  );
  for (const point of dashboard.handoffActions.series) expect(point.count, `${label} ${point.key}`).toBe(handoffs[point.key]);
  expect(dashboard.handoffActions.totals.handoffs, label).toBe(Object.values(handoffs).reduce((a, b) => a + b, 0));
}

describe("dashboards against the raw tables", () => {
  for (const range of ["24h", "7d", "30d", "90d"] as const) {
    it(`match raw counts over ${range}`, async () => {
      const dashboard = await getDashboard(pool, { range }, NOW);
      expect(dashboard.volume.series).toHaveLength({ "24h": 24, "7d": 7, "30d": 30, "90d": 90 }[range]);
      expect(dashboard.frame.granularity).toBe(range === "24h" ? "hour" : "day");
      await expectMatchesRaw({ range }, dashboard);
    });
  }

  const filtered: DashboardQuery[] = [
    { range: "90d", action: "refund.issue" },
    { range: "30d", agent: "chat-assistant" },
    { range: "7d", tier: "high" },
    { range: "90d", action: "refund.issue", agent: "billing-bot", tier: "low" },
  ];
  for (const query of filtered) {
    it(`match raw counts filtered by ${JSON.stringify(query)}`, async () => {
      await expectMatchesRaw(query, await getDashboard(pool, query, NOW));
    });
  }

  it("answer the same through the Prisma client as through the pg pool", async () => {
    const viaPool = await getDashboard(pool, { range: "30d", action: "refund.issue" }, NOW);
    const viaPrisma = await getDashboard(t.db, { range: "30d", action: "refund.issue" }, NOW);
    expect(viaPrisma).toEqual(viaPool);
  });

  it("serve each chart alone with the numbers of the whole page", async () => {
    const dashboard = await getDashboard(pool, { range: "7d" }, NOW);
    expect(await getDecisionVolume(pool, { range: "7d" }, NOW)).toEqual(dashboard.volume);
  });

  it("link charts into the filtered history", async () => {
    const dashboard = await getDashboard(pool, { range: "7d", action: "refund.issue", agent: "chat-assistant" }, NOW);
    const href = new URL(dashboard.approvals.historyHref!, "http://x");
    expect(href.pathname).toBe("/history");
    expect(Object.fromEntries(href.searchParams)).toMatchObject({ action: "refund.issue", agent: "chat-assistant", decision: "hold" });
    const point = new URL(dashboard.volume.series[3]!.href!, "http://x");
    expect(point.searchParams.get("from")).toBe(dashboard.volume.series[3]!.bucket);
    expect(point.searchParams.get("to")).toBe(dashboard.volume.series[4]!.bucket);
  });

  it("offer the filter values and accept an agent by name or id", async () => {
    const dashboard = await getDashboard(pool, { range: "24h" }, NOW);
    expect(dashboard.options.actions).toContain("refund.issue");
    expect(dashboard.options.tiers).toEqual(["low", "medium", "high", "critical"]);
    const agent = dashboard.options.agents.find((a) => a.name === "returns-bot")!;
    const byId = await getDashboard(pool, { range: "24h", agent: agent.id }, NOW);
    expect(byId.filter.agent).toEqual(agent);
    expect(byId.volume.totals).toEqual((await getDashboard(pool, { range: "24h", agent: "returns-bot" }, NOW)).volume.totals);
  });
});

describe("dashboard parameters", () => {
  it("default to 7 days and refuse unknown ranges, malformed keys and unknown agents as validation errors", async () => {
    expect(parseDashboardQuery(new URLSearchParams(""))).toEqual({ range: "7d" });
    expect(parseApproverStatsQuery(new URLSearchParams("range=90d"))).toEqual({ range: "90d" });
    for (const bad of ["range=1y", "action=refund issue", "tier=hi gh", "range=24h&agent="]) {
      let error: unknown = null;
      try {
        const query = parseDashboardQuery(new URLSearchParams(bad));
        await getDashboard(pool, { ...query, agent: query.agent ?? "no-such-agent" }, NOW);
      } catch (caught) {
        error = caught;
      }
      expect(isAppError(error) && error.code === "validation_failed", bad).toBe(true);
    }
  });
});

describe("the rubber-stamp watch", () => {
  it("flags the approvers who approve nearly everything within seconds, and nobody else", async () => {
    const stats = await getApproverStats(pool, { range: "90d" }, NOW);
    const flagged = stats.approvers.filter((a) => a.flagged).map((a) => a.email).sort();
    expect(flagged).toEqual(HISTORY_PEOPLE.filter((p) => p.style === "rubber_stamp").map((p) => p.email).sort());
    for (const approver of stats.approvers.filter((a) => a.flagged)) {
      expect(approver.approvalRate).toBeGreaterThan(0.95);
      expect(approver.medianSeconds).toBeLessThan(10);
    }
  });

  it("counts each approver's votes and median time to decide as the raw votes do", async () => {
    const from = computeTimeFrame("30d", NOW).from;
    const stats = await getApproverStats(pool, { range: "30d" }, NOW);
    const { rows } = await pool.query<{ email: string; decided: number; approved: number; median: number }>(
      `SELECT u.email, count(*)::int AS decided, (count(*) FILTER (WHERE v.verdict = 'approve'))::int AS approved,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.created_at - a.created_at))::float8 AS median
         FROM approval_votes v JOIN approvals a ON a.id = v.approval_id JOIN users u ON u.id = v.user_id
        WHERE v.created_at >= $1 GROUP BY u.email`,
      [from],
    );
    expect(stats.approvers).toHaveLength(rows.length);
    for (const row of rows) {
      const stat = stats.approvers.find((a) => a.email === row.email)!;
      expect(stat.decided, row.email).toBe(row.decided);
      expect(stat.approved, row.email).toBe(row.approved);
      // From the histogram: within the width of the bucket that holds the exact median.
      const bucket = latencyBucketOf(row.median);
      const width = (LATENCY_BOUNDS_SECONDS[bucket] ?? row.median * 2) - (LATENCY_BOUNDS_SECONDS[bucket - 1] ?? 0);
      expect(Math.abs(stat.medianSeconds - row.median), row.email).toBeLessThanOrEqual(width);
      // The flag applies the rule to that median: the exact one (percentile_cont averages the two
      // middle votes) may fall on the other side of 10 s when the votes straddle it.
      expect(stat.flagged, row.email).toBe(
        row.decided >= RUBBER_STAMP.minDecided && row.approved / row.decided > RUBBER_STAMP.approvalRate && stat.medianSeconds < RUBBER_STAMP.medianSeconds,
      );
    }
  });
});
