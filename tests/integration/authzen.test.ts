import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdpMetadata } from "../../lib/authzen/metadata";
import { grantIssuer } from "../../lib/grants/make-grant";
import { pause } from "../../lib/stop-switches/pause";
import { resume } from "../../lib/stop-switches/resume";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// The AuthZEN Authorization API 1.0 door, through real HTTP against a real PostgreSQL, in the
// standard's own request and response shapes.

let t: TestDatabase;
let api: ApiServer;
let key: string;
let call: ReturnType<typeof client>;

const subject = { type: "agent", id: "support-bot" };
const refundContext = (amount: string, extra: Record<string, unknown> = {}) => ({
  intent: "shipping_error",
  params: { amount, currency: "USD", order_id: "ord_1193" },
  data_sources: ["orders", "payments"],
  conversation_id: "conv_77",
  channel: "chat",
  confidence: 0.91,
  ...extra,
});
const refund = (amount: string, customer = "cus_8841", extra: Record<string, unknown> = {}) => ({
  subject,
  action: { name: "refund.issue" },
  resource: { type: "customer", id: customer, properties: { verified: true, segment: "vip" } },
  context: refundContext(amount, extra),
});
const label = (order: string, context: Record<string, unknown> = {}) => ({
  subject,
  action: { name: "return.label" },
  resource: { type: "order", id: order },
  context: { intent: "shipping_error", data_sources: ["orders"], ...context },
});

const countRows = async (table: "decisions" | "audit_entries") => Number((await t.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`))[0]!.n);
const recordedFor = async (orderId: string) => (await t.query(`SELECT id FROM decisions WHERE request->'params'->>'order_id' = $1`, [orderId])).length;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  key = await newAgentKey(t, "support-bot");
  await newAgentKey(t, "other-bot");
  api = await startApiServer(t);
  call = client(api.url, key);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

describe("POST /access/v1/evaluation", () => {
  it("permits a small refund: 200, decision true, the grant in the context, a decision row and its audit entry", async () => {
    const res = await call("POST", "/access/v1/evaluation", refund("42.50"), { "x-request-id": "bfe9eb29-ab87-4ca3-be83-a1d5d8305716" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toBe("bfe9eb29-ab87-4ca3-be83-a1d5d8305716");
    expect(res.body).toMatchObject({ decision: true, context: { decision: "allow", status: "allowed", tier: "low", owner: "finance-ops", approval: null, policy_version: 1 } });
    expect(res.body.context.id).toMatch(/^dec_/);
    expect(res.body.context.action_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(res.body.context.grant).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(res.body.context.grant.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ jti: res.body.context.id, sub: "support-bot", action: "refund.issue", customer: "cus_8841", amount: "42.5", digest: res.body.context.action_digest });
    expect(res.body.context.reason_user).toBeUndefined();
    const [row] = await t.query(`SELECT action, customer_id, channel, conversation_id, request->'params'->>'order_id' AS order_id, request->'customer'->>'segment' AS segment FROM decisions WHERE id = $1`, [res.body.context.id]);
    expect(row).toEqual({ action: "refund.issue", customer_id: "cus_8841", channel: "chat", conversation_id: "conv_77", order_id: "ord_1193", segment: "vip" });
    expect(await t.query(`SELECT 1 FROM audit_entries WHERE action = 'decision.create' AND subject_id = $1`, [res.body.context.id])).toHaveLength(1);
  });

  it("answers a hold as false, with who must approve and a reason the customer may be shown", async () => {
    const res = await call("POST", "/access/v1/evaluation", refund("300", "cus_hold"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      decision: false,
      context: { decision: "hold", status: "pending_approval", tier: "high", approval: { required: 1, roles: ["supervisor"] }, reasons: [{ code: "tier_requires_approval", rule: "risk_tiers.high" }] },
    });
    expect(res.body.context.reason_user).toEqual({ en: "This needs approval by a supervisor first." });
    expect(res.body.context.grant).toBeUndefined();
    expect(await t.query(`SELECT status FROM approvals WHERE decision_id = $1`, [res.body.context.id])).toEqual([{ status: "pending" }]);
  });

  it("denies a forbidden action", async () => {
    const res = await call("POST", "/access/v1/evaluation", { subject, action: { name: "contract.negotiate" }, resource: { type: "customer", id: "cus_1" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: false, context: { decision: "deny", status: "denied", reasons: [{ code: "forbidden", rule: "forbidden[0]" }] } });
    expect(res.body.context.grant).toBeUndefined();
  });

  it("maps a non-customer resource to params.<type>_id", async () => {
    const res = await call("POST", "/access/v1/evaluation", label("ord_map"));
    expect(res.body).toMatchObject({ decision: true, context: { decision: "allow" } });
    const [row] = await t.query(`SELECT request FROM decisions WHERE id = $1`, [res.body.context.id]);
    expect(row).toEqual({ request: { action: "return.label", intent: "shipping_error", params: { order_id: "ord_map" }, data_sources: ["orders"] } });
  });

  it("refuses another agent's subject, or a subject that is not an agent, with 403 (audited)", async () => {
    const other = await call("POST", "/access/v1/evaluation", { ...refund("5"), subject: { type: "agent", id: "other-bot" } }, { "x-request-id": "r-403" });
    expect(other.status).toBe(403);
    expect(other.headers.get("x-request-id")).toBe("r-403");
    expect(other.body).toMatchObject({ status: 403, code: "forbidden" });
    expect(other.body.detail).toContain("support-bot");
    const user = await call("POST", "/access/v1/evaluation", { ...refund("5"), subject: { type: "user", id: "support-bot" } });
    expect(user.status).toBe(403);
    const refused = await t.query(`SELECT data->>'status' AS status FROM audit_entries WHERE action = 'api.request_refused' AND data->>'path' = '/access/v1/evaluation'`);
    expect(refused).toEqual([{ status: "403" }, { status: "403" }]);
  });

  it("answers 401 with WWW-Authenticate: Bearer without a key, and with a wrong one", async () => {
    const none = await client(api.url, null)("POST", "/access/v1/evaluation", refund("5"), { "x-request-id": "r-401" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.headers.get("x-request-id")).toBe("r-401");
    expect(none.body).toMatchObject({ status: 401, code: "unauthenticated" });
    const wrong = await client(api.url, "mdt_" + "x".repeat(43))("POST", "/access/v1/evaluation", refund("5"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("answers a missing required attribute with 400 naming it, and a bad value by its AuthZEN path", async () => {
    const missing = await call("POST", "/access/v1/evaluation", { subject, resource: { type: "customer", id: "c" } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: "action", message: "action is required" }]);
    const amount = await call("POST", "/access/v1/evaluation", refund("-3"));
    expect(amount.status).toBe(400);
    expect(amount.body.errors[0].path).toBe("context.params.amount");
    const segment = await call("POST", "/access/v1/evaluation", { ...refund("5"), resource: { type: "customer", id: "c", properties: { segment: 7 } } });
    expect(segment.body.errors[0].path).toBe("resource.properties.segment");
    const source = await call("POST", "/access/v1/evaluation", refund("5", "c", { data_sources: ["crystal_ball"] }));
    expect(source.status).toBe(400); // the native API's 422, as the standard's 400
    expect(source.body.errors).toEqual([{ path: "context.data_sources[0]", message: 'Unknown data source "crystal_ball"' }]);
    const notObject = await call("POST", "/access/v1/evaluation", "[1]");
    expect(notObject.status).toBe(400);
  });

  it("ignores unknown fields anywhere instead of refusing them", async () => {
    const body = {
      ...label("ord_unknown", { time: "1985-10-26T01:22-07:00", schema: { nested: [1, { deep: true }] } }),
      subject: { ...subject, properties: { department: "support", ip_address: "172.217.22.14" } },
      action: { name: "return.label", properties: { method: "POST" } },
      extension: { anything: [null] },
    };
    const res = await call("POST", "/access/v1/evaluation", body);
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe(true);
    const [row] = await t.query(`SELECT request FROM decisions WHERE id = $1`, [res.body.context.id]);
    expect(row).toEqual({ request: { action: "return.label", intent: "shipping_error", params: { order_id: "ord_unknown" }, data_sources: ["orders"] } });
  });

  it("replays an Idempotency-Key: the same decision, one row, a fresh grant", async () => {
    const before = await countRows("decisions");
    const first = await call("POST", "/access/v1/evaluation", label("ord_idem"), { "idempotency-key": "authzen-idem-1" });
    const again = await call("POST", "/access/v1/evaluation", label("ord_idem"), { "idempotency-key": "authzen-idem-1" });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.context.id).toBe(first.body.context.id);
    expect(again.body).toMatchObject({ decision: true, context: { replayed: true } });
    expect(again.body.context.grant).toEqual(expect.any(String));
    expect(await countRows("decisions")).toBe(before + 1);
    const reused = await call("POST", "/access/v1/evaluation", label("ord_other"), { "idempotency-key": "authzen-idem-1" });
    expect(reused.status).toBe(400);
  });
});

describe("dry run", () => {
  it("evaluates against the policy in force and current usage, records nothing and counts nothing", async () => {
    const customer = "cus_dry";
    const decisions = await countRows("decisions");
    const audit = await countRows("audit_entries");
    // The customer limit is 2 refunds per 30 days: three dry runs must not use it up.
    for (let i = 0; i < 3; i++) {
      const dry = await call("POST", "/access/v1/evaluation", refund("10", customer, { dry_run: true }));
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ decision: true, context: { decision: "allow", dry_run: true } });
      expect(dry.body.context.id).toBeUndefined();
      expect(dry.body.context.grant).toBeUndefined();
    }
    expect(await countRows("decisions")).toBe(decisions);
    expect(await countRows("audit_entries")).toBe(audit);
    // Two real refunds use the limit up; a dry run now reads that usage and says hold.
    for (let i = 0; i < 2; i++) expect((await call("POST", "/access/v1/evaluation", refund("10", customer))).body.decision).toBe(true);
    const after = await call("POST", "/access/v1/evaluation", refund("10", customer, { dry_run: true }));
    expect(after.body).toMatchObject({ decision: false, context: { decision: "hold", dry_run: true, reasons: [{ code: "limit_exceeded" }] } });
    expect(await countRows("decisions")).toBe(decisions + 2);
  });

  it("refuses a dry_run that is not a boolean", async () => {
    const res = await call("POST", "/access/v1/evaluation", label("ord_x", { dry_run: "yes" }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: "context.dry_run", message: "dry_run must be true or false" }]);
  });
});

describe("stop switches", () => {
  it("make an evaluation false (paused) with no grant until lifted", async () => {
    await pause(t.db, operator, { target: { scope: "action", target: "return.label" }, reason: "carrier outage" });
    await api.runtime.refresh();
    try {
      const res = await call("POST", "/access/v1/evaluation", label("ord_paused"));
      expect(res.body).toMatchObject({ decision: false, context: { decision: "deny", reasons: [{ code: "paused", rule: "stop_switch" }] } });
      expect(res.body.context.grant).toBeUndefined();
      expect(res.body.context.reason_user).toEqual({ en: "This action is paused right now. Please try again later." });
      const dry = await call("POST", "/access/v1/evaluation", label("ord_paused", { dry_run: true }));
      expect(dry.body).toMatchObject({ decision: false, context: { reasons: [{ code: "paused" }] } });
    } finally {
      await resume(t.db, operator, { target: { scope: "action", target: "return.label" }, reason: "carrier back" });
      await api.runtime.refresh();
    }
    expect((await call("POST", "/access/v1/evaluation", label("ord_resumed"))).body.decision).toBe(true);
  });
});

describe("POST /access/v1/evaluations", () => {
  const batch = (semantic: string | null, orders: [string, string][]) => ({
    subject,
    context: { intent: "shipping_error", data_sources: ["orders"] },
    resource: { type: "customer", id: "cus_batch" },
    ...(semantic ? { options: { evaluations_semantic: semantic } } : {}),
    evaluations: orders.map(([action, order]) => ({ action: { name: action }, resource: { type: "order", id: order } })),
  });

  it("execute_all (the default) evaluates and records every item, answering in request order", async () => {
    const res = await call("POST", "/access/v1/evaluations", batch(null, [["return.label", "ord_a1"], ["contract.negotiate", "ord_a2"], ["return.label", "ord_a3"]]), { "x-request-id": "batch-1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("batch-1");
    expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false, true]);
    expect(res.body.evaluations[1].context.reasons[0].code).toBe("forbidden");
    expect(res.body.evaluations[0].context.grant).toEqual(expect.any(String));
    for (const order of ["ord_a1", "ord_a2", "ord_a3"]) expect(await recordedFor(order)).toBe(1);
  });

  it("deny_on_first_deny stops after the first false: later items are not evaluated nor recorded", async () => {
    const res = await call("POST", "/access/v1/evaluations", batch("deny_on_first_deny", [["return.label", "ord_d1"], ["contract.negotiate", "ord_d2"], ["return.label", "ord_d3"]]));
    expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
    expect([await recordedFor("ord_d1"), await recordedFor("ord_d2"), await recordedFor("ord_d3")]).toEqual([1, 1, 0]);
  });

  it("permit_on_first_permit stops after the first true: later items are not evaluated nor recorded", async () => {
    const res = await call("POST", "/access/v1/evaluations", batch("permit_on_first_permit", [["contract.negotiate", "ord_p1"], ["return.label", "ord_p2"], ["return.label", "ord_p3"]]));
    expect(res.body.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([false, true]);
    expect([await recordedFor("ord_p1"), await recordedFor("ord_p2"), await recordedFor("ord_p3")]).toEqual([1, 1, 0]);
  });

  it("takes top-level defaults, lets an item override one whole, and a top-level dry_run covers every item", async () => {
    const before = await countRows("decisions");
    const res = await call("POST", "/access/v1/evaluations", {
      subject,
      action: { name: "return.label" },
      context: { intent: "shipping_error", data_sources: ["orders"], dry_run: true },
      evaluations: [
        { resource: { type: "order", id: "ord_o1" } },
        // Its own context replaces the default whole (payments is outside return.label's data) and says dry_run false: still a dry run.
        { resource: { type: "order", id: "ord_o2" }, context: { data_sources: ["payments"], dry_run: false } },
        { action: { name: "contract.negotiate" }, resource: { type: "customer", id: "cus_o3" } },
      ],
    });
    expect(res.status).toBe(200);
    const [first, second, third] = res.body.evaluations;
    expect(first).toMatchObject({ decision: true, context: { dry_run: true } });
    expect(second).toMatchObject({ decision: false, context: { dry_run: true, reasons: [{ code: "data_scope" }] } });
    expect(third).toMatchObject({ decision: false, context: { dry_run: true, reasons: [{ code: "forbidden" }] } });
    expect(await countRows("decisions")).toBe(before);
  });

  it("answers an item that cannot be evaluated as false with context.error, and still evaluates the rest", async () => {
    const res = await call("POST", "/access/v1/evaluations", {
      ...batch(null, [["return.label", "ord_e1"], ["return.label", "ord_e2"]]),
      evaluations: [
        { subject: { type: "agent", id: "other-bot" }, action: { name: "return.label" }, resource: { type: "order", id: "ord_e1" } },
        { action: { name: "return.label" }, resource: { type: "order", id: "ord_e2" } },
        { resource: { type: "order", id: "ord_e3" } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.evaluations[0]).toEqual({ decision: false, context: { error: { status: 403, message: expect.stringContaining("support-bot") } } });
    expect(res.body.evaluations[1].decision).toBe(true);
    expect(res.body.evaluations[2]).toEqual({ decision: false, context: { error: { status: 400, message: "action: action is required" } } });
    expect([await recordedFor("ord_e1"), await recordedFor("ord_e2"), await recordedFor("ord_e3")]).toEqual([0, 1, 0]);
  });

  it("behaves as a single evaluation when evaluations is absent or empty", async () => {
    const res = await call("POST", "/access/v1/evaluations", { ...label("ord_single"), evaluations: [] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: true, context: { decision: "allow" } });
    expect(res.body.evaluations).toBeUndefined();
  });

  it("replays every item of a retried request under one Idempotency-Key", async () => {
    const body = batch(null, [["return.label", "ord_i1"], ["return.label", "ord_i2"]]);
    const first = await call("POST", "/access/v1/evaluations", body, { "idempotency-key": "batch-idem" });
    const again = await call("POST", "/access/v1/evaluations", body, { "idempotency-key": "batch-idem" });
    expect(again.body.evaluations.map((e: { context: { id: string } }) => e.context.id)).toEqual(first.body.evaluations.map((e: { context: { id: string } }) => e.context.id));
    expect([await recordedFor("ord_i1"), await recordedFor("ord_i2")]).toEqual([1, 1]);
  });

  it("refuses an unknown semantic with 400", async () => {
    const res = await call("POST", "/access/v1/evaluations", batch("first_wins", [["return.label", "ord_s1"]]));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe("options.evaluations_semantic");
    expect(await recordedFor("ord_s1")).toBe(0);
  });
});

describe("POST /access/v1/search/action", () => {
  const search = (page?: Record<string, unknown>) => ({
    subject,
    resource: { type: "customer", id: "cus_search", properties: { verified: true } },
    context: { intent: "shipping_error", params: { amount: "20", currency: "USD" }, data_sources: ["orders"] },
    ...(page ? { page } : {}),
  });

  it("lists exactly the actions whose evaluation would be allowed now, recording nothing", async () => {
    const before = await countRows("decisions");
    const res = await call("POST", "/access/v1/search/action", search());
    expect(res.status).toBe(200);
    const names: string[] = res.body.results.map((r: { name: string }) => r.name);
    const actions = ["account.recover", "billing.adjust", "inventory.adjust", "order.cancel", "order.status", "refund.issue", "return.label", "shipment.reroute"];
    const expected: string[] = [];
    for (const name of actions) {
      const { resource, context } = search();
      const dry = await call("POST", "/access/v1/evaluation", { subject, action: { name }, resource, context: { ...context, dry_run: true } });
      if (dry.body.decision) expected.push(name);
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(actions.length);
    expect(names).toEqual(expected);
    expect(res.body.page).toEqual({ next_token: "", count: expected.length, total: expected.length });
    expect(Object.keys(res.body)[0]).toBe("page");
    expect(await countRows("decisions")).toBe(before);
  });

  it("pages with opaque tokens until next_token is empty, and refuses a token sent with a changed request", async () => {
    const all = (await call("POST", "/access/v1/search/action", search())).body.results;
    const seen: unknown[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await call("POST", "/access/v1/search/action", search({ limit: 1, ...(token ? { token } : {}) }));
      expect(res.status).toBe(200);
      expect(res.body.page.count).toBe(res.body.results.length);
      seen.push(...res.body.results);
      token = res.body.page.next_token;
      if (!token) break;
    }
    expect(seen).toEqual(all);
    const first = await call("POST", "/access/v1/search/action", search({ limit: 1 }));
    const changed = await call("POST", "/access/v1/search/action", { ...search({ limit: 2, token: first.body.page.next_token }) });
    expect(changed.status).toBe(400);
    expect(changed.body.errors[0].path).toBe("page.token");
    const forged = await call("POST", "/access/v1/search/action", search({ token: "bm9wZQ" }));
    expect(forged.status).toBe(400);
  });

  it("refuses another agent's subject with 403", async () => {
    const res = await call("POST", "/access/v1/search/action", { ...search(), subject: { type: "agent", id: "other-bot" } });
    expect(res.status).toBe(403);
  });
});

describe("GET /.well-known/authzen-configuration", () => {
  it("publishes the PDP metadata without a key, naming only the endpoints that exist", async () => {
    const res = await client(api.url, null)("GET", "/.well-known/authzen-configuration", undefined, { "x-request-id": "meta" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toBe("meta");
    const base = grantIssuer();
    expect(res.body).toEqual({
      policy_decision_point: base,
      access_evaluation_endpoint: `${base}/access/v1/evaluation`,
      access_evaluations_endpoint: `${base}/access/v1/evaluations`,
      search_action_endpoint: `${base}/access/v1/search/action`,
    });
    expect(res.body).toEqual(pdpMetadata());
    expect((await call("POST", "/.well-known/authzen-configuration", {})).status).toBe(405);
    expect((await call("POST", "/access/v1/search/subject", {})).status).toBe(404);
  });
});

describe("OpenAPI document", () => {
  it("describes the AuthZEN endpoints, and real answers conform to their schemas", async () => {
    const doc = (await client(api.url, null)("GET", "/api/v1/openapi.json")).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const [id, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${id}`);
    const conforms = (id: string, value: unknown) => {
      const validate = ajv.getSchema(`#/components/schemas/${id}`)!;
      return validate(value) ? "ok" : JSON.stringify(validate.errors);
    };
    expect(doc.paths["/access/v1/evaluation"].post.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/AuthzenDecision");
    expect(conforms("AuthzenEvaluationRequest", refund("5"))).toBe("ok");
    expect(conforms("AuthzenDecision", (await call("POST", "/access/v1/evaluation", label("ord_oas"))).body)).toBe("ok");
    expect(conforms("AuthzenDecision", (await call("POST", "/access/v1/evaluation", refund("300", "cus_oas", { dry_run: true }))).body)).toBe("ok");
    const many = await call("POST", "/access/v1/evaluations", { subject, action: { name: "return.label" }, evaluations: [{ resource: { type: "order", id: "ord_oas2" } }, { subject: { type: "agent", id: "x" }, resource: { type: "order", id: "o" } }] });
    expect(conforms("AuthzenEvaluationsResponse", many.body)).toBe("ok");
    const found = await call("POST", "/access/v1/search/action", { subject, resource: { type: "customer", id: "cus_oas" }, page: { limit: 1 } });
    expect(conforms("AuthzenActionSearchResponse", found.body)).toBe("ok");
    expect(conforms("AuthzenMetadata", (await call("GET", "/.well-known/authzen-configuration")).body)).toBe("ok");
  });
});
