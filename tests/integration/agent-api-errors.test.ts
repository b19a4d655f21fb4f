import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentAuthenticator } from "../../lib/api/agent-auth";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let key: string;
let call: ReturnType<typeof client>;

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

async function counts() {
  const [row] = await t.query<{ decisions: number; refused: number; other: number }>(
    `SELECT (SELECT count(*)::int FROM decisions) AS decisions,
            (SELECT count(*)::int FROM audit_entries WHERE action = 'api.request_refused') AS refused,
            (SELECT count(*)::int FROM audit_entries WHERE action <> 'api.request_refused') AS other`,
  );
  return row!;
}

function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body).toMatchObject({ status, code, type: `/api/v1/errors#${code}` });
  expect(typeof res.body.title).toBe("string");
}

describe("authentication", () => {
  it("401 without a key or with a malformed or unknown key, 403 for a revoked key", async () => {
    expectProblem(await client(api.url, null)("POST", "/api/v1/decisions", { action: "refund.issue" }), 401, "unauthenticated");
    expectProblem(await client(api.url, "not a key")("POST", "/api/v1/decisions", { action: "refund.issue" }), 401, "unauthenticated");
    expectProblem(await client(api.url, "mdt_" + "x".repeat(43))("POST", "/api/v1/decisions", { action: "refund.issue" }), 401, "unauthenticated");
    const revokedKey = await newAgentKey(t, "revoked-bot");
    await t.query(`UPDATE api_keys SET revoked_at = now() WHERE agent_id = (SELECT id FROM agents WHERE name = 'revoked-bot')`);
    expectProblem(await client(api.url, revokedKey)("POST", "/api/v1/decisions", { action: "refund.issue" }), 403, "forbidden");
    const disabledKey = await newAgentKey(t, "disabled-bot");
    await t.query(`UPDATE agents SET status = 'disabled' WHERE name = 'disabled-bot'`);
    expectProblem(await client(api.url, disabledKey)("POST", "/api/v1/decisions", { action: "refund.issue" }), 403, "forbidden");
  });

  it("looks a key up once for many concurrent requests, and a revocation of a key in use still takes effect within the cache time", async () => {
    const revocable = await newAgentKey(t, "revocable-bot");
    let lookups = 0;
    const counting = { query: (...args: Parameters<typeof api.pool.query>) => ((lookups += 1), api.pool.query(...args)) } as unknown as typeof api.pool;
    const auth = new AgentAuthenticator(counting, 200);
    try {
      const principals = await Promise.all(Array.from({ length: 50 }, () => auth.authenticate(`Bearer ${revocable}`)));
      expect(new Set(principals.map((p) => p.agentName))).toEqual(new Set(["revocable-bot"]));
      expect(lookups).toBe(1);
      await t.query(`UPDATE api_keys SET revoked_at = now() WHERE agent_id = (SELECT id FROM agents WHERE name = 'revocable-bot')`);
      // Keep using the key: the background refresh or, past 200 ms, the next lookup sees the revocation.
      const started = Date.now();
      let refused: unknown = null;
      while (!refused && Date.now() - started < 2_000) {
        refused = await auth.authenticate(`Bearer ${revocable}`).then(() => null, (error: unknown) => error);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(refused).toMatchObject({ code: "forbidden" });
      expect(Date.now() - started).toBeLessThan(400);
    } finally {
      await auth.close();
    }
  });

  it("429 with Retry-After past a key's rate limit", async () => {
    const limited = client(api.url, await newAgentKey(t, "slow-bot", 2));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await limited("GET", "/api/v1/decisions/dec_x"));
    expect(statuses.map((s) => s.status)).toEqual([404, 404, 429, 429]);
    expect(Number(statuses[2]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expectProblem(statuses[2]!, 429, "rate_limited");
  });
});

describe("bad input gets the documented 4xx, writes nothing but the refusal's audit entry", () => {
  const cases: [string, () => Promise<Awaited<ReturnType<typeof call>>>, number, string, string?][] = [
    ["malformed JSON", () => call("POST", "/api/v1/decisions", '{"action": "refund.issue",'), 400, "bad_request"],
    ["an empty body", () => call("POST", "/api/v1/decisions", ""), 400, "bad_request"],
    ["not JSON", () => call("POST", "/api/v1/decisions", "action=refund", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type"],
    ["a JSON array", () => call("POST", "/api/v1/decisions", [1, 2]), 400, "validation_failed"],
    ["a missing action", () => call("POST", "/api/v1/decisions", { params: { amount: 1 } }), 400, "validation_failed", "action"],
    ["a wrong type", () => call("POST", "/api/v1/decisions", { action: 42 }), 400, "validation_failed", "action"],
    ["an unknown top-level field", () => call("POST", "/api/v1/decisions", { action: "refund.issue", amount: 5 }), 400, "validation_failed", "amount"],
    ["an unknown customer field", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c", vip: true } }), 400, "validation_failed", "customer.vip"],
    ["a 40-digit decimal", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, params: { amount: "1234567890123456789012345678901234567890" } }), 400, "validation_failed", "params.amount"],
    ["a negative amount", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, params: { amount: -5 } }), 400, "validation_failed", "params.amount"],
    ["NaN as an amount", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, params: { amount: "NaN" } }), 400, "validation_failed", "params.amount"],
    ["an exponent amount", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, params: { amount: "1e9" } }), 400, "validation_failed", "params.amount"],
    ["unicode in a customer id", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "cüs_1" } }), 400, "validation_failed", "customer.id"],
    ["unicode in an action", () => call("POST", "/api/v1/decisions", { action: "réfund.issue" }), 400, "validation_failed", "action"],
    ["an unknown data source", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, data_sources: ["crm"] }), 422, "unknown_reference", "data_sources[0]"],
    ["a missing customer id for a customer limit", () => call("POST", "/api/v1/decisions", { action: "refund.issue", params: { amount: 5 } }), 400, "validation_failed", "customer.id"],
    ["a confidence above 1", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" }, context: { confidence: 7 } }), 400, "validation_failed", "context.confidence"],
    ["a bad Idempotency-Key", () => call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "c" } }, { "idempotency-key": "é" }), 400, "validation_failed"],
    ["a huge body", () => call("POST", "/api/v1/decisions", { action: "refund.issue", context: { summary: "x".repeat(70_000) } }), 413, "payload_too_large"],
    ["an unknown endpoint", () => call("GET", "/api/v1/nope"), 404, "not_found"],
    ["a wrong method", () => call("DELETE", "/api/v1/decisions"), 405, "method_not_allowed"],
    ["an unknown outcome status", () => call("POST", "/api/v1/decisions/dec_abc/outcome", { status: "done" }), 400, "validation_failed", "status"],
    ["an unknown review reason", () => call("POST", "/api/v1/reviews", { reason: "bored" }), 400, "validation_failed", "reason"],
  ];

  for (const [name, send, status, code, path] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = await counts();
      const res = await send();
      expectProblem(res, status, code);
      if (path !== undefined) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      const after = await counts();
      expect(after.decisions).toBe(before.decisions);
      expect(after.other).toBe(before.other);
      // Every refusal after authentication is itself audited; routing refusals come before it.
      const audited = status !== 404 && status !== 405;
      expect(after.refused).toBe(before.refused + (audited ? 1 : 0));
    });
  }
});

describe("fuzz", () => {
  it("2,000 random bodies: never a 500, always JSON, and a refusal never writes a decision", async () => {
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    // Mostly plausible values, sometimes anything: so both decisions and refusals are exercised.
    const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: jsonValue });
    const amount = fc.oneof(
      fc.constantFrom("NaN", "-0", "1e3", "0.000000001", "12.5", "99999999999999999999", "42.50"),
      fc.double(),
      fc.string(),
      fc.integer({ min: 0, max: 1000 }),
    );
    const body = fc.oneof(
      { weight: 1, arbitrary: jsonValue },
      {
        weight: 6,
        arbitrary: fc.record(
          {
            action: mostly(fc.constantFrom("refund.issue", "shipment.reroute", "contract.negotiate", "order.status", "return.label", "x.y")),
            intent: mostly(fc.constantFrom("shipping_error", "legal_dispute", "nope")),
            customer: mostly(fc.record({ id: mostly(fc.constantFrom("cus_fuzz", "cus_2")), verified: mostly(fc.boolean()) }, { requiredKeys: [] })),
            params: mostly(fc.record({ amount: mostly(amount), currency: mostly(fc.constantFrom("USD", "EUR", "usd")) }, { requiredKeys: [] })),
            data_sources: mostly(fc.array(fc.constantFrom("orders", "payments", "profile", "crm"), { maxLength: 3 })),
            context: mostly(fc.record({ confidence: mostly(fc.double({ min: 0, max: 1, noNaN: true })), channel: fc.string({ minLength: 1, maxLength: 10 }) }, { requiredKeys: [] })),
            surprise: jsonValue,
          },
          { requiredKeys: [] },
        ),
      },
    );
    const samples = fc.sample(body, { numRuns: 2000, seed: 20261121 });
    let created = 0;
    for (const sample of samples) {
      const before = await counts();
      const res = await call("POST", "/api/v1/decisions", JSON.stringify(sample));
      expect(res.status, JSON.stringify(sample)).not.toBe(500);
      expect([200, 201, 400, 413, 415, 422]).toContain(res.status);
      const after = await counts();
      if (res.status >= 400) {
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        expect(after.decisions).toBe(before.decisions);
        expect(after.refused).toBe(before.refused + 1);
      } else {
        created += 1;
        expect(after.decisions).toBe(before.decisions + 1);
      }
    }
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(samples.length);
  }, 180_000);
});

void operator;
