import fs from "node:fs";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { createPool } from "@/lib/db/pool";
const db = await startEmbeddedPostgres(process.cwd() + "/.data/bench-exp");
const pool = createPool(db.url, 20);

const { rows: decs } = await pool.query("SELECT row_to_json(d) AS r FROM decisions d LIMIT 2000");
const { rows: auds } = await pool.query("SELECT row_to_json(a) AS r FROM audit_entries a WHERE action = 'decision.create' LIMIT 2000");
const batch = Number(process.env.BATCH ?? 1); const conc = Number(process.env.CONC ?? 20); const seconds = 8;
let i = 0, rowsDone = 0, stop = false;
function nextRows(n: number) { const d = [], a = []; for (let k = 0; k < n; k++) { const idx = i++ % decs.length; const id = "dec_" + randomBytes(12).toString("base64url"); d.push({ ...decs[idx].r, id }); const { id: _x, txid: _t, ...rest } = auds[idx % auds.length].r; a.push({ ...rest, subject_id: id }); } return { d, a }; }
const SQL = `WITH d AS (INSERT INTO decisions SELECT * FROM json_populate_recordset(null::decisions, $1::json)), a AS (INSERT INTO audit_entries (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, hash) SELECT occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, hash FROM json_populate_recordset(null::audit_entries, $2::json)) SELECT 1`;
const cpu = () => { const own = process.cpuUsage(); return (own.user + own.system) / 1e6; };
const pgTicks = () => { let t = 0; for (const p of fs.readdirSync("/proc").filter((x: string) => /^\d+$/.test(x))) { try { const s = fs.readFileSync(`/proc/${p}/stat`, "utf8"); const c = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")); if (!c.startsWith("postgres")) continue; const f = s.slice(s.lastIndexOf(")") + 2).split(" "); t += Number(f[11]) + Number(f[12]); } catch {} } return t / 100; };
const c0 = cpu(), p0 = pgTicks(), t0 = performance.now();
setTimeout(() => (stop = true), seconds * 1000);
await Promise.all(Array.from({ length: conc }, async () => { while (!stop) { const { d, a } = nextRows(batch); await pool.query(SQL, [JSON.stringify(d), JSON.stringify(a)]); rowsDone += batch; } }));
const secs = (performance.now() - t0) / 1000; const rate = rowsDone / secs;
console.log(`batch ${batch} conc ${conc}: ${Math.round(rate)} rows/s, node µs/row ${Math.round((cpu() - c0) / rowsDone * 1e6)}, pg µs/row ${Math.round((pgTicks() - p0) / rowsDone * 1e6)}`);
await pool.end(); await db.stop();
