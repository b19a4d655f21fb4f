import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { getApproverStats } from "@/lib/dashboards/get-approver-stats";
import { getDashboard, getApprovalChart, getDecisionVolume, getDenialReasons, getHumanHandoffs, getMoneyMoved, getOutcomeProblems, getReviewFlow, getAutonomyShare } from "@/lib/dashboards/get-dashboard";
import type { DashboardQuery } from "@/lib/dashboards/schemas";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { createPrismaClient, type Db } from "@/lib/db/prisma";
import { seedDemo } from "@/lib/demo/seed-demo";
import { rebuildRollups, refreshRollups } from "@/lib/history/rollups";
import { seedHistory, type HistorySummary } from "@/lib/history/seed-history";
import type { Target } from "./targets";

// Dashboards and the history's first page at scale: loads a generated history of 1,000,000
// decisions (mandate seed history) into its own embedded PostgreSQL under .data/bench-dashboards,
// or reuses the one a previous run left there, then times every dashboard query function and the
// history explorer's first-page query under each common filter, and checks with EXPLAIN that each
// filter is served by an index. Times are p50 of `runs` runs after one warm-up.
//
//   node --import tsx scripts/bench/dashboards-bench.ts [--decisions 1000000] [--runs 5] [--fresh]

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DASHBOARD_TARGET_MS = 300;

export interface DashboardsBenchOptions {
  decisions?: number;
  days?: number;
  seed?: number;
  runs?: number;
  /** Drop what a previous run loaded and generate again. */
  fresh?: boolean;
  dataDir?: string;
  log?: (line: string) => void;
}

export interface Timing {
  name: string;
  p50Ms: number;
  minMs: number;
  maxMs: number;
}

export interface PlanCheck {
  name: string;
  usesIndex: boolean;
  /** The plan's node types and the indexes they use, outermost first. */
  nodes: string[];
}

export interface DashboardsBenchResult {
  decisions: number;
  rows: Record<string, number>;
  load: { reused: boolean; seconds: number | null; decisionsPerSecond: number | null; summary: HistorySummary | null };
  rollups: { rebuildMs: number; refreshRoundMs: number; wideRefreshRoundMs: number; rows: Record<string, number> };
  dashboards: Timing[];
  history: Timing[];
  rawComparison: Timing[];
  plans: PlanCheck[];
  targets: Target[];
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Omit<Timing, "name">> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    await fn();
    samples.push(performance.now() - began);
  }
  samples.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50Ms: r(samples[Math.floor(samples.length / 2)]!), minMs: r(samples[0]!), maxMs: r(samples[samples.length - 1]!) };
}

// The history explorer's first page (lib/history/queries.ts): newest first, keyset order.
const HISTORY_SELECT = `SELECT d.id, d.created_at, d.agent_id, d.action, d.intent, d.decision, d.status, d.tier, d.owner, d.authority, d.amount::text, d.currency,
  d.customer_id, d.channel, d.conversation_id, d.policy_version, d.reason_codes, d.request->'context'->>'summary' AS summary FROM decisions d`;

function historyFilters(now: Date, agentId: string, customer: string): { name: string; where: string; params: unknown[] }[] {
  const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  return [
    { name: "no filter", where: "TRUE", params: [] },
    { name: "last 24 h", where: "d.created_at >= $1", params: [ago(24)] },
    { name: "a day 60 days ago", where: "d.created_at >= $1 AND d.created_at < $2", params: [ago(60 * 24), ago(59 * 24)] },
    { name: "action", where: "d.action = $1", params: ["refund.issue"] },
    { name: "agent", where: "d.agent_id = $1::uuid", params: [agentId] },
    { name: "decision = deny", where: `d.decision = $1::"DecisionKind"`, params: ["deny"] },
    { name: "status = failed", where: `d.status = $1::"DecisionStatus"`, params: ["failed"] },
    { name: "status = pending_approval", where: `d.status = $1::"DecisionStatus"`, params: ["pending_approval"] },
    { name: "tier = critical", where: "d.tier = $1", params: ["critical"] },
    { name: "owner", where: "d.owner = $1", params: ["security"] },
    { name: "customer", where: "d.customer_id = $1", params: [customer] },
    { name: "amount ≥ 1,000", where: "d.amount >= $1::numeric", params: ["1000"] },
    { name: "amount 450–500", where: "d.amount >= $1::numeric AND d.amount <= $2::numeric", params: ["450", "500"] },
    { name: "action + decision", where: `d.action = $1 AND d.decision = $2::"DecisionKind"`, params: ["refund.issue", "deny"] },
    { name: "agent + status + 7 d", where: `d.agent_id = $1::uuid AND d.status = $2::"DecisionStatus" AND d.created_at >= $3`, params: [agentId, "reverted", ago(7 * 24)] },
    { name: "30 d + action + tier", where: "d.created_at >= $1 AND d.action = $2 AND d.tier = $3", params: [ago(30 * 24), "order.cancel", "high"] },
    { name: "customer + action", where: "d.customer_id = $1 AND d.action = $2", params: [customer, "refund.issue"] },
  ];
}

function planNodes(plan: Record<string, unknown>): string[] {
  const label = `${plan["Node Type"]}${plan["Index Name"] ? ` (${plan["Index Name"]})` : ""}${plan["Relation Name"] && !plan["Index Name"] ? ` on ${plan["Relation Name"]}` : ""}`;
  return [label, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)];
}

export async function runDashboardsBench(options: DashboardsBenchOptions = {}): Promise<DashboardsBenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const decisions = options.decisions ?? 1_000_000;
  const runs = options.runs ?? 5;
  const dataDir = options.dataDir ?? path.join(ROOT, ".data", "bench-dashboards");
  const embedded = await startEmbeddedPostgres(dataDir);
  const adminUrl = new URL(embedded.url);
  const database = `dashboards_${decisions}`;
  adminUrl.pathname = "/postgres";
  const url = new URL(embedded.url);
  url.pathname = `/${database}`;

  let pool: pg.Pool | null = null;
  let db: Db | null = null;
  try {
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    try {
      if (options.fresh) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    await migrate(url.toString());
    pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
    // An idle connection dropped by the server must not crash the run; the next query reconnects.
    pool.on("error", () => {});
    db = createPrismaClient(url.toString(), 8);

    const existing = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM decisions`)).rows[0]!.n);
    const load: DashboardsBenchResult["load"] = { reused: existing >= decisions, seconds: null, decisionsPerSecond: null, summary: null };
    if (!load.reused) {
      if (existing > 0) throw new Error(`${database} holds ${existing} decisions, not ${decisions}: run with --fresh`);
      await seedDemo(db, SYSTEM_ACTOR);
      log(`dashboards: generating ${decisions.toLocaleString("en-US")} decisions over ${options.days ?? 90} days`);
      let shown = -1;
      const summary = await seedHistory(pool, SYSTEM_ACTOR, {
        decisions,
        days: options.days ?? 90,
        seed: options.seed ?? 42,
        onProgress: (done, total) => {
          const percent = Math.floor((100 * done) / total);
          if (percent !== shown && percent % 5 === 0) log(`dashboards: ${percent}% (${done.toLocaleString("en-US")})`);
          shown = percent;
        },
      });
      load.summary = summary;
      load.seconds = summary.seconds.total;
      load.decisionsPerSecond = Math.round(decisions / summary.seconds.generate);
      log(`dashboards: loaded in ${summary.seconds.total}s (rollups ${summary.seconds.rollups}s); vacuum analyze`);
      // What autovacuum does after a bulk load, done now so plans and visibility are settled.
      await pool.query("VACUUM ANALYZE");
    }

    const counts = await pool.query<{ table: string; n: string }>(
      `SELECT 'decisions' AS table, count(*) AS n FROM decisions UNION ALL SELECT 'audit_entries', count(*) FROM audit_entries
       UNION ALL SELECT 'approvals', count(*) FROM approvals UNION ALL SELECT 'approval_votes', count(*) FROM approval_votes
       UNION ALL SELECT 'outcomes', count(*) FROM outcomes UNION ALL SELECT 'review_cases', count(*) FROM review_cases`,
    );
    const rows = Object.fromEntries(counts.rows.map((r) => [r.table, Number(r.n)]));
    const { rows: bounds } = await pool.query<{ last: Date; agent: string; customer: string }>(
      `SELECT (SELECT max(created_at) FROM decisions) AS last, (SELECT id::text FROM agents WHERE name = 'chat-assistant') AS agent,
              (SELECT customer_id FROM decisions WHERE customer_id IS NOT NULL ORDER BY created_at DESC LIMIT 1) AS customer`,
    );
    // A reused history ended when it was generated: measure as of its end, not the wall clock.
    const now = new Date(bounds[0]!.last.getTime() + 60_000);

    log("dashboards: rollup refresh rounds");
    const rebuildBegan = performance.now();
    await rebuildRollups(pool);
    const rebuild = { p50Ms: Math.round(performance.now() - rebuildBegan) };
    const round = await time(runs, () => refreshRollups(pool!, { from: new Date(now.getTime() - 15 * 60_000), wait: true }));
    const wide = await time(runs, () => refreshRollups(pool!, { from: new Date(now.getTime() - 3 * 3_600_000), wait: true }));
    const rollupRows = await pool.query<{ table: string; n: string }>(
      `SELECT 'decision_rollups' AS table, count(*) AS n FROM decision_rollups UNION ALL SELECT 'reason_rollups', count(*) FROM reason_rollups
       UNION ALL SELECT 'approval_rollups', count(*) FROM approval_rollups UNION ALL SELECT 'outcome_rollups', count(*) FROM outcome_rollups
       UNION ALL SELECT 'review_rollups', count(*) FROM review_rollups`,
    );

    log("dashboards: timing the dashboard query functions");
    const dashboards: Timing[] = [];
    // The API routes read through the pg pool; the Prisma client works too, slower per row.
    const client = pool;
    const prisma = db;
    for (const range of ["24h", "7d", "30d", "90d"] as const) {
      dashboards.push({ name: `getDashboard ${range}`, ...(await time(runs, () => getDashboard(client, { range }, now))) });
    }
    const filtered: [string, DashboardQuery][] = [
      ["getDashboard 90d action=refund.issue", { range: "90d", action: "refund.issue" }],
      ["getDashboard 90d agent=chat-assistant", { range: "90d", agent: "chat-assistant" }],
      ["getDashboard 90d tier=high", { range: "90d", tier: "high" }],
      ["getDashboard 7d action+agent+tier", { range: "7d", action: "refund.issue", agent: "chat-assistant", tier: "high" }],
    ];
    for (const [name, query] of filtered) dashboards.push({ name, ...(await time(runs, () => getDashboard(client, query, now))) });
    const charts = { getDecisionVolume, getAutonomyShare, getApprovalChart, getDenialReasons, getMoneyMoved, getOutcomeProblems, getReviewFlow, getHumanHandoffs };
    for (const [name, fn] of Object.entries(charts)) dashboards.push({ name: `${name} 90d`, ...(await time(runs, () => fn(client, { range: "90d" }, now))) });
    for (const range of ["24h", "7d", "30d", "90d"] as const) {
      dashboards.push({ name: `getApproverStats ${range}`, ...(await time(runs, () => getApproverStats(client, { range }, now))) });
    }
    for (const range of ["7d", "90d"] as const) {
      dashboards.push({ name: `getDashboard ${range} through the Prisma client`, ...(await time(runs, () => getDashboard(prisma, { range }, now))) });
    }

    log("dashboards: timing the history's first page");
    const history: Timing[] = [];
    const plans: PlanCheck[] = [];
    for (const filter of historyFilters(now, bounds[0]!.agent, bounds[0]!.customer)) {
      const text = `${HISTORY_SELECT} WHERE ${filter.where} ORDER BY d.created_at DESC, d.id DESC LIMIT 51`;
      history.push({ name: filter.name, ...(await time(runs, () => pool!.query(text, filter.params))) });
      const { rows: explained } = await pool.query<{ "QUERY PLAN": [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${text}`, filter.params);
      const nodes = planNodes(explained[0]!["QUERY PLAN"][0].Plan);
      plans.push({ name: filter.name, usesIndex: !nodes.some((n) => n.startsWith("Seq Scan")) && nodes.some((n) => /Index/.test(n)), nodes });
    }

    // For scale: the same 90-day volume chart straight from raw decisions.
    const rawComparison: Timing[] = [
      {
        name: "raw: 90 d volume by day and decision from decisions",
        ...(await time(Math.min(runs, 3), () =>
          pool!.query(`SELECT date_trunc('day', created_at, 'UTC'), decision, count(*) FROM decisions WHERE created_at >= $1 GROUP BY 1, 2`, [new Date(now.getTime() - 90 * 86_400_000)]),
        )),
      },
      {
        name: "raw: 90 d approval latency p50/p95 from approvals",
        ...(await time(Math.min(runs, 3), () =>
          pool!.query(
            `SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) FROM approvals WHERE decided_at >= $1 AND status IN ('approved', 'rejected')`,
            [new Date(now.getTime() - 90 * 86_400_000)],
          ),
        )),
      },
    ];

    const slowestDashboard = dashboards.reduce((a, b) => (b.p50Ms > a.p50Ms ? b : a));
    const slowestHistory = history.reduce((a, b) => (b.p50Ms > a.p50Ms ? b : a));
    const unindexed = plans.filter((p) => !p.usesIndex && p.name !== "no filter");
    const targets: Target[] = [
      { name: `every dashboard query function at ${decisions.toLocaleString("en-US")} decisions (slowest: ${slowestDashboard.name})`, target: `p50 < ${DASHBOARD_TARGET_MS} ms`, value: `${slowestDashboard.p50Ms} ms`, pass: slowestDashboard.p50Ms < DASHBOARD_TARGET_MS },
      { name: `history first page under every filter (slowest: ${slowestHistory.name})`, target: `p50 < ${DASHBOARD_TARGET_MS} ms`, value: `${slowestHistory.p50Ms} ms`, pass: slowestHistory.p50Ms < DASHBOARD_TARGET_MS },
      { name: "history filters served by an index (EXPLAIN)", target: "all", value: unindexed.length ? `not: ${unindexed.map((p) => p.name).join(", ")}` : "all", pass: unindexed.length === 0 },
    ];
    return {
      decisions: rows.decisions ?? 0,
      rows,
      load,
      rollups: { rebuildMs: rebuild.p50Ms, refreshRoundMs: round.p50Ms, wideRefreshRoundMs: wide.p50Ms, rows: Object.fromEntries(rollupRows.rows.map((r) => [r.table, Number(r.n)])) },
      dashboards,
      history,
      rawComparison,
      plans,
      targets,
    };
  } finally {
    await pool?.end();
    await db?.$disconnect();
    await embedded.stop();
  }
}

/** A readable report of one run, for the console and BENCHMARKS.md. */
export function formatDashboardsBench(result: DashboardsBenchResult): string {
  const lines: string[] = [];
  const n = (v: number) => v.toLocaleString("en-US");
  lines.push(`Dashboards and history at ${n(result.decisions)} decisions (${Object.entries(result.rows).map(([t, c]) => `${t} ${n(c)}`).join(", ")})`);
  if (result.load.seconds !== null) lines.push(`load: ${result.load.seconds}s in total, ${n(result.load.decisionsPerSecond ?? 0)} decisions/s generated and written`);
  else lines.push("load: reused the database a previous run generated");
  lines.push(`rollups: full rebuild ${result.rollups.rebuildMs} ms, refresher round (last 15 min) ${result.rollups.refreshRoundMs} ms, wide round (3 h) ${result.rollups.wideRefreshRoundMs} ms; rows ${Object.entries(result.rollups.rows).map(([t, c]) => `${t} ${n(c)}`).join(", ")}`);
  const timings = (title: string, items: Timing[]) => {
    lines.push("", `| ${title} | p50 ms | min | max |`, "| --- | ---: | ---: | ---: |");
    for (const t of items) lines.push(`| ${t.name} | ${t.p50Ms} | ${t.minMs} | ${t.maxMs} |`);
  };
  timings("Dashboard query function", result.dashboards);
  timings("History first page (50 rows, newest first)", result.history.map((t) => ({ ...t, name: `${t.name}${result.plans.find((p) => p.name === t.name)?.usesIndex ? "" : " (no index)"}` })));
  timings("Without rollups (for comparison)", result.rawComparison);
  lines.push("", "Plans:");
  for (const plan of result.plans) lines.push(`- ${plan.name}: ${plan.nodes.join(" → ")}`);
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: { decisions: { type: "string", default: "1000000" }, runs: { type: "string", default: "5" }, fresh: { type: "boolean", default: false } },
  });
  const result = await runDashboardsBench({ decisions: Number(values.decisions), runs: Number(values.runs), fresh: values.fresh });
  console.log(formatDashboardsBench(result));
  for (const t of result.targets) console.log(`${t.pass ? "PASS" : "FAIL"} ${t.target}: ${t.value} — ${t.name}`);
  console.log(JSON.stringify(result));
}
