import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../lib/audit/actor";
import { amountBreaks } from "../../lib/autonomy/friendly-amounts";
import { actionThresholds, getScorecard, listScorecardSummaries, RECENT_DAYS, scorecardWindow } from "../../lib/autonomy/scorecards";
import { createPool } from "../../lib/db/pool";
import { seedHistory } from "../../lib/history/seed-history";
import { getCurrentPolicy } from "../../lib/policy/queries";
import { publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// The scorecard reads rollups and a few raw aggregates; these tests recount everything straight
// from the raw tables, with the same window semantics, on a generated history.

let t: TestDatabase;
let pool: pg.Pool;
const now = new Date();
const WINDOW = 30;
const { since } = scorecardWindow(now, WINDOW);
const recentSince = scorecardWindow(now, RECENT_DAYS).since;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  pool = createPool(t.url, 4);
  await seedHistory(pool, SYSTEM_ACTOR, { days: 45, decisions: 6_000, seed: 7, agents: 3, end: new Date(now.getTime() - 60_000) });
});

afterAll(async () => {
  await pool.end();
  await t.drop();
});

async function countsBy(sql: string, params: unknown[]): Promise<Record<string, number>> {
  const rows = await t.query<{ key: string; n: number }>(sql, params);
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

describe("scorecards against the raw tables", () => {
  for (const agentFilter of [false, true]) {
    it(`refund.issue over ${WINDOW} days${agentFilter ? ", one agent" : ""}`, async () => {
      const agent = agentFilter ? (await t.db.agent.findFirstOrThrow({ where: { name: "chat-assistant" } })).id : null;
      const scorecard = await getScorecard(t.db, { action: "refund.issue", windowDays: WINDOW, agentId: agent, now });
      const scope = `d.action = 'refund.issue'${agent ? ` AND d.agent_id = '${agent}'` : ""}`;

      const decisions = await countsBy(`SELECT decision::text AS key, count(*) AS n FROM decisions d WHERE ${scope} AND created_at >= $1 AND created_at < $2 GROUP BY 1`, [since, now]);
      expect(scorecard.totals).toMatchObject({
        volume: Object.values(decisions).reduce((a, b) => a + b, 0),
        allowed: decisions.allow ?? 0,
        held: decisions.hold ?? 0,
        denied: decisions.deny ?? 0,
        stepUp: decisions.step_up ?? 0,
        escalated: decisions.escalate ?? 0,
      });
      expect(scorecard.totals.volume).toBeGreaterThan(100);

      // Approvals count by when they were decided, outcomes by when they were reported.
      const approvals = await countsBy(
        `SELECT a.status::text AS key, count(*) AS n FROM approvals a JOIN decisions d ON d.id = a.decision_id WHERE ${scope} AND a.decided_at >= $1 AND a.decided_at < $2 AND a.status <> 'pending' GROUP BY 1`,
        [since, now],
      );
      expect(scorecard.totals).toMatchObject({ approved: approvals.approved ?? 0, rejected: approvals.rejected ?? 0, expired: approvals.expired ?? 0 });
      expect(scorecard.totals.approved).toBeGreaterThan(10);
      const outcomes = await countsBy(`SELECT o.status::text AS key, count(*) AS n FROM outcomes o JOIN decisions d ON d.id = o.decision_id WHERE ${scope} AND o.created_at >= $1 AND o.created_at < $2 GROUP BY 1`, [since, now]);
      expect(scorecard.totals).toMatchObject({ executed: outcomes.executed ?? 0, failed: outcomes.failed ?? 0, reverted: outcomes.reverted ?? 0 });
      expect(scorecard.approvalRate).toBeCloseTo((approvals.approved ?? 0) / ((approvals.approved ?? 0) + (approvals.rejected ?? 0)), 10);

      const [breaches] = await t.query<{ n: number; customers: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT customer_id) FILTER (WHERE customer_id IS NOT NULL)::int AS customers FROM decisions d WHERE ${scope} AND created_at >= $1 AND created_at < $2 AND 'limit_exceeded' = ANY (reason_codes)`,
        [since, now],
      );
      expect(scorecard.limits).toMatchObject({ breaches: breaches!.n, customers: breaches!.customers });
      expect(scorecard.totals.limitBreaches).toBe(breaches!.n);

      const sources = await countsBy(`SELECT source::text AS key, count(*) AS n FROM review_cases d WHERE ${scope} AND created_at >= $1 AND created_at < $2 GROUP BY 1`, [since, now]);
      expect(Object.fromEntries(scorecard.reviewCases.bySource.map((s) => [s.source, s.count]))).toEqual(sources);
      const labels = await countsBy(`SELECT label AS key, count(*) AS n FROM review_cases d, unnest(labels) label WHERE ${scope} AND created_at >= $1 AND created_at < $2 GROUP BY 1`, [since, now]);
      expect(Object.fromEntries(scorecard.reviewCases.byLabel.map((l) => [l.label, l.count]))).toEqual(labels);

      // Held amounts, bucketed here in JavaScript on the same breaks: (from, to].
      const policy = (await getCurrentPolicy(t.db))!.document;
      const breaks = amountBreaks(actionThresholds(policy, "refund.issue"));
      const held = await t.query<{ amount: string; status: string }>(
        `SELECT amount::text AS amount, status::text AS status FROM decisions d WHERE ${scope} AND created_at >= $1 AND created_at < $2 AND decision = 'hold' AND amount IS NOT NULL AND 'tier_requires_approval' = ANY (reason_codes)`,
        [since, now],
      );
      const expected = new Map<string, { held: number; approved: number; rejected: number }>();
      for (const row of held) {
        const upper = breaks.find((b) => b.gte(row.amount));
        const key = upper ? upper.toFixed() : "∞";
        const bucket = expected.get(key) ?? { held: 0, approved: 0, rejected: 0 };
        bucket.held++;
        if (["approved", "executed", "failed", "reverted"].includes(row.status)) bucket.approved++;
        if (row.status === "rejected") bucket.rejected++;
        expected.set(key, bucket);
      }
      expect(new Map(scorecard.heldAmounts.map((b) => [b.to ?? "∞", { held: b.held, approved: b.approved, rejected: b.rejected }]))).toEqual(expected);
      expect(held.length).toBeGreaterThan(10);

      const recent = await countsBy(`SELECT o.status::text AS key, count(*) AS n FROM outcomes o JOIN decisions d ON d.id = o.decision_id WHERE ${scope} AND o.created_at >= $1 AND o.created_at < $2 GROUP BY 1`, [recentSince, now]);
      expect(scorecard.recent).toMatchObject({ failed: recent.failed ?? 0, reverted: recent.reverted ?? 0, executions: (recent.executed ?? 0) + (recent.failed ?? 0) });

      // The median from the rollups' latency histogram is within its bucket's width of the exact one.
      const [exact] = await t.query<{ median: number }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.created_at))::float8 AS median FROM approvals a JOIN decisions d ON d.id = a.decision_id WHERE ${scope} AND a.decided_at >= $1 AND a.decided_at < $2 AND a.status = 'approved'`,
        [since, now],
      );
      expect(Math.abs(scorecard.timeToApprove!.medianSeconds - exact!.median)).toBeLessThanOrEqual(exact!.median * 0.5);

      if (!agent) {
        const perAgent = await countsBy(`SELECT agent_id::text AS key, count(*) AS n FROM decisions d WHERE ${scope} AND created_at >= $1 AND created_at < $2 GROUP BY 1`, [since, now]);
        expect(Object.fromEntries(scorecard.agents.map((a) => [a.agentId, a.volume]))).toEqual(perAgent);
        expect(scorecard.weekly.reduce((sum, w) => sum + w.volume, 0)).toBe(scorecard.totals.volume);
      }
    });
  }

  it("lists every action's key numbers for the index", async () => {
    const summaries = await listScorecardSummaries(t.db, { windowDays: WINDOW, now });
    const volumes = await countsBy(`SELECT action AS key, count(*) AS n FROM decisions WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`, [since, now]);
    expect(Object.fromEntries(summaries.map((s) => [s.action, s.volume]))).toEqual(volumes);
  });
});
