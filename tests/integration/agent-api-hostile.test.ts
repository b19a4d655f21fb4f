import net from "node:net";
import fc from "fast-check";
import { Decimal } from "../../lib/engine/money";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let key: string;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  key = await newAgentKey(t, "hostile-bot");
  api = await startApiServer(t);
  call = client(api.url, key);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

/** Sends the body's bytes exactly as given (fetch would re-encode a string). */
async function sendRaw(method: string, path: string, body: string | Buffer) {
  const response = await fetch(api.url + path, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: new Uint8Array(typeof body === "string" ? Buffer.from(body, "utf8") : body) });
  return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function stored() {
  const [row] = await t.query<{ decisions: number; outcomes: number; reviews: number }>(
    `SELECT (SELECT count(*)::int FROM decisions) AS decisions, (SELECT count(*)::int FROM outcomes) AS outcomes, (SELECT count(*)::int FROM review_cases) AS reviews`,
  );
  return row!;
}

describe("amounts sent as JSON numbers are stored exactly", () => {
  // Bug: 123456789012345678 as a JSON number was stored as 123456789012345680, and
  // order.cancel with an amount just over 200 was decided at tier medium.
  it("stores the written digits and decides as the string form does, through real HTTP", async () => {
    const amounts = fc.oneof(
      fc.constantFrom("123456789012345678", "999999999999999999.999999", "200.000001", "199.999999", "200", "50.000001", "500.000001"),
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 999_999 })).map(([whole, fraction]) => `${whole}.${String(fraction).padStart(6, "0")}`),
    );
    for (const amount of fc.sample(amounts, { numRuns: 40, seed: 20261207 })) {
      const results = [];
      for (const written of [amount, `"${amount}"`]) {
        const res = await sendRaw("POST", "/api/v1/decisions", `{"action":"order.cancel","params":{"amount":${written},"currency":"USD"}}`);
        expect(res.status, written).toBe(201);
        const [row] = await t.query<{ amount: string; tier: string; decision: string }>(`SELECT amount::text, tier, decision::text FROM decisions WHERE id = $1`, [res.body.id]);
        results.push({ decision: res.body.decision, tier: res.body.tier, digest: res.body.action_digest, row: { ...row, amount: new Decimal(row!.amount).toFixed() } });
      }
      expect(results[0], amount).toEqual(results[1]);
      expect(results[0]!.row.amount).toBe(new Decimal(amount).toFixed());
      expect(results[0]!.tier).toBe(new Decimal(amount).lte(200) ? "medium" : "high");
    }
  }, 120_000);
});

describe("text that cannot be stored or read twice is a 400 naming the field", () => {
  let decisionId: string;
  beforeAll(async () => {
    decisionId = (await call("POST", "/api/v1/decisions", { action: "return.label" })).body.id;
  });

  const cases: [string, string, string, string][] = [
    // Bug: NUL in any string field was a 500.
    ["NUL in context.summary", "/api/v1/decisions", '{"action":"return.label","context":{"summary":"a\\u0000b"}}', "context.summary"],
    ["NUL in a param", "/api/v1/decisions", '{"action":"return.label","params":{"order_id":"o\\u0000"}}', "params.order_id"],
    ["NUL in a param name", "/api/v1/decisions", '{"action":"return.label","params":{"o\\u0000":"1"}}', "params"],
    ["NUL in external_ref", "/api/v1/decisions/DEC/outcome", '{"status":"failed","external_ref":"re\\u0000"}', "external_ref"],
    ["NUL in outcome detail", "/api/v1/decisions/DEC/outcome", '{"status":"failed","detail":{"why":"\\u0000"}}', "detail.why"],
    ["NUL in a review note", "/api/v1/reviews", '{"reason":"other","note":"\\u0000"}', "note"],
    // Bug: an unpaired surrogate in a review note was stored.
    ["an unpaired surrogate in a review note", "/api/v1/reviews", '{"reason":"other","note":"half \\ud83d of an emoji"}', "note"],
    ["an unpaired surrogate in a key", "/api/v1/decisions", '{"action":"return.label","context":{"\\udc00":1}}', "context"],
    // Bug: a duplicate key was accepted, the last value winning.
    ["a duplicate action", "/api/v1/decisions", '{"action":"return.label","action":"contract.negotiate"}', "action"],
    ["an identical duplicate", "/api/v1/decisions", '{"action":"return.label","params":{"amount":1,"amount":1}}', "params.amount"],
    ["a duplicate in an outcome", "/api/v1/decisions/DEC/outcome", '{"status":"failed","status":"failed"}', "status"],
  ];
  for (const [name, path, body, field] of cases) {
    it(`${name} → 400 validation_failed at ${field}, nothing stored`, async () => {
      const before = await stored();
      const res = await sendRaw("POST", path.replace("DEC", decisionId), body);
      expect(res.status).toBe(400);
      expect(res.type).toContain("application/problem+json");
      expect(res.body).toMatchObject({ status: 400, code: "validation_failed", errors: [{ path: field }] });
      expect(await stored()).toEqual(before);
    });
  }

  // Bug: invalid UTF-8 was stored with replacement characters.
  it("invalid UTF-8 in a string → 400 naming the field; elsewhere → 400 bad_request", async () => {
    const body = Buffer.concat([Buffer.from('{"action":"return.label","context":{"summary":"caf'), Buffer.from([0xe9]), Buffer.from('"}}')]);
    const before = await stored();
    const res = await sendRaw("POST", "/api/v1/decisions", body);
    expect(res).toMatchObject({ status: 400, body: { code: "validation_failed", errors: [{ path: "context.summary" }] } });
    const outside = await sendRaw("POST", "/api/v1/decisions", Buffer.concat([Buffer.from('{"action":"return.label"'), Buffer.from([0xff]), Buffer.from("}")]));
    expect(outside).toMatchObject({ status: 400, body: { code: "bad_request" } });
    expect(await stored()).toEqual(before);
  });
});

/** Writes raw bytes on a fresh connection and returns the whole answer. */
function rawExchange(request: string): Promise<string> {
  const { port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("requests node:http's parser refuses", () => {
  // Bug: oversize headers and a malformed request line got an empty 431/400.
  it("answers oversize headers with 431 problem+json and a malformed request line with 400 problem+json", async () => {
    for (const [request, status, code] of [
      [`GET /api/v1/decisions/dec_x HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
      ["BREW /api/v1 HTCPCP/1.0\r\n\r\n", 400, "bad_request"],
      ["GET /api/v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "bad_request"],
    ] as const) {
      const answer = await rawExchange(request);
      const [head, body] = answer.split("\r\n\r\n");
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head!.toLowerCase()).toContain("content-type: application/problem+json");
      expect(JSON.parse(body!)).toMatchObject({ status, code, type: `/api/v1/errors#${code}` });
    }
  });
});

describe("health", () => {
  it("/healthz is liveness and /readyz readiness, with the policy version", async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", policy_version: expect.any(Number) });
    expect((await fetch(`${api.url}/readyz`, { method: "POST" })).status).toBe(405);
  });
});
