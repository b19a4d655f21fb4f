import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../lib/audit/actor";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import { seedDemo } from "../../lib/demo/seed-demo";
import { isAppError } from "../../lib/errors";
import { HISTORY_PEOPLE, seedHistory, type HistorySummary } from "../../lib/history/seed-history";
import { createTestDatabase, type TestDatabase } from "./database";

// `mandate seed history` writes what the live code paths would have written: rows that satisfy every
// constraint, statuses that agree across tables, and audit entries the audit verifier accepts.

let t: TestDatabase;
let pool: pg.Pool;
let summary: HistorySummary;
const END = new Date(Date.now() - 60_000);
// What the history itself audits (the demo's setup entries happen now, after it).
const HISTORY_ACTIONS = ["decision.%", "approval.%", "outcome.%", "review.%"];

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
  await seedDemo(t.db, SYSTEM_ACTOR);
  summary = await seedHistory(pool, SYSTEM_ACTOR, { decisions: 8_000, days: 30, end: END, batchSize: 1_500 });
}, 240_000);

afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("seed history", () => {
  it("writes exactly what it reports", async () => {
    const [row] = await t.query<{ decisions: number; approvals: number; outcomes: number; reviews: number; audits: number }>(
      `SELECT (SELECT count(*) FROM decisions)::int AS decisions, (SELECT count(*) FROM approvals)::int AS approvals, (SELECT count(*) FROM outcomes)::int AS outcomes,
              (SELECT count(*) FROM review_cases)::int AS reviews, (SELECT count(*) FROM audit_entries WHERE action LIKE ANY ($1::text[]))::int AS audits`,
      [HISTORY_ACTIONS],
    );
    expect(row).toEqual({
      decisions: 8_000,
      approvals: Object.values(summary.approvals).reduce((a, b) => a + b, 0),
      outcomes: Object.values(summary.outcomes).reduce((a, b) => a + b, 0),
      reviews: summary.reviewCases,
      audits: summary.auditEntries,
    });
    expect(summary.from).toBe(new Date(END.getTime() - 30 * 86_400_000).toISOString());
  });

  it("keeps every decision's status in agreement with its approval and outcomes", async () => {
    const mismatches = await t.query(
      `SELECT d.id, d.status, a.status AS approval, array_agg(o.status ORDER BY o.created_at) AS outcomes
         FROM decisions d LEFT JOIN approvals a ON a.decision_id = d.id LEFT JOIN outcomes o ON o.decision_id = d.id
        GROUP BY d.id, d.status, a.status, d.decision
       HAVING NOT CASE
         WHEN bool_or(o.status = 'reverted') THEN d.status = 'reverted'
         WHEN bool_or(o.status = 'failed') THEN d.status = 'failed'
         WHEN bool_or(o.status = 'executed') THEN d.status = 'executed'
         WHEN d.decision = 'hold' THEN d.status::text = CASE a.status WHEN 'pending' THEN 'pending_approval' ELSE a.status::text END
         ELSE d.status::text = CASE d.decision WHEN 'allow' THEN 'allowed' WHEN 'deny' THEN 'denied' WHEN 'step_up' THEN 'needs_step_up' ELSE 'escalated' END
       END
        LIMIT 5`,
    );
    expect(mismatches).toEqual([]);
    const [limits] = await t.query<{ wrong: number }>(
      `SELECT count(*)::int AS wrong FROM decisions d LEFT JOIN approvals a ON a.decision_id = d.id
        WHERE d.counts_to_limits <> (d.decision = 'allow' OR a.status = 'approved')`,
    );
    expect(limits!.wrong).toBe(0);
  });

  it("writes audit entries the verifier accepts, in time order, one decision.create per decision", async () => {
    for (let i = 0; i < 100; i++) if ((await sealAuditLog(t.db)).caughtUp) break;
    const verification = await verifyAuditChain(t.db);
    expect(verification.failure).toBeNull();
    expect(verification.ok).toBe(true);
    const [order] = await t.query<{ backwards: number; creates: number }>(
      `SELECT (SELECT count(*) FROM (SELECT occurred_at < lag(occurred_at) OVER (ORDER BY id) AS back FROM audit_entries WHERE action LIKE ANY ($1::text[])) x WHERE back)::int AS backwards,
              (SELECT count(*) FROM audit_entries WHERE action = 'decision.create')::int AS creates`,
      [HISTORY_ACTIONS],
    );
    expect(order).toEqual({ backwards: 0, creates: 8_000 });
  });

  it("creates the synthetic approvers without a password, and the history's agents", async () => {
    const people = await t.query<{ email: string; password_hash: string | null }>(`SELECT email, password_hash FROM users WHERE email = ANY($1::text[])`, [HISTORY_PEOPLE.map((p) => p.email)]);
    expect(people).toHaveLength(HISTORY_PEOPLE.length);
    expect(people.every((p) => p.password_hash === null)).toBe(true);
    expect(summary.agents).toEqual(["chat-assistant", "email-assistant", "returns-bot", "billing-bot"]);
  });

  it("adds to an existing history rather than replacing it", async () => {
    const more = await seedHistory(pool, SYSTEM_ACTOR, { decisions: 500, days: 2, seed: 9, end: new Date() });
    expect(more.decisions).toBe(500);
    expect((await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions`))[0]!.n).toBe(8_500);
  });

  it("refuses to run without a published policy", async () => {
    const empty = await createTestDatabase();
    const emptyPool = new pg.Pool({ connectionString: empty.url, max: 2 });
    try {
      const error = await seedHistory(emptyPool, SYSTEM_ACTOR, { decisions: 10 }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code === "conflict").toBe(true);
    } finally {
      await emptyPool.end();
      await empty.drop();
    }
  });
});

describe("mandate seed history", () => {
  let dataDir: string;
  const mandate = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["bin/mandate.js", ...args], { env: { ...process.env, DATABASE_URL: t.url, MANDATE_DATA_DIR: dataDir, NODE_ENV: "test" }, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "mandate-history-cli-"));
  });

  it("refuses bad sizes with a validation message and a non-zero exit", async () => {
    const run = await mandate(["seed", "history", "--days", "0", "--decisions", "lots"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("days: At least 1 day");
    expect(run.stderr).toContain("decisions: Give --decisions as a whole number");
  });

  it("generates a history, showing progress and a summary", async () => {
    const run = await mandate(["seed", "history", "--days", "3", "--decisions", "600", "--seed", "5", "--agents", "2"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("generating history 100% (600 of 600)");
    expect(run.stdout).toMatch(/Generated 600 decisions from .* \(seed 5\)/);
    expect(run.stdout).toContain("rubber-stampers for the watch to flag: committee3@northwind.example, supervisor3@northwind.example");
  });
});
