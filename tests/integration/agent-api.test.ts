import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAuditRow, prefixAuditRow } from "../../lib/audit/record-audit";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import { writerFor } from "../../lib/decisions/create-decision";
import { createPool } from "../../lib/db/pool";
import { DecisionWriter, type DecisionRow } from "../../lib/decisions/decision-writer";
import { pause } from "../../lib/stop-switches/pause";
import { resume } from "../../lib/stop-switches/resume";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let key: string;
let call: ReturnType<typeof client>;

const refund = (amount: string, customer = "cus_1", extra: Record<string, unknown> = {}) => ({
  action: "refund.issue",
  intent: "shipping_error",
  customer: { id: customer, verified: true },
  params: { amount, currency: "USD", order_id: "ord_1" },
  data_sources: ["orders", "payments"],
  context: { conversation_id: "conv_1", channel: "chat", confidence: 0.9 },
  ...extra,
});

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  key = await newAgentKey(t, "support-bot");
  api = await startApiServer(t);
  call = client(api.url, key);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});



describe("POST /api/v1/decisions", () => {
  it("allows a small refund, commits the decision with its audit entry, and says why", async () => {
    const res = await call("POST", "/api/v1/decisions", refund("42.50"));
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/decisions/${res.body.id}`);
    expect(res.body).toMatchObject({ decision: "allow", status: "allowed", tier: "low", owner: "finance-ops", authority: "execute", policy_version: 1, approval: null });
    expect(res.body.reasons[0]).toMatchObject({ code: "allowed", rule: "actions.refund.issue.risk[0]" });
    expect(res.body.action_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [row] = await t.query<{ amount: string; counts_to_limits: boolean }>(`SELECT amount::text, counts_to_limits FROM decisions WHERE id = $1`, [res.body.id]);
    expect(row).toEqual({ amount: "42.50000000", counts_to_limits: true });
    const audit = await t.query(`SELECT 1 FROM audit_entries WHERE action = 'decision.create' AND subject_id = $1`, [res.body.id]);
    expect(audit).toHaveLength(1);
  });

  it("holds an oversized refund for a supervisor, with an approval that expires", async () => {
    const res = await call("POST", "/api/v1/decisions", refund("300", "cus_hold"));
    expect(res.body).toMatchObject({ decision: "hold", status: "pending_approval", tier: "high", approval: { required: 1, roles: ["supervisor"] } });
    expect(res.body.reasons[0]).toMatchObject({ code: "tier_requires_approval", message: "Tier high requires 1 approval by supervisor" });
    const expires = new Date(res.body.approval.expires_at).getTime() - new Date(res.body.created_at).getTime();
    expect(expires).toBe(4 * 3600 * 1000);
    const approvals = await t.query(`SELECT status FROM approvals WHERE decision_id = $1`, [res.body.id]);
    expect(approvals).toEqual([{ status: "pending" }]);
  });

  it("denies a forbidden action with legal's reason and an unknown action by default", async () => {
    const forbidden = await call("POST", "/api/v1/decisions", { action: "contract.negotiate", customer: { id: "cus_1" } });
    expect(forbidden.body).toMatchObject({ decision: "deny", reasons: [{ code: "forbidden", rule: "forbidden[0]" }] });
    expect(forbidden.body.reasons[0].message).toContain("Contract terms are negotiated by Legal only.");
    const unknown = await call("POST", "/api/v1/decisions", { action: "teleport.parcel" });
    expect(unknown.body).toMatchObject({ decision: "deny", reasons: [{ code: "unknown_action" }] });
  });

  it("escalates a legal dispute and steps up an unverified account recovery", async () => {
    const legal = await call("POST", "/api/v1/decisions", { action: "refund.issue", intent: "legal_dispute", customer: { id: "c" }, params: { amount: 5 } });
    expect(legal.body).toMatchObject({ decision: "escalate", status: "escalated", reasons: [{ code: "intent_requires_human" }] });
    const recover = await call("POST", "/api/v1/decisions", { action: "account.recover", intent: "account_access", customer: { id: "c", verified: false } });
    expect(recover.body).toMatchObject({ decision: "step_up", status: "needs_step_up", tier: "critical" });
  });

  it("replays the same Idempotency-Key and body, refuses another body, and creates nothing new", async () => {
    const headers = { "idempotency-key": "order-77-refund" };
    const first = await call("POST", "/api/v1/decisions", refund("10", "cus_idem"), headers);
    const again = await call("POST", "/api/v1/decisions", refund("10", "cus_idem"), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await call("POST", "/api/v1/decisions", refund("11", "cus_idem"), headers);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await t.query(`SELECT 1 FROM decisions WHERE customer_id = 'cus_idem'`)).toHaveLength(1);
  });

  it("answers 409 while a request with the same key is still in progress", async () => {
    const [agent] = await t.query<{ id: string }>(`SELECT id FROM agents WHERE name = 'support-bot'`);
    const holder = await api.pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`idem:${agent!.id}:busy-key`]);
      const res = await call("POST", "/api/v1/decisions", refund("10", "cus_busy"), { "idempotency-key": "busy-key" });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("idempotency_in_progress");
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
    const after = await call("POST", "/api/v1/decisions", refund("10", "cus_busy"), { "idempotency-key": "busy-key" });
    expect(after.status).toBe(201);
  });
});

describe("request ids", () => {
  it("echoes the agent's X-Request-ID on every answer, makes one when there is none, and names it in a problem", async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${api.url}/api/v1/decisions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const echoed = await post({ "x-request-id": "agent-trace-41" }, refund("3.00"));
    expect(echoed.status).toBe(201);
    expect(echoed.headers.get("x-request-id")).toBe("agent-trace-41");
    const made = await post({}, refund("3.00"));
    expect(made.headers.get("x-request-id")).toMatch(/^req_[A-Za-z0-9_-]+$/);
    const refused = await post({ "x-request-id": "agent-trace-42" }, { action: "refund.issue", params: { amount: "ten" } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("x-request-id")).toBe("agent-trace-42");
    expect(await refused.json()).toMatchObject({ code: "validation_failed", request_id: "agent-trace-42" });
    const unauthenticated = await fetch(`${api.url}/api/v1/decisions/dec_nope`);
    expect(((await unauthenticated.json()) as { request_id: string }).request_id).toBe(unauthenticated.headers.get("x-request-id"));
  });
});

describe("limits under concurrency", () => {
  it("lets exactly one of 20 concurrent refunds through a customer limit of 2 with one used; the rest are held", async () => {
    const first = await call("POST", "/api/v1/decisions", refund("5", "cus_race"));
    expect(first.body.decision).toBe("allow");
    const results = await Promise.all(Array.from({ length: 20 }, () => call("POST", "/api/v1/decisions", refund("5", "cus_race"))));
    const decisions = results.map((r) => r.body.decision);
    expect(decisions.filter((d) => d === "allow")).toHaveLength(1);
    expect(decisions.filter((d) => d === "hold")).toHaveLength(19);
    // They were counted and decided inside the writer's transactions, under the scope's lock.
    expect(writerFor(api.pool).stats.limited).toBeGreaterThanOrEqual(21);
    const held = results.find((r) => r.body.decision === "hold")!;
    expect(held.body.reasons[0]).toMatchObject({ code: "limit_exceeded" });
    const [count] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE customer_id = 'cus_race' AND counts_to_limits`);
    expect(count!.n).toBe(2);
    const cases = await t.query(`SELECT 1 FROM review_cases WHERE source = 'limit_breach' AND decision_id IN (SELECT id FROM decisions WHERE customer_id = 'cus_race')`);
    expect(cases).toHaveLength(19);
  });

  it("denies past an agent's hourly amount limit (on_exceed: deny)", async () => {
    const agentKey = await newAgentKey(t, "amount-bot");
    const agentCall = client(api.url, agentKey);
    const results = [];
    for (const [i, amount] of ["450", "450", "450", "450"].entries()) {
      results.push((await agentCall("POST", "/api/v1/decisions", refund(amount, `cus_amt_${i}`))).body);
    }
    expect(results.every((r) => r.decision === "hold")).toBe(true);
    // Held refunds are not counted until approved: the agent's usage is still 0.
    await t.query(`UPDATE decisions SET counts_to_limits = true, status = 'approved' WHERE id = ANY($1)`, [results.map((r) => r.id)]);
    const within = await agentCall("POST", "/api/v1/decisions", refund("40", "cus_amt_8"));
    expect(within.body.decision).toBe("allow"); // 1,800 + 40 ≤ 2,000
    const over = await agentCall("POST", "/api/v1/decisions", refund("200", "cus_amt_9"));
    expect(over.body).toMatchObject({ decision: "deny", reasons: [{ code: "limit_exceeded" }] });
  });
});

describe("limits through the group-commit writer", () => {
  const LIMIT = { id: "refund.issue#limits[0]", action: "refund.issue", scope: "customer" as const, window: "30d", windowMs: 30 * 86_400_000, maxCount: 2, maxAmount: null, onExceed: "hold" as const, label: "customer limit: 2 per 30d" };

  // A row for a limited refund that allows while fewer than two are counted, the way the engine would.
  async function limitedWrite(customer: string, tag: string) {
    const [agent] = await t.query<{ id: string }>(`SELECT id::text FROM agents WHERE name = 'support-bot'`);
    let counted = -1;
    return {
      seen: () => counted,
      write: {
        agentId: agent!.id,
        limits: [{ ...LIMIT, customerId: customer }],
        decide: (usage: Record<string, { count: number }>): DecisionRow => {
          counted = usage[LIMIT.id]!.count;
          const allow = counted < 2;
          const at = new Date();
          const id = `dec_lim_${tag}`;
          const audit = buildAuditRow({ type: "agent", id: agent!.id, label: "support-bot" }, { action: "decision.create", subjectType: "decision", subjectId: id, data: {} }, at);
          return {
            id, agent_id: agent!.id, policy_version: 1, action: "refund.issue", intent: null, customer_id: customer, amount: "5", currency: "USD",
            channel: null, confidence: null, conversation_id: null, request: refund("5", customer), decision: allow ? "allow" : "hold", status: allow ? "allowed" : "pending_approval",
            authority: "execute", tier: "low", owner: "finance-ops", reasons: [], reason_codes: [allow ? "allowed" : "limit_exceeded"], action_digest: "sha256:x",
            review_sampled: false, counts_to_limits: allow, created_at: at.toISOString(), ...prefixAuditRow("audit_", audit),
            approvals_required: allow ? 0 : 1, approval_roles: allow ? [] : ["supervisor"],
            approval_expires_at: allow ? null : new Date(at.getTime() + 3_600_000).toISOString(), review_id: null, review_source: null, review_reason: "",
            idempotency_key: null, request_hash: null, response: null, idempotency_expires_at: at.toISOString(),
          };
        },
      },
    };
  }

  it("stores a limited request's text exactly as sent, whatever quotes or dollar signs it holds", async () => {
    const note = "o'brien \\ \"quoted\" $m$ $m0$ $$ '); DELETE FROM decisions; --";
    const res = await call("POST", "/api/v1/decisions", refund("1", "cus_quotes", { params: { amount: "1", currency: "USD", order_id: "ord_q", note } }));
    expect(res.status).toBe(201);
    expect(res.body.decision).toBe("allow");
    const [stored] = await t.query<{ note: string }>(`SELECT request->'params'->>'note' AS note FROM decisions WHERE id = $1`, [res.body.id]);
    expect(stored!.note).toBe(note);
  });

  it("counts the earlier rows of its own batch: of five queued for one customer, exactly two are allowed", async () => {
    const writer = new DecisionWriter(api.pool, { maxInFlight: 1 });
    // The first limited write occupies the limited lane; the five after it queue and go as one batch.
    const [firstWrite, ...queued] = await Promise.all([limitedWrite("cus_batch_other", "batch_first"), ...Array.from({ length: 5 }, (_, i) => limitedWrite("cus_batch", `batch_${i}`))]);
    const rows = await Promise.all([firstWrite!, ...queued].map((q) => writer.writeLimited(q.write)));
    expect(writer.stats.largest).toBe(5);
    expect(writer.stats.limited).toBe(6);
    expect(queued.map((q) => q.seen())).toEqual([0, 1, 2, 2, 2]);
    expect(rows.slice(1).map((row) => row.decision)).toEqual(["allow", "allow", "hold", "hold", "hold"]);
    const [count] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE customer_id = 'cus_batch' AND counts_to_limits`);
    expect(count!.n).toBe(2);
    const approvals = await t.query(`SELECT 1 FROM approvals WHERE decision_id LIKE 'dec_lim_batch_%'`);
    expect(approvals).toHaveLength(3);
  });

  it("uses statements another copy of the code already prepared on the connection (the console's bundle shares the pool)", async () => {
    const pool = createPool(t.url, 1);
    try {
      const conn = await pool.connect();
      await conn.query(`PREPARE mandate_sql_lock_scopes (text[]) AS SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1) AS k ORDER BY k`);
      conn.release();
      const row = await new DecisionWriter(pool).writeLimited((await limitedWrite("cus_prepared", "prepared_elsewhere")).write);
      expect(row.decision).toBe("allow");
    } finally {
      await pool.end();
    }
  });

  it("the agent API's connections plan each prepared statement once; the console's keep PostgreSQL's default", async () => {
    const agentPool = createPool(t.url, 1, { genericPlans: true });
    const generalPool = createPool(t.url, 1);
    try {
      const [agent] = (await agentPool.query<{ plan_cache_mode: string }>("SHOW plan_cache_mode")).rows;
      const [general] = (await generalPool.query<{ plan_cache_mode: string }>("SHOW plan_cache_mode")).rows;
      expect(agent!.plan_cache_mode).toBe("force_generic_plan");
      expect(general!.plan_cache_mode).toBe("auto");
      // The writer's statements still run (and count limits) under generic plans.
      const row = await new DecisionWriter(agentPool).writeLimited((await limitedWrite("cus_generic", "generic_plans")).write);
      expect(row.decision).toBe("allow");
    } finally {
      await Promise.all([agentPool.end(), generalPool.end()]);
    }
  });

  it("a connection dropped while checked out fails its next statement, not the process, and the pool goes on", async () => {
    const pool = createPool(t.url, 1);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const conn = await pool.connect();
      const [{ pid }] = (await conn.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [{ pid: number }];
      await t.query("SELECT pg_terminate_backend($1)", [pid]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(conn.query("SELECT 1")).rejects.toThrow();
      conn.release();
      expect(uncaught).toEqual([]);
      expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await pool.end();
    }
  });

  // A plain (unlimited) row of `agentId`, as the writer takes it.
  function plainRow(id: string, agentId: string): DecisionRow {
    const at = new Date();
    const audit = buildAuditRow({ type: "agent", id: agentId, label: "support-bot" }, { action: "decision.create", subjectType: "decision", subjectId: id, data: {} }, at);
    return {
      id, agent_id: agentId, policy_version: 1, action: "contract.negotiate", intent: null, customer_id: "cus_carry", amount: null, currency: null,
      channel: null, confidence: null, conversation_id: null, request: { action: "contract.negotiate" }, decision: "deny", status: "denied", authority: null,
      tier: null, owner: null, reasons: [], reason_codes: ["forbidden"], action_digest: "sha256:x", review_sampled: false, counts_to_limits: false,
      created_at: at.toISOString(), ...prefixAuditRow("audit_", audit),
      approvals_required: 0, approval_roles: [], approval_expires_at: null, review_id: null, review_source: null, review_reason: "", idempotency_key: null,
      request_hash: null, response: null, idempotency_expires_at: at.toISOString(),
    };
  }

  // Holds the plain lane: its write in flight waits on a row lock until release() (the foreign-key
  // check of a row of `blocked` cannot take its share lock while another transaction holds the agent FOR UPDATE).
  async function holdPlainLane(writer: DecisionWriter, tag: string) {
    await newAgentKey(t, `blocked-${tag}`);
    const [blocked] = await t.query<{ id: string }>(`SELECT id::text FROM agents WHERE name = $1`, [`blocked-${tag}`]);
    const holder = createPool(t.url, 1);
    const conn = await holder.connect();
    await conn.query("BEGIN");
    await conn.query("SELECT 1 FROM agents WHERE id = $1 FOR UPDATE", [blocked!.id]);
    let settled = false;
    const inFlight = writer.write(plainRow(`dec_carry_${tag}_blocked`, blocked!.id)).finally(() => (settled = true));
    for (let i = 0; i < 100; i++) {
      const waiting = await t.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%jsonb_to_recordset%'`);
      if (waiting.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
      settled: () => settled,
      async release() {
        await conn.query("COMMIT");
        conn.release();
        await holder.end();
        await inFlight;
      },
    };
  }

  it("a limited commit carries the plain rows waiting behind the plain write in flight, which commit with it", async () => {
    const writer = new DecisionWriter(api.pool, { maxInFlight: 1 });
    const [agent] = await t.query<{ id: string }>(`SELECT id::text FROM agents WHERE name = 'support-bot'`);
    const lane = await holdPlainLane(writer, "ok");
    try {
      const queued = [writer.write(plainRow("dec_carry_a", agent!.id)), writer.write(plainRow("dec_carry_b", agent!.id))];
      const limited = await writer.writeLimited((await limitedWrite("cus_carry", "carry")).write);
      expect(limited.decision).toBe("allow");
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error("the queued rows waited for the plain write in flight")), 5_000));
      await Promise.race([Promise.all(queued), late]);
      expect(lane.settled()).toBe(false);
    } finally {
      await lane.release();
    }
    const written = await t.query<{ id: string }>(`SELECT id FROM decisions WHERE id IN ('dec_carry_a', 'dec_carry_b', 'dec_lim_carry', 'dec_carry_ok_blocked') ORDER BY id`);
    expect(written.map((row) => row.id)).toEqual(["dec_carry_a", "dec_carry_b", "dec_carry_ok_blocked", "dec_lim_carry"]);
    const audits = await t.query(`SELECT 1 FROM audit_entries WHERE subject_id IN ('dec_carry_a', 'dec_carry_b')`);
    expect(audits).toHaveLength(2);
    expect(writer.stats).toMatchObject({ statements: 2, limited: 1, carried: 2, rows: 4 });
  });

  it("a bad plain row a limited commit carried fails only itself: the limited row and the other plain row are written", async () => {
    const writer = new DecisionWriter(api.pool, { maxInFlight: 1 });
    const [agent] = await t.query<{ id: string }>(`SELECT id::text FROM agents WHERE name = 'support-bot'`);
    const lane = await holdPlainLane(writer, "bad");
    let queued: Promise<string>[] = [];
    try {
      queued = [writer.write(plainRow("dec_carry_good", agent!.id)), writer.write(plainRow("dec_carry_orphan", "00000000-0000-4000-8000-000000000000"))].map((write) =>
        write.then(() => "written", (error: Error) => error.message),
      );
      const limited = await writer.writeLimited((await limitedWrite("cus_carry_bad", "carry_bad")).write);
      expect(limited.decision).toBe("allow");
      expect(writer.stats.carried).toBe(0);
    } finally {
      await lane.release();
    }
    const results = await Promise.all(queued);
    expect(results[0]).toBe("written");
    expect(results[1]).toMatch(/foreign key/);
    const written = await t.query<{ id: string }>(`SELECT id FROM decisions WHERE id IN ('dec_carry_good', 'dec_carry_orphan', 'dec_lim_carry_bad') ORDER BY id`);
    expect(written.map((row) => row.id)).toEqual(["dec_carry_good", "dec_lim_carry_bad"]);
  });

  it("two processes' writers racing on one customer's limit, one of two used, let exactly one through (advisory locks across connections)", async () => {
    const otherPool = createPool(t.url, 5); // a second process's pool (and a third's connection)
    try {
      const writers = [new DecisionWriter(api.pool), new DecisionWriter(otherPool)];
      // Warm both: connected, statements prepared, so their first batches below really overlap.
      await Promise.all(writers.map(async (writer, i) => writer.writeLimited((await limitedWrite(`cus_warm_${i}`, `procs_warm_${i}`)).write)));
      const used = await writers[0]!.writeLimited((await limitedWrite("cus_two_procs", "procs_used")).write);
      expect(used.decision).toBe("allow");
      const writes = await Promise.all(Array.from({ length: 16 }, (_, i) => limitedWrite("cus_two_procs", `procs_${i}`)));
      // Hold the customer's scope lock as a third process would: no batch may count or write meanwhile.
      const holder = await otherPool.connect();
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('limit:refund.issue:customer:cus_two_procs', 0))`);
      let settled = 0;
      const pending = writes.map((w, i) => writers[i % 2]!.writeLimited(w.write).finally(() => (settled += 1)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(0);
      await holder.query("COMMIT");
      holder.release();
      const rows = await Promise.all(pending);
      expect(rows.filter((row) => row.decision === "allow")).toHaveLength(1);
      const [count] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE customer_id = 'cus_two_procs' AND counts_to_limits`);
      expect(count!.n).toBe(2);
    } finally {
      await otherPool.end();
    }
  });
});

describe("group commit", () => {
  it("writes 300 concurrent decisions in fewer commits, each with its own row, audit entry, approval and review case", async () => {
    const writer = writerFor(api.pool);
    const before = { ...writer.stats };
    const bodies = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? refund("300", `cus_gc_${i}`)
        : i % 3 === 1
          ? { action: "contract.negotiate", customer: { id: `cus_gc_${i}` } }
          : { action: "account.recover", intent: "account_access", customer: { id: `cus_gc_${i}`, verified: false } },
    );
    const responses = await Promise.all(bodies.map((body) => call("POST", "/api/v1/decisions", body)));
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 201));
    const ids = responses.map((r) => r.body.id as string);
    const rows = await t.query<{ id: string; decision: string; audits: number; approvals: number }>(
      `SELECT d.id, d.decision::text,
              (SELECT count(*) FROM audit_entries a WHERE a.subject_id = d.id AND a.action = 'decision.create')::int AS audits,
              (SELECT count(*) FROM approvals p WHERE p.decision_id = d.id)::int AS approvals
         FROM decisions d WHERE d.id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(300);
    const byId = new Map(rows.map((row) => [row.id, row]));
    responses.forEach((r) => {
      expect(byId.get(r.body.id)).toMatchObject({ decision: r.body.decision, audits: 1, approvals: r.body.decision === "hold" ? 1 : 0 });
    });
    expect(responses.map((r) => r.body.decision).sort()).toEqual([...Array(100).fill("deny"), ...Array(100).fill("hold"), ...Array(100).fill("step_up")]);
    const statements = writer.stats.statements - before.statements;
    expect(writer.stats.rows - before.rows).toBe(300);
    expect(statements).toBeLessThan(300);
    expect(writer.stats.largest).toBeGreaterThan(1);
  });

  it("a row that cannot be written fails alone: its neighbours in the same commit are written", async () => {
    const writer = new DecisionWriter(api.pool, { maxInFlight: 1 });
    const good = (await call("POST", "/api/v1/decisions", refund("10", "cus_gc_template"))).body;
    const [template] = await t.query<{ request: unknown }>(`SELECT request FROM decisions WHERE id = $1`, [good.id]);
    const row = (id: string, agentId: string): DecisionRow => {
      const at = new Date();
      const audit = buildAuditRow({ type: "agent", id: agentId, label: "support-bot" }, { action: "decision.create", subjectType: "decision", subjectId: id, data: {} }, at);
      return {
      id, agent_id: agentId, policy_version: 1, action: "refund.issue", intent: "shipping_error", customer_id: "cus_gc_x", amount: "10", currency: "USD",
      channel: null, confidence: null, conversation_id: null, request: template!.request, decision: "allow", status: "allowed", authority: "execute",
      tier: "low", owner: "finance-ops", reasons: [], reason_codes: ["allowed"], action_digest: "sha256:x", review_sampled: false, counts_to_limits: false,
      created_at: at.toISOString(), ...prefixAuditRow("audit_", audit),
      approvals_required: 0, approval_roles: [], approval_expires_at: null, review_id: null, review_source: null, review_reason: "", idempotency_key: null,
      request_hash: null, response: {}, idempotency_expires_at: at.toISOString(),
      };
    };
    const [agent] = await t.query<{ agent_id: string }>(`SELECT agent_id::text FROM decisions WHERE id = $1`, [good.id]);
    // The first write goes alone; the next three queue behind it and share one statement.
    const writes = [row("dec_gc_first", agent!.agent_id), row("dec_gc_a", agent!.agent_id), row("dec_gc_orphan", "00000000-0000-4000-8000-000000000000"), row("dec_gc_b", agent!.agent_id)].map((r) =>
      writer.write(r).then(() => "written", (error: Error) => error.message),
    );
    const results = await Promise.all(writes);
    expect(results[0]).toBe("written");
    expect(results[1]).toBe("written");
    expect(results[2]).toMatch(/foreign key/);
    expect(results[3]).toBe("written");
    expect(writer.stats.largest).toBe(3);
    const written = await t.query<{ id: string }>(`SELECT id FROM decisions WHERE id LIKE 'dec_gc_%' ORDER BY id`);
    expect(written.map((w) => w.id)).toEqual(["dec_gc_a", "dec_gc_b", "dec_gc_first"]);
  });
});

describe("GET /api/v1/decisions/{id}", () => {
  it("shows an agent its own decision and hides other agents'", async () => {
    const created = await call("POST", "/api/v1/decisions", refund("3", "cus_get"));
    const got = await call("GET", `/api/v1/decisions/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: created.body.id, decision: "allow", status: "allowed" });
    const stranger = client(api.url, await newAgentKey(t, "stranger-bot"));
    const hidden = await stranger("GET", `/api/v1/decisions/${created.body.id}`);
    expect(hidden.status).toBe(404);
    expect((await call("GET", "/api/v1/decisions/dec_nope")).status).toBe(404);
  });
});

describe("POST /api/v1/decisions/{id}/outcome", () => {
  it("accepts executed once with the right digest, replays it, refuses a different one, then accepts reverted", async () => {
    const created = (await call("POST", "/api/v1/decisions", refund("7", "cus_out"))).body;
    const wrong = await call("POST", `/api/v1/decisions/${created.id}/outcome`, { status: "executed", action_digest: `sha256:${"0".repeat(64)}` });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe("action_mismatch");
    expect(await t.query(`SELECT 1 FROM review_cases WHERE decision_id = $1 AND source = 'action_mismatch'`, [created.id])).toHaveLength(1);

    const body = { status: "executed", action_digest: created.action_digest, external_ref: "re_1", detail: { refunded: "7.00" } };
    const done = await call("POST", `/api/v1/decisions/${created.id}/outcome`, body);
    expect(done.status).toBe(201);
    expect(done.body.status).toBe("executed");
    expect((await call("POST", `/api/v1/decisions/${created.id}/outcome`, body)).status).toBe(200);
    const changed = await call("POST", `/api/v1/decisions/${created.id}/outcome`, { ...body, external_ref: "re_2" });
    expect(changed.status).toBe(409);
    const reverted = await call("POST", `/api/v1/decisions/${created.id}/outcome`, { status: "reverted" });
    expect(reverted.body.status).toBe("reverted");
    expect(await t.query(`SELECT 1 FROM review_cases WHERE decision_id = $1 AND source = 'outcome_reverted'`, [created.id])).toHaveLength(1);
  });

  it("refuses executed for a held decision (409 not_executable), audits the attempt and opens a review case", async () => {
    const held = (await call("POST", "/api/v1/decisions", refund("400", "cus_sneaky"))).body;
    const res = await call("POST", `/api/v1/decisions/${held.id}/outcome`, { status: "executed", action_digest: held.action_digest });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("not_executable");
    expect(await t.query(`SELECT 1 FROM audit_entries WHERE action = 'outcome.refused' AND subject_id = $1`, [held.id])).toHaveLength(1);
    expect(await t.query(`SELECT 1 FROM review_cases WHERE decision_id = $1 AND source = 'execution_refused'`, [held.id])).toHaveLength(1);
    const [row] = await t.query<{ status: string }>(`SELECT status FROM decisions WHERE id = $1`, [held.id]);
    expect(row!.status).toBe("pending_approval");
    const missingDigest = await call("POST", `/api/v1/decisions/${held.id}/outcome`, { status: "executed" });
    expect(missingDigest.status).toBe(400);
    expect(missingDigest.body.errors).toEqual([{ path: "action_digest", message: "action_digest is required when reporting executed" }]);
  });
});

describe("POST /api/v1/reviews", () => {
  it("opens a review case for the inbox", async () => {
    const created = (await call("POST", "/api/v1/decisions", refund("2", "cus_rev"))).body;
    const res = await call("POST", "/api/v1/reviews", { decision_id: created.id, conversation_id: "conv_77", reason: "agent_uncertain", note: "Customer insists the contract allows it" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "open" });
    expect(res.body.id).toMatch(/^rev_/);
    const [row] = await t.query<{ source: string; detail: string; action: string }>(`SELECT source, detail, action FROM review_cases WHERE id = $1`, [res.body.id]);
    expect(row).toEqual({ source: "agent", detail: "Customer insists the contract allows it", action: "refund.issue" });
    const unknown = await call("POST", "/api/v1/reviews", { decision_id: "dec_unknown", reason: "other" });
    expect(unknown.status).toBe(422);
  });
});

describe("stop switches and failing closed", () => {
  it("denies with `paused` within a second of a stop, and allows again once lifted", async () => {
    await pause(t.db, operator, { target: { scope: "action", target: "return.label" }, reason: "carrier outage" });
    const started = Date.now();
    let res;
    do {
      res = await call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "c" } });
    } while (res.body.decision !== "deny" && Date.now() - started < 1500);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.body.reasons).toEqual([expect.objectContaining({ code: "paused", rule: "stop_switch" })]);
    expect(res.body.reasons[0].message).toContain("carrier outage");
    await expect(resume(t.db, operator, { target: { scope: "action", target: "return.label" }, reason: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await resume(t.db, operator, { target: { scope: "action", target: "return.label" }, reason: "carrier back" });
    await api.runtime.refresh();
    expect((await call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "c" } })).body.decision).toBe("allow");
    const audit = await t.query<{ action: string }>(`SELECT action FROM audit_entries WHERE action LIKE 'stop.%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(["stop.pause", "stop.resume"]);
  });

  it("never answers allow when it cannot read its policy: 503, nothing written", async () => {
    const stale = new (api.runtime.constructor as typeof import("../../lib/decisions/policy-runtime").PolicyRuntime)(api.pool, { now: () => Date.now() + 60_000 });
    const { createNodeHandler } = await import("../../lib/api/agent-api");
    const { AgentAuthenticator } = await import("../../lib/api/agent-auth");
    const { RateLimiter } = await import("../../lib/api/rate-limiter");
    const http = await import("node:http");
    const handler = createNodeHandler({ pool: api.pool, runtime: stale, auth: new AgentAuthenticator(api.pool), limiter: new RateLimiter() });
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const before = await t.query(`SELECT 1 FROM decisions`);
    const res = await client(`http://127.0.0.1:${port}`, key)("POST", "/api/v1/decisions", refund("1", "cus_closed"));
    server.close();
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await t.query(`SELECT 1 FROM decisions`)).toHaveLength(before.length);
  });
});

describe("database down", () => {
  it("answers 503 problem+json, never allow, when the database cannot be reached", async () => {
    const { createPool } = await import("../../lib/db/pool");
    const { createAgentApi } = await import("../../lib/api/agent-api");
    const { AgentAuthenticator } = await import("../../lib/api/agent-auth");
    const { RateLimiter } = await import("../../lib/api/rate-limiter");
    const dead = createPool("postgresql://nobody:nothing@127.0.0.1:9/none", 2);
    const handle = createAgentApi({ pool: dead, runtime: api.runtime, auth: new AgentAuthenticator(dead), limiter: new RateLimiter() });
    const res = await handle({
      method: "POST",
      path: "/api/v1/decisions",
      header: (name) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" })[name],
      readBody: async () => Buffer.from(JSON.stringify({ action: "return.label" })),
    });
    await dead.end();
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(JSON.parse(res.body)).toMatchObject({ code: "unavailable" });
  });
});

describe("typed client", () => {
  it("decides, reports and surfaces problems as typed errors", async () => {
    const { MandateClient, MandateApiError } = await import("../../lib/client/mandate-client");
    const mandate = new MandateClient({ baseUrl: api.url, apiKey: key });
    const d = await mandate.decide({ action: "refund.issue", intent: "shipping_error", customer: { id: "cus_client", verified: true }, params: { amount: "9.99", currency: "USD" } }, { idempotencyKey: "client-1" });
    expect(d.decision).toBe("allow");
    expect((await mandate.reportOutcome(d.id, { status: "executed", action_digest: d.action_digest })).status).toBe("executed");
    const error = await mandate.decide({ action: "refund.issue", params: { amount: -1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MandateApiError);
    expect(error).toMatchObject({ status: 400, code: "validation_failed", errors: [{ path: "params.amount" }] });
  });
});

describe("audit chain", () => {
  it("verifies the entries the raw-SQL hot path wrote during this file", async () => {
    await sealAuditLog(t.db);
    const result = await verifyAuditChain(t.db);
    expect(result.failure).toBeNull();
    expect(result.entriesChecked).toBeGreaterThan(50);
  });
});
