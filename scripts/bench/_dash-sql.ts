import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
const e = await startEmbeddedPostgres(".data/bench-dashboards");
const u = new URL(e.url); u.pathname = "/" + (process.argv[2] ?? "dashboards_50000");
const c = new pg.Client({ connectionString: u.toString() }); await c.connect();
for (const sql of process.argv.slice(3)) {
  const r = await c.query("EXPLAIN (ANALYZE, BUFFERS) " + sql);
  console.log(r.rows.map((x) => x["QUERY PLAN"]).join("\n"));
}
await c.end(); await e.stop();
