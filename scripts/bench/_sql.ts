import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
const { url } = await startEmbeddedPostgres(process.cwd() + "/.data/bench");
const c = new pg.Client({ connectionString: url }); await c.connect();
for (const sql of process.argv.slice(2)) { const r = await c.query(sql); console.log(r.rows.map((x) => Object.values(x).join(" | ")).join("\n")); }
await c.end();
