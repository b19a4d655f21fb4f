import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { getDashboard } from "@/lib/dashboards/get-dashboard";
const e = await startEmbeddedPostgres(".data/bench-dashboards");
const u = new URL(e.url); u.pathname = "/" + (process.argv[2] ?? "dashboards_1000000");
const pool = new pg.Pool({ connectionString: u.toString(), max: 8 }); pool.on("error", () => {});
const last = (await pool.query("SELECT max(created_at) AS last FROM decisions")).rows[0].last as Date;
const now = new Date(last.getTime() + 60000);
const from7 = new Date(Math.floor(now.getTime() / 3600000) * 3600000 - 167 * 3600000);
const from90 = new Date(Math.floor(now.getTime() / 86400000) * 86400000 - 89 * 86400000);
const qs: [string, string, Date][] = [
  ["dec7", `SELECT r.bucket AS t, r.decision::text, r.tier, sum(r.count)::int, sum(r.amount_sum)::text FROM decision_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from7],
  ["rea7", `SELECT r.decision::text, r.reason, r.intent, r.action, sum(r.count)::int FROM reason_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3,4`, from7],
  ["app7", `SELECT r.bucket AS t, r.status::text, sum(r.count)::int FROM approval_rollups r WHERE r.bucket >= $1 GROUP BY 1,2`, from7],
  ["lat7", `SELECT r.bucket AS t, u.key::int, sum(u.value::int)::int FROM approval_rollups r CROSS JOIN LATERAL jsonb_each_text(r.latency_histogram) u WHERE r.bucket >= $1 AND r.status IN ('approved','rejected') GROUP BY 1,2`, from7],
  ["out7", `SELECT r.bucket AS t, r.status::text, r.tier, sum(r.count)::int, sum(r.amount_sum)::text FROM outcome_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from7],
  ["rev7", `SELECT r.bucket AS t, r.event, r.source::text, sum(r.count)::int FROM review_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from7],
  ["dec90", `SELECT r.bucket AS t, r.decision::text, r.tier, sum(r.count)::int, sum(r.amount_sum)::text FROM decision_daily_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from90],
  ["rea90", `SELECT r.decision::text, r.reason, r.intent, r.action, sum(r.count)::int FROM reason_daily_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3,4`, from90],
  ["app90", `SELECT r.bucket AS t, r.status::text, sum(r.count)::int FROM approval_daily_rollups r WHERE r.bucket >= $1 GROUP BY 1,2`, from90],
  ["lat90", `SELECT r.bucket AS t, u.key::int, sum(u.value::int)::int FROM approval_daily_rollups r CROSS JOIN LATERAL jsonb_each_text(r.latency_histogram) u WHERE r.bucket >= $1 AND r.status IN ('approved','rejected') GROUP BY 1,2`, from90],
  ["out90", `SELECT r.bucket AS t, r.status::text, r.tier, sum(r.count)::int, sum(r.amount_sum)::text FROM outcome_daily_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from90],
  ["rev90", `SELECT r.bucket AS t, r.event, r.source::text, sum(r.count)::int FROM review_daily_rollups r WHERE r.bucket >= $1 GROUP BY 1,2,3`, from90],
];
for (let round = 0; round < 3; round++) {
  const line: string[] = [];
  for (const [name, sql, from] of qs) { const t = performance.now(); const r = await pool.query(sql, [from]); line.push(`${name} ${(performance.now() - t).toFixed(0)}ms/${r.rowCount}`); }
  console.log(line.join("  "));
}
for (const range of ["7d", "90d"] as const) for (let i = 0; i < 3; i++) {
  const t = performance.now(); const c = process.cpuUsage();
  const d = await getDashboard(pool, { range }, now);
  const cpu = process.cpuUsage(c);
  console.log(range, (performance.now() - t).toFixed(0), "ms; node cpu", ((cpu.user + cpu.system) / 1000).toFixed(0), "ms; json KB", (JSON.stringify(d).length / 1024).toFixed(0));
}
const sizes = await pool.query(`SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE '%rollups' ORDER BY relname`);
console.log(sizes.rows.map((r) => `${r.relname} ${r.n_live_tup}`).join(", "));
console.log((await pool.query("SELECT now()")).rows, "load", (await import("node:os")).loadavg());
await pool.end(); await e.stop();
