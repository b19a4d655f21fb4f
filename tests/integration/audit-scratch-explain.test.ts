import { afterAll, beforeAll, expect, it } from "vitest";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => t.drop());

it("scale", async () => {
  const n = Number(process.env.SCRATCH_N ?? 1_000_000);
  let s = performance.now();
  await t.query(`
    INSERT INTO audit_entries (txid, occurred_at, actor_type, actor_label, action, subject_type, data, hash)
    SELECT (i / 5) + 1 + (i % 7), ts, 'agent', 'bot', 'decision.allow', 'decision', jsonb_build_object('i', i),
      encode(sha256(convert_to('{"action":"decision.allow","actorId":null,"actorLabel":"bot","actorType":"agent","data":{"i":' || i || '},"occurredAt":"' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","subjectId":null,"subjectType":"decision"}', 'UTF8')), 'hex')
    FROM generate_series(1, ${n}) i, LATERAL (SELECT date_trunc('milliseconds', now()) AS ts) x`);
  await t.query("ANALYZE audit_entries");
  console.log("insert", (performance.now() - s) / 1000);
  s = performance.now();
  let seals = 0;
  for (;;) { const r = await sealAuditLog(t.db); if (!r.sealed) break; seals++; }
  console.log("seal", seals, (performance.now() - s) / 1000);
  for (const q of [
    "EXPLAIN SELECT id FROM audit_entries WHERE txid >= 100000 AND txid < 101000 ORDER BY id LIMIT 5000",
    "EXPLAIN SELECT id FROM audit_entries WHERE txid >= 100000 AND txid < 101000 AND id > 500000 ORDER BY id LIMIT 5000",
    "EXPLAIN SELECT id FROM audit_entries WHERE txid >= 190000 ORDER BY id LIMIT 5000",
  ]) console.log((await t.query(q)).map((r) => r["QUERY PLAN"]).join("\n"));
  s = performance.now();
  const v = await verifyAuditChain(t.db);
  console.log("verify", v.ok, v.entriesChecked, v.sealsChecked, (performance.now() - s) / 1000);
  expect(v.ok).toBe(true);
}, 600_000);
