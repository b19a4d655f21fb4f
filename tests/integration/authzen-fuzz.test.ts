import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// Hostile and half-valid AuthZEN requests through real HTTP at every AuthZEN endpoint: never a
// 5xx, every error an RFC 9457 problem whose status is the HTTP status, every 200 a Decision (or
// the evaluations / search shape), and X-Request-ID always echoed. (The memory check lives in
// agent-api-fuzz.test.ts: this door shares its body reader and handler plumbing.)

const REQUESTS = 3_000;
const CONCURRENCY = 8;
const SEED = 20261221;

let t: TestDatabase;
let api: ApiServer;
let port: number;
let key: string;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  key = await newAgentKey(t, "fuzz-bot", 0);
  api = await startApiServer(t);
  port = Number(new URL(api.url).port);
}, 60_000);
afterAll(async () => {
  await api.close();
  await t.drop();
});

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

const PATHS = ["/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/action"] as const;

function shots(): fc.Arbitrary<Shot> {
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, "", "agent", "fuzz-bot", "customer", "order", "refund.issue", -1, 1e308, true, [], {}));
  // Each field is mostly well-formed, so a good share of requests reach the decision path.
  const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
  const subject = mostly(fc.oneof({ weight: 8, arbitrary: fc.constant({ type: "agent", id: "fuzz-bot" }) }, { weight: 1, arbitrary: fc.record({ type: anyValue, id: anyValue, properties: anyValue }, { requiredKeys: [] }) }));
  const action = mostly(fc.record({ name: mostly(fc.constantFrom("refund.issue", "return.label", "contract.negotiate", "order.status", "x..y", "ünïcode")), properties: mostly(fc.constant({ method: "POST" })) }, { requiredKeys: ["name"] }));
  const resource = mostly(
    fc.record(
      {
        type: mostly(fc.oneof({ weight: 8, arbitrary: fc.constantFrom("customer", "order", "shipment") }, { weight: 1, arbitrary: fc.constantFrom("a-b", "x".repeat(70), "__proto__", "constructor") })),
        id: mostly(fc.oneof({ weight: 8, arbitrary: fc.constantFrom("cus_1", "ord_1", "cus_2") }, { weight: 1, arbitrary: fc.constantFrom("", " ", "a\u0000b") })),
        properties: mostly(fc.record({ verified: mostly(fc.boolean()), segment: mostly(fc.constantFrom("vip", "vip", "")) }, { requiredKeys: [] })),
      },
      { requiredKeys: ["type", "id"] },
    ),
  );
  const context = mostly(
    fc.record(
      {
        intent: mostly(fc.constantFrom("shipping_error", "legal_dispute")),
        params: mostly(fc.record({ amount: mostly(fc.oneof({ weight: 6, arbitrary: fc.constantFrom("42.50", "300", "7") }, { weight: 1, arbitrary: fc.constantFrom("1e999", "-1", "0.000000001") })), currency: mostly(fc.constant("USD")), order_id: mostly(fc.constant("ord_1")) }, { requiredKeys: [] })),
        data_sources: mostly(fc.constantFrom(["orders"], ["orders", "payments"], ["orders", "payments"], ["payments", "nope"])),
        confidence: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
        dry_run: mostly(fc.boolean()),
        time: anyValue,
      },
      { requiredKeys: [] },
    ),
  );
  const evaluation = fc.record({ subject, action, resource, context }, { requiredKeys: ["subject", "action", "resource"] });
  const body = fc.oneof(
    { weight: 6, arbitrary: evaluation },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          subject,
          action,
          resource,
          context,
          evaluations: fc.oneof(fc.array(evaluation, { maxLength: 4 }), anyValue),
          options: fc.oneof(fc.record({ evaluations_semantic: fc.oneof(fc.constantFrom("execute_all", "deny_on_first_deny", "permit_on_first_permit"), anyValue) }), anyValue),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 2, arbitrary: fc.record({ subject, resource, context, page: fc.oneof(fc.record({ limit: anyValue, token: fc.oneof(fc.base64String(), anyValue) }, { requiredKeys: [] }), anyValue) }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anyValue },
  );
  const text = fc.oneof(
    { weight: 8, arbitrary: body.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: body.chain((value) => fc.nat().map((n) => { const s = JSON.stringify(value) ?? ""; return s.slice(0, n % (s.length + 1)); })) },
    { weight: 1, arbitrary: fc.constantFrom("", "{", '{"subject":1,"subject":2}', '{"a":"\\u0000"}', '{"a":"\\ud800"}', `{"context":{"params":{"amount":${"9".repeat(3000)}}}}`, `${'{"a":'.repeat(100)}1${"}".repeat(100)}`) },
  );
  const path = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fc.constantFrom("/access/v1/search/subject", "/access/v1/", "/access/v1/evaluation/", "/.well-known/authzen-configuration", "/.well-known/authzen-configuration/tenant1", "/access/v1/evaluation?x=%ff") });
  const method = fc.oneof({ weight: 10, arbitrary: fc.constant("AUTO") }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "OPTIONS", "HEAD") });
  const auth = fc.oneof({ weight: 10, arbitrary: fc.constant("Bearer GOOD") }, { weight: 1, arbitrary: fc.constantFrom("", "Bearer", "Basic dXNlcjpwYXNz", "Bearer mdt_" + "x".repeat(43)) });
  const requestId = fc.option(fc.string({ minLength: 1, maxLength: 60, unit: fc.constantFrom(..."abcXYZ0189-_. :/") }), { nil: null });
  const idempotency = fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom("k1", "x".repeat(256), " ") });
  const contentType = fc.oneof({ weight: 10, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: fc.constantFrom("text/plain", "", "application/authzen+json") });
  return fc.record({ method, path, auth, requestId, idempotency, contentType, text }).map(({ method: m, path: p, auth: a, requestId: r, idempotency: k, contentType: c, text: b }) => {
    const resolved = m === "AUTO" ? (p.startsWith("/.well-known") ? "GET" : "POST") : m;
    const headers: Record<string, string> = {};
    if (a) headers.authorization = a.replace("GOOD", key);
    if (r !== null) headers["x-request-id"] = r;
    if (k !== null) headers["idempotency-key"] = k;
    if (c) headers["content-type"] = c;
    return { method: resolved, path: p, headers, body: resolved === "GET" || resolved === "HEAD" ? null : Buffer.from(b, "utf8") };
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(shot: Shot): Promise<{ status: number; type: string; requestId: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: shot.method, path: shot.path, headers: { ...shot.headers, ...(shot.body ? { "content-length": String(shot.body.length) } : {}) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), requestId: res.headers["x-request-id"] as string | undefined, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${shot.method} ${shot.path}`)));
    req.end(shot.body ?? undefined);
  });
}

function checkSuccess(path: string, body: Record<string, unknown>): string | null {
  if (path.startsWith("/.well-known")) return typeof body.policy_decision_point === "string" ? null : "metadata without policy_decision_point";
  if (path === "/access/v1/search/action") return Array.isArray(body.results) && typeof (body.page as { next_token?: unknown })?.next_token === "string" ? null : "search answer without results and page";
  const decisions = Array.isArray(body.evaluations) ? (body.evaluations as Record<string, unknown>[]) : [body];
  return decisions.every((d) => typeof d.decision === "boolean" && typeof d.context === "object") ? null : "a Decision without a boolean decision and a context";
}

describe("AuthZEN fuzz", () => {
  it(`${REQUESTS.toLocaleString("en-US")} hostile requests: no 5xx, every error a problem+json with its status, X-Request-ID echoed`, async () => {
    const all = fc.sample(shots(), { numRuns: REQUESTS, seed: SEED });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < all.length) {
          const shot = all[next++]!;
          const describeShot = () => `${shot.method} ${shot.path} ${JSON.stringify(shot.headers).slice(0, 200)} ${(shot.body ?? Buffer.alloc(0)).toString("utf8").slice(0, 300)}`;
          let answer;
          try {
            answer = await send(shot);
          } catch (error) {
            failures.push(`${(error as Error).message}: ${describeShot()}`);
            continue;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          // HTTP strips a field value's surrounding whitespace (RFC 9110 §5.5): that is the id sent.
          const sentId = shot.headers["x-request-id"]?.trim();
          if (sentId && answer.requestId !== sentId) failures.push(`X-Request-ID not echoed: ${describeShot()}`);
          if (answer.status >= 500) {
            failures.push(`${answer.status}: ${describeShot()} → ${answer.body.slice(0, 300)}`);
            continue;
          }
          if (shot.method === "HEAD") continue;
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(answer.body) as Record<string, unknown>;
          } catch {
            failures.push(`${answer.status} body is not JSON: ${describeShot()}`);
            continue;
          }
          if (answer.status >= 400) {
            if (!answer.type.startsWith("application/problem+json") || parsed.status !== answer.status) failures.push(`${answer.status} not a matching problem: ${describeShot()} → ${answer.body.slice(0, 200)}`);
          } else {
            const wrong = checkSuccess(shot.path, parsed);
            if (wrong) failures.push(`${wrong}: ${describeShot()} → ${answer.body.slice(0, 200)}`);
          }
        }
      }),
    );
    console.log(`AuthZEN fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures.slice(0, 10)).toEqual([]);
    // The run must have reached the decision path, not only the parser.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
  }, 300_000);
});
