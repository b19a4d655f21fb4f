// Issue #19, point 2: a stop switch used to stop only new requests. With everything paused, a
// supervisor approved a held $300 refund and was told "The agent may now act"; the agent reported
// it executed and the API accepted it silently; an allowed decision read during the stop showed
// nothing of it. These tests pin each reach of a stop past the decision, over real HTTP and a real
// PostgreSQL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { startApprovalSweeper } from "../../lib/approvals/approval-sweeper";
import { executionPause, MandateClient, mayExecute } from "../../lib/client/mandate-client";
import type { Role } from "../../lib/policy/roles";
import { pause, STOP_CHANGE_LOCK_KEY } from "../../lib/stop-switches/pause";
import { resume } from "../../lib/stop-switches/resume";
import type { StopTarget } from "../../lib/stop-switches/schemas";
import { setAgentWebhook } from "../../lib/webhooks/configure-webhook";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let committee: Actor;
let supervisor: Actor;
let seq = 0;

async function person(name: string, email: string, roles: Role[]): Promise<Actor> {
  const u = await t.db.user.create({ data: { email, name, roles } });
  return { type: "user", id: u.id, label: u.email, roles };
}

/** A fresh agent with a webhook URL (so webhook events are written to the outbox) and its caller. */
async function agent(name: string) {
  const key = await newAgentKey(t, name);
  const { id } = await t.db.agent.findUniqueOrThrow({ where: { name }, select: { id: true } });
  await setAgentWebhook(t.db, operator, { agentId: id, url: "http://127.0.0.1:9/hooks" });
  return { name, key, call: client(api.url, key) };
}

async function hold(call: ReturnType<typeof client>, amount = "120") {
  const res = await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: `cus_stop_${++seq}` }, params: { amount, currency: "USD" } });
  expect(res.body.decision).toBe("hold");
  const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: res.body.id } });
  return { decision: res.body, approvalId: approval.id };
}

/** Pauses and waits until the API's in-memory snapshot has it (the runtime refreshes every 100 ms here). */
async function stop(target: StopTarget, reason: string) {
  const made = await pause(t.db, committee, { target, reason });
  await api.runtime.refresh();
  return made;
}
async function lift(target: StopTarget) {
  await resume(t.db, committee, { target, reason: "incident closed" });
  await api.runtime.refresh();
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  committee = await person("Chris Committee", "chris@example.com", ["committee"]);
  supervisor = await person("Sam Supervisor", "sam@example.com", ["supervisor"]);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

describe("approving a held action during a stop", () => {
  const scopes: { scope: string; target: (agentName: string) => StopTarget; names: string }[] = [
    { scope: "everything", target: () => ({ scope: "all" }), names: "Everything is paused" },
    { scope: "agent", target: (name) => ({ scope: "agent", target: name }), names: "Agent “approve-bot-agent” is paused" },
    { scope: "action", target: () => ({ scope: "action", target: "refund.issue" }), names: "Action “refund.issue” is paused" },
  ];

  for (const { scope, target, names } of scopes) {
    it(`is refused on the server while ${scope === "everything" ? "everything" : `its ${scope}`} is paused, naming the stop; allowed again once lifted`, async () => {
      const bot = await agent(`approve-bot-${scope}`);
      const { decision, approvalId } = await hold(bot.call);
      const paused = await stop(target(bot.name), "chargeback spike under investigation");

      const refused = await decideApproval(t.db, supervisor, { approvalId, verdict: "approve", reason: "goodwill is fine" }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: "paused", status: 409 });
      const message = (refused as Error).message;
      expect(message).toContain(names); // what
      expect(message).toContain("by chris@example.com"); // who
      expect(message).toContain("“chargeback spike under investigation”"); // why
      expect(message).toContain(paused.createdAt.toISOString().slice(0, 16).replace("T", " ")); // since when
      expect(message).toContain("You can still reject it");
      // Nothing was written: no vote, no audit entry, the decision still held, no webhook queued.
      expect(await t.db.approvalVote.count({ where: { approvalId } })).toBe(0);
      expect(await t.db.auditEntry.count({ where: { subjectId: decision.id, action: { startsWith: "approval." } } })).toBe(0);
      expect(await t.db.webhookEvent.count({ where: { decisionId: decision.id } })).toBe(0);
      expect((await bot.call("GET", `/api/v1/decisions/${decision.id}`)).body.status).toBe("pending_approval");

      await lift(target(bot.name));
      expect(await decideApproval(t.db, supervisor, { approvalId, verdict: "approve", reason: "goodwill is fine" })).toMatchObject({ status: "approved" });
      expect((await t.db.webhookEvent.findMany({ where: { decisionId: decision.id } })).map((e) => e.type)).toEqual(["decision.approved"]);
    });
  }

  it("a stop on another agent or another action does not block it", async () => {
    const bot = await agent("approve-bot-other");
    const { approvalId } = await hold(bot.call);
    await stop({ scope: "action", target: "return.label" }, "carrier outage");
    await stop({ scope: "agent", target: "approve-bot-everything" }, "unrelated");
    expect(await decideApproval(t.db, supervisor, { approvalId, verdict: "approve", reason: "fine" })).toMatchObject({ status: "approved" });
    await lift({ scope: "action", target: "return.label" });
    await lift({ scope: "agent", target: "approve-bot-everything" });
  });

  it("rejecting stays possible during a stop: it opens its case and tells the agent not to act", async () => {
    const bot = await agent("reject-bot");
    const { decision, approvalId } = await hold(bot.call);
    await stop({ scope: "all" }, "incident 42");
    expect(await decideApproval(t.db, supervisor, { approvalId, verdict: "reject", reason: "not during an incident" })).toMatchObject({ status: "rejected" });
    expect(await t.db.reviewCase.count({ where: { decisionId: decision.id, source: "approval_rejected" } })).toBe(1);
    expect((await t.db.webhookEvent.findMany({ where: { decisionId: decision.id } })).map((e) => e.type)).toEqual(["decision.rejected"]);
    await lift({ scope: "all" });
  });

  it("a stop committed while the vote waits for it still refuses the vote (checked in the vote's transaction)", async () => {
    const bot = await agent("race-bot");
    const { approvalId } = await hold(bot.call);
    // A pause in flight: its transaction holds the stop lock and has written the stop, not yet committed.
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [STOP_CHANGE_LOCK_KEY]);
      await other.query(`INSERT INTO stop_switches (id, scope, target, reason, created_by, created_at) VALUES (gen_random_uuid(), 'agent', $1, 'racing pause', 'racer', now())`, [bot.name]);
      const vote = decideApproval(t.db, supervisor, { approvalId, verdict: "approve", reason: "quick, before the stop" }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200)); // the vote is now waiting on the lock
      await other.query("COMMIT");
      expect(await vote).toMatchObject({ code: "paused", message: expect.stringContaining("racing pause") });
    } finally {
      await other.end();
    }
    await lift({ scope: "agent", target: bot.name });
  });
});

describe("reading a decision during a stop", () => {
  it("an allowed or approved decision not yet executed carries a `paused` reason; executed and denied ones do not; gone after resume", async () => {
    const bot = await agent("read-bot");
    const allowed = (await bot.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_read" } })).body;
    expect(allowed.decision).toBe("allow");
    const executed = (await bot.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_read2" } })).body;
    expect((await bot.call("POST", `/api/v1/decisions/${executed.id}/outcome`, { status: "executed", action_digest: executed.action_digest })).status).toBe(201);
    const denied = (await bot.call("POST", "/api/v1/decisions", { action: "contract.negotiate", intent: "billing_dispute" })).body;
    expect(denied.decision).not.toBe("allow");
    const held = await hold(bot.call);
    await decideApproval(t.db, supervisor, { approvalId: held.approvalId, verdict: "approve", reason: "fine" });
    const pending = await hold(bot.call);

    const paused = await stop({ scope: "agent", target: "read-bot" }, "suspicious refund pattern");
    for (const id of [allowed.id, held.decision.id]) {
      const res = await bot.call("GET", `/api/v1/decisions/${id}`);
      expect(res.status).toBe(200);
      expect(["allowed", "approved"]).toContain(res.body.status); // the stored status is untouched
      expect(res.body.reasons[0]).toEqual({
        code: "paused",
        rule: "stop_switch",
        message: `Do not execute now: agent "read-bot" is paused by a stop switch since ${paused.createdAt.toISOString()}: suspicious refund pattern. Wait until it is lifted.`,
      });
      expect(res.body.reasons.slice(1).some((r: { code: string }) => r.code === "paused")).toBe(false);
    }
    for (const id of [executed.id, denied.id, pending.decision.id]) {
      expect((await bot.call("GET", `/api/v1/decisions/${id}`)).body.reasons.map((r: { code: string }) => r.code)).not.toContain("paused");
    }
    expect((await t.db.decision.findUniqueOrThrow({ where: { id: allowed.id } })).reasons).not.toContainEqual(expect.objectContaining({ code: "paused" }));

    // The typed client sees the same, and says the decision may not be executed now.
    const mandate = new MandateClient({ baseUrl: api.url, apiKey: bot.key });
    const viewed = await mandate.getDecision(allowed.id);
    expect(executionPause(viewed)).toMatchObject({ code: "paused" });
    expect(mayExecute(viewed)).toBe(false);

    // Another agent's allowed decision is not covered by this agent's stop.
    const other = await agent("read-bot-other");
    const free = (await other.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_read3" } })).body;
    expect((await other.call("GET", `/api/v1/decisions/${free.id}`)).body.reasons.map((r: { code: string }) => r.code)).not.toContain("paused");

    await lift({ scope: "agent", target: "read-bot" });
    const after = await mandate.getDecision(allowed.id);
    expect(after.reasons.map((r) => r.code)).not.toContain("paused");
    expect(mayExecute(after)).toBe(true);
  });

  it("an idempotent replay of an allow during a stop carries the `paused` reason too", async () => {
    const bot = await agent("replay-bot");
    const body = { action: "return.label", customer: { id: "cus_replay" } };
    const first = await bot.call("POST", "/api/v1/decisions", body, { "idempotency-key": "conv_1:label" });
    expect(first.status).toBe(201);
    await stop({ scope: "action", target: "return.label" }, "carrier outage");
    const replay = await bot.call("POST", "/api/v1/decisions", body, { "idempotency-key": "conv_1:label" });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.body.id, decision: "allow", status: "allowed" });
    expect(replay.body.reasons[0]).toMatchObject({ code: "paused", message: expect.stringContaining('action "return.label" is paused') });
    await lift({ scope: "action", target: "return.label" });
  });

  it("reads stops from the runtime's memory, not a query per GET; a runtime with no fresh snapshot reads them from the database", async () => {
    const bot = await agent("cache-bot");
    const allowed = (await bot.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_cache" } })).body;
    const codes = async (call = bot.call) => (await call("GET", `/api/v1/decisions/${allowed.id}`)).body.reasons.map((r: { code: string }) => r.code);
    api.runtime.stop(); // no refresh rounds: the snapshot (fresh for 3 s) is what a GET sees
    try {
      await pause(t.db, committee, { target: { scope: "agent", target: "cache-bot" }, reason: "cache check" });
      expect(await codes()).not.toContain("paused");
      await api.runtime.refresh();
      expect(await codes()).toContain("paused");

      // A server whose runtime has no snapshot to trust must not guess "nothing is stopped".
      const { PolicyRuntime } = await import("../../lib/decisions/policy-runtime");
      const { createNodeHandler } = await import("../../lib/api/agent-api");
      const { AgentAuthenticator } = await import("../../lib/api/agent-auth");
      const { RateLimiter } = await import("../../lib/api/rate-limiter");
      const http = await import("node:http");
      const auth = new AgentAuthenticator(api.pool, 200);
      const handler = createNodeHandler({ pool: api.pool, runtime: new PolicyRuntime(api.pool), auth, limiter: new RateLimiter() });
      const server = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = server.address() as import("node:net").AddressInfo;
        expect(await codes(client(`http://127.0.0.1:${port}`, bot.key))).toContain("paused");
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        await auth.close();
      }
    } finally {
      await api.runtime.start();
    }
    await lift({ scope: "agent", target: "cache-bot" });
  });
});

describe("the runtime's cached stops", () => {
  it("refresh() called after a pause commits sees it, even with a load already under way (it used to return that older load)", async () => {
    // A real pool whose answers are held at a gate: a load can be caught between reading and finishing.
    let gate: Promise<void> = Promise.resolve();
    const held = new Proxy(api.pool, {
      get(target, prop, receiver) {
        if (prop !== "query") return Reflect.get(target, prop, receiver);
        return async (...args: unknown[]) => {
          const result = await (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
          await gate;
          return result;
        };
      },
    });
    const { PolicyRuntime } = await import("../../lib/decisions/policy-runtime");
    const runtime = new PolicyRuntime(held);
    await newAgentKey(t, "runtime-bot");
    await runtime.refresh();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const before = runtime.refresh(); // reads now: no stop yet
    await new Promise((r) => setTimeout(r, 100));
    await pause(t.db, committee, { target: { scope: "agent", target: "runtime-bot" }, reason: "mid-load" });
    const after = runtime.refresh();
    open();
    await Promise.all([before, after]);
    expect((await runtime.stopsInForce()).map((s) => s.reason)).toContain("mid-load");
    runtime.stop();
    await resume(t.db, committee, { target: { scope: "agent", target: "runtime-bot" }, reason: "done" });
    await api.runtime.refresh();
  });
});

describe("outcomes reported during a stop", () => {
  it("`executed` is recorded, opens a review case naming the stop and is audited with it, in one transaction", async () => {
    const bot = await agent("exec-bot");
    const held = await hold(bot.call, "300");
    await decideApproval(t.db, supervisor, { approvalId: held.approvalId, verdict: "approve", reason: "goodwill" });
    const stopped = await stop({ scope: "all" }, "incident 42");

    const res = await bot.call("POST", `/api/v1/decisions/${held.decision.id}/outcome`, { status: "executed", action_digest: held.decision.action_digest, external_ref: "re_300" });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("executed");
    expect(await t.db.outcome.count({ where: { decisionId: held.decision.id, status: "executed" } })).toBe(1);
    const cases = await t.db.reviewCase.findMany({ where: { decisionId: held.decision.id } });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ source: "executed_while_paused", status: "open", agentId: expect.any(String), action: "refund.issue" });
    expect(cases[0]!.reason).toBe(`The agent reported executing while everything was paused by a stop switch (chris@example.com, since ${stopped.createdAt.toISOString()}): incident 42`);
    const [audit] = await t.db.auditEntry.findMany({ where: { subjectId: held.decision.id, action: "outcome.executed" } });
    expect(audit!.data).toMatchObject({ external_ref: "re_300", during_stop: { stop_id: stopped.id, scope: "all", target: null, reason: "incident 42" }, review_case_id: cases[0]!.id });
    // Written together: the outcome, the case and the audit entry share one transaction id.
    const [tx] = await t.query<{ n: string }>(
      `SELECT count(DISTINCT x)::text AS n FROM (SELECT xmin::text AS x FROM review_cases WHERE id = $1 UNION ALL SELECT xmin::text FROM outcomes WHERE decision_id = $2 UNION ALL SELECT xmin::text FROM audit_entries WHERE id = $3) s`,
      [cases[0]!.id, held.decision.id, audit!.id],
    );
    expect(tx!.n).toBe("1");

    // The same report again is the usual idempotent 200, with no second case.
    const again = await bot.call("POST", `/api/v1/decisions/${held.decision.id}/outcome`, { status: "executed", action_digest: held.decision.action_digest, external_ref: "re_300" });
    expect(again.status).toBe(200);
    expect(await t.db.reviewCase.count({ where: { decisionId: held.decision.id } })).toBe(1);
    await lift({ scope: "all" });
  });

  it("`failed` during a stop is recorded as any failure (nothing happened): its usual case, no stop case", async () => {
    const bot = await agent("fail-bot");
    const allowed = (await bot.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_fail" } })).body;
    await stop({ scope: "agent", target: "fail-bot" }, "suspicious");
    const res = await bot.call("POST", `/api/v1/decisions/${allowed.id}/outcome`, { status: "failed", detail: { error: "carrier down" } });
    expect(res.status).toBe(201);
    expect((await t.db.reviewCase.findMany({ where: { decisionId: allowed.id } })).map((c) => c.source)).toEqual(["outcome_failed"]);
    await lift({ scope: "agent", target: "fail-bot" });
  });

  it("`executed` after the stop is lifted opens no stop case", async () => {
    const bot = await agent("after-bot");
    const allowed = (await bot.call("POST", "/api/v1/decisions", { action: "return.label", customer: { id: "cus_after" } })).body;
    await stop({ scope: "all" }, "drill");
    await lift({ scope: "all" });
    expect((await bot.call("POST", `/api/v1/decisions/${allowed.id}/outcome`, { status: "executed", action_digest: allowed.action_digest })).status).toBe(201);
    expect(await t.db.reviewCase.count({ where: { decisionId: allowed.id } })).toBe(0);
  });
});

describe("expiry during a stop", () => {
  it("the server's sweeper expires a held decision while everything is paused, tells the agent and opens a case", async () => {
    const bot = await agent("expire-bot");
    const { decision, approvalId } = await hold(bot.call);
    await stop({ scope: "all" }, "incident 43");
    await t.query(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1`, [approvalId]);
    const sweeper = startApprovalSweeper(t.db, { intervalMs: 50, onError: (e) => console.error(e) });
    try {
      await expect.poll(async () => (await bot.call("GET", `/api/v1/decisions/${decision.id}`)).body.status, { timeout: 5000 }).toBe("expired");
    } finally {
      await sweeper.stop();
    }
    expect(await t.db.reviewCase.count({ where: { decisionId: decision.id, source: "hold_expired" } })).toBe(1);
    expect((await t.db.webhookEvent.findMany({ where: { decisionId: decision.id } })).map((e) => e.type)).toEqual(["decision.expired"]);
    // An expired decision is not executable: no `paused` reason on it.
    expect((await bot.call("GET", `/api/v1/decisions/${decision.id}`)).body.reasons.map((r: { code: string }) => r.code)).not.toContain("paused");
    await lift({ scope: "all" });
  });
});
