import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { getDashboard } from "@/lib/dashboards/get-dashboard";
const e = await startEmbeddedPostgres(".data/bench-dashboards");
const u = new URL(e.url); u.pathname = "/dashboards_1000000";
const pool = new pg.Pool({ connectionString: u.toString(), max: 8 }); pool.on("error", () => {});
const last = (await pool.query("SELECT max(created_at) AS last FROM decisions")).rows[0].last as Date;
const now = new Date(last.getTime() + 60000);
const range = (process.argv[2] ?? "7d") as "7d";
for (let i = 0; i < 12; i++) {
  const t = performance.now(); const c = process.cpuUsage();
  const d = await getDashboard(pool, { range }, now);
  const cpu = process.cpuUsage(c);
  if (i > 8) console.log(range, (performance.now() - t).toFixed(0), "ms; node cpu", ((cpu.user + cpu.system) / 1000).toFixed(0), "ms; json KB", (JSON.stringify(d).length / 1024).toFixed(0));
}
await pool.end(); await e.stop();
