import http from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthzenNodeHandler, isAuthzenPath } from "../../lib/authzen/authzen-api";
import { createNodeHandler } from "../../lib/api/agent-api";
import { AgentAuthenticator } from "../../lib/api/agent-auth";
import { createHealthHandler, Readiness } from "../../lib/api/health";
import { RateLimiter } from "../../lib/api/rate-limiter";
import { createPool } from "../../lib/db/pool";
import { ERROR_STATUS, type ErrorCode } from "../../lib/errors";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

describe("OpenAPI document", () => {
  it("is served at /api/v1/openapi.json and real responses conform to it", async () => {
    const doc = (await client(api.url, null)("GET", "/api/v1/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(["/api/v1/decisions", "/api/v1/decisions/{id}", "/api/v1/decisions/{id}/outcome", "/api/v1/reviews", "/healthz", "/readyz", "/access/v1/evaluation", "/access/v1/evaluations", "/access/v1/search/action", "/.well-known/authzen-configuration"]);
    // The stop overlay on reads is part of the contract (issue #19): documented where agents look.
    expect(doc.paths["/api/v1/decisions/{id}"].get.description).toMatch(/code `paused`.*do not execute while that reason is present/s);
    // The exact reader's JsonDecimal stays out of the document: plain JSON types only.
    expect(doc.components.schemas.DecisionRequest.properties.params.properties.amount.type).toEqual(["number", "string"]);
    expect(doc.components.schemas.DecisionRequest.properties.context.properties.confidence).toMatchObject({ type: "number", minimum: 0, maximum: 1 });
    expect(doc.paths["/api/v1/decisions"].post.responses["503"].headers["Retry-After"]).toBeDefined();

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const [id, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${id}`);
    const conforms = (id: string, value: unknown) => {
      const validate = ajv.getSchema(`#/components/schemas/${id}`)!;
      const ok = validate(value);
      return ok ? "ok" : JSON.stringify(validate.errors);
    };
    const responseSchema = (path: string, method: string, status: string) => {
      const content = doc.paths[path][method].responses[status].content;
      const ref: string = (content["application/json"] ?? content["application/problem+json"]).schema.$ref;
      return ref.split("/").pop()!;
    };

    const request = { action: "refund.issue", intent: "shipping_error", customer: { id: "cus_1", verified: true }, params: { amount: "42.50", currency: "USD" } };
    expect(conforms("DecisionRequest", request)).toBe("ok");
    expect(conforms("DecisionRequest", { ...request, typo: 1 })).not.toBe("ok");

    const allowed = await call("POST", "/api/v1/decisions", request);
    expect(conforms(responseSchema("/api/v1/decisions", "post", "201"), allowed.body)).toBe("ok");
    const held = await call("POST", "/api/v1/decisions", { ...request, customer: { id: "cus_2" }, params: { amount: 300 } });
    expect(conforms(responseSchema("/api/v1/decisions", "post", "201"), held.body)).toBe("ok");
    const got = await call("GET", `/api/v1/decisions/${held.body.id}`);
    expect(conforms(responseSchema("/api/v1/decisions/{id}", "get", "200"), got.body)).toBe("ok");
    const outcome = await call("POST", `/api/v1/decisions/${allowed.body.id}/outcome`, { status: "executed", action_digest: allowed.body.action_digest });
    expect(conforms(responseSchema("/api/v1/decisions/{id}/outcome", "post", "201"), outcome.body)).toBe("ok");
    const review = await call("POST", "/api/v1/reviews", { reason: "policy_gap" });
    expect(conforms(responseSchema("/api/v1/reviews", "post", "201"), review.body)).toBe("ok");
    const invalid = await call("POST", "/api/v1/decisions", { action: 1 });
    expect(conforms(responseSchema("/api/v1/decisions", "post", "400"), invalid.body)).toBe("ok");
    const duplicate = await call("POST", "/api/v1/decisions", '{"action":"return.label","action":"return.label"}');
    expect(duplicate.status).toBe(400);
    expect(conforms(responseSchema("/api/v1/decisions", "post", "400"), duplicate.body)).toBe("ok");
    const ready = await fetch(`${api.url}/readyz`);
    expect(ajv.validate(doc.paths["/readyz"].get.responses["200"].content["application/json"].schema, await ready.json())).toBe(true);
    const conflict = await call("POST", `/api/v1/decisions/${held.body.id}/outcome`, { status: "executed", action_digest: held.body.action_digest });
    expect(conforms(responseSchema("/api/v1/decisions/{id}/outcome", "post", "409"), conflict.body)).toBe("ok");
  });
});

type Response = Awaited<ReturnType<ReturnType<typeof client>>>;

/** A server over the same handlers whose database is out of reach: every authenticated call is a 503. */
async function startDeadServer(runtime: ApiServer["runtime"]): Promise<{ url: string; close(): Promise<void> }> {
  const dead = createPool("postgresql://nobody:nothing@127.0.0.1:9/none", 2);
  const deps = { pool: dead, runtime, auth: new AgentAuthenticator(dead), limiter: new RateLimiter() };
  const handler = createNodeHandler(deps);
  const authzen = createAuthzenNodeHandler(deps);
  const health = createHealthHandler(new Readiness(dead, runtime));
  const server = http.createServer((req, res) => {
    if (!health(req, res)) void (isAuthzenPath(req.url) ? authzen : handler)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await dead.end();
    },
  };
}

// Which problem codes each operation can answer with, read from the code (lib/api, lib/decisions,
// lib/reviews). Every one must have its status documented for the operation, and every one but
// `internal` is provoked below, so this list cannot claim a code the API does not send.
const EMITS: Record<string, ErrorCode[]> = {
  "post /api/v1/decisions": [
    "validation_failed", "bad_request", "unauthenticated", "forbidden", "idempotency_in_progress", "payload_too_large",
    "unsupported_media_type", "unknown_reference", "idempotency_key_reused", "rate_limited", "unavailable", "internal",
  ],
  "get /api/v1/decisions/{id}": ["not_found", "unauthenticated", "forbidden", "rate_limited", "unavailable", "internal"],
  "post /api/v1/decisions/{id}/outcome": [
    "validation_failed", "bad_request", "not_found", "action_mismatch", "not_executable", "conflict", "unauthenticated", "forbidden",
    "payload_too_large", "unsupported_media_type", "rate_limited", "unavailable", "internal",
  ],
  "post /api/v1/reviews": [
    "validation_failed", "bad_request", "unknown_reference", "unauthenticated", "forbidden", "payload_too_large", "unsupported_media_type",
    "rate_limited", "unavailable", "internal",
  ],
  "get /readyz": ["unavailable"],
  "post /access/v1/evaluation": ["validation_failed", "bad_request", "unauthenticated", "forbidden", "payload_too_large", "unsupported_media_type", "rate_limited", "unavailable", "internal"],
  "post /access/v1/evaluations": ["validation_failed", "bad_request", "unauthenticated", "forbidden", "payload_too_large", "unsupported_media_type", "rate_limited", "unavailable", "internal"],
  "post /access/v1/search/action": ["validation_failed", "bad_request", "unauthenticated", "forbidden", "payload_too_large", "unsupported_media_type", "rate_limited", "unavailable", "internal"],
};
// Codes any path can answer with, before an operation is chosen: documented in info.description.
const ANY_PATH: ErrorCode[] = ["not_found", "method_not_allowed", "bad_request", "request_timeout", "payload_too_large", "headers_too_large"];
// Codes only the console's own routes and server actions use, never the agent API.
const CONSOLE_ONLY: ErrorCode[] = ["already_decided", "paused", "stale_revision", "unprocessable"];
// Documented statuses no test can provoke on purpose.
const UNPROVOKABLE: Record<string, string> = { "500": "an unexpected failure: there is no input that causes one" };

describe("every documented status is a real response", () => {
  it("each operation's documented statuses, with their codes, bodies and headers, are what the server sends", async () => {
    const doc = (await client(api.url, null)("GET", "/api/v1/openapi.json")).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const [id, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${id}`);

    const seen = new Map<string, Set<string>>(); // "method path" → statuses provoked
    const codesSeen = new Map<string, Set<string>>(); // "method path" → problem codes provoked
    async function expectDocumented(method: string, path: string, status: number, send: () => Promise<Response>, code?: ErrorCode) {
      const res = await send();
      const where = `${method.toUpperCase()} ${path} → ${status}${code ? ` ${code}` : ""}`;
      expect(res.status, where).toBe(status);
      const documented = doc.paths[path]?.[method]?.responses?.[String(status)];
      expect(documented, `${where} is not documented`).toBeDefined();
      const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
      const content = documented.content?.[mediaType];
      expect(content, `${where}: ${mediaType} is not a documented content type`).toBeDefined();
      const validate = ajv.compile(content.schema);
      expect(validate(res.body) ? "ok" : JSON.stringify(validate.errors), where).toBe("ok");
      for (const name of Object.keys(documented.headers ?? {})) expect(res.headers.get(name), `${where}: header ${name}`).not.toBeNull();
      if (mediaType === "application/problem+json") {
        expect(res.body, where).toMatchObject({ status, code, type: `/api/v1/errors#${code}` });
        expect(ERROR_STATUS[res.body.code as ErrorCode], where).toBe(status);
        (codesSeen.get(`${method} ${path}`) ?? codesSeen.set(`${method} ${path}`, new Set()).get(`${method} ${path}`)!).add(res.body.code);
      }
      (seen.get(`${method} ${path}`) ?? seen.set(`${method} ${path}`, new Set()).get(`${method} ${path}`)!).add(String(status));
      return res;
    }

    const anonymous = client(api.url, null);
    const revokedKey = await newAgentKey(t, "openapi-revoked");
    await t.query(`UPDATE api_keys SET revoked_at = now() WHERE agent_id = (SELECT id FROM agents WHERE name = 'openapi-revoked')`);
    const revoked = client(api.url, revokedKey);
    const deadServer = await startDeadServer(api.runtime);
    const down = client(deadServer.url, await newAgentKey(t, "openapi-down"));

    const D = "/api/v1/decisions";
    const ONE = "/api/v1/decisions/{id}";
    const OUT = "/api/v1/decisions/{id}/outcome";
    const R = "/api/v1/reviews";
    const refund = (amount: string | number, customer: string) => ({ action: "refund.issue", customer: { id: customer, verified: true }, params: { amount, currency: "USD" } });

    try {
      // POST /api/v1/decisions
      const allowed = await expectDocumented("post", D, 201, () => call("POST", D, refund("12.50", "cus_oa1")));
      expect(allowed.headers.get("location")).toBe(`${D}/${allowed.body.id}`);
      const held = await expectDocumented("post", D, 201, () => call("POST", D, refund(300, "cus_oa2")));
      expect(held.body.decision).toBe("hold");
      const key = { "idempotency-key": "openapi-replay" };
      await expectDocumented("post", D, 201, () => call("POST", D, refund("10", "cus_oa3"), key));
      const replay = await expectDocumented("post", D, 200, () => call("POST", D, refund("10", "cus_oa3"), key));
      expect(replay.headers.get("location")).toBeNull();
      await expectDocumented("post", D, 422, () => call("POST", D, refund("11", "cus_oa3"), key), "idempotency_key_reused");
      await expectDocumented("post", D, 422, () => call("POST", D, { action: "refund.issue", customer: { id: "c" }, data_sources: ["crm"] }), "unknown_reference");
      await expectDocumented("post", D, 400, () => call("POST", D, { action: 1 }), "validation_failed");
      await expectDocumented("post", D, 400, () => call("POST", D, '{"action": "refund.issue",'), "bad_request");
      await expectDocumented("post", D, 413, () => call("POST", D, { action: "refund.issue", context: { summary: "x".repeat(70_000) } }), "payload_too_large");
      await expectDocumented("post", D, 415, () => call("POST", D, "action=refund", { "content-type": "application/x-www-form-urlencoded" }), "unsupported_media_type");
      const [agent] = await t.query<{ id: string }>(`SELECT id FROM agents WHERE name = 'support-bot'`);
      const holder = await api.pool.connect();
      try {
        await holder.query("BEGIN");
        await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`idem:${agent!.id}:openapi-busy`]);
        await expectDocumented("post", D, 409, () => call("POST", D, refund("10", "cus_oa4"), { "idempotency-key": "openapi-busy" }), "idempotency_in_progress");
      } finally {
        await holder.query("ROLLBACK");
        holder.release();
      }

      // GET /api/v1/decisions/{id}
      await expectDocumented("get", ONE, 200, () => call("GET", `${D}/${held.body.id}`));
      await expectDocumented("get", ONE, 404, () => call("GET", `${D}/dec_nothing_here`), "not_found");
      await expectDocumented("get", ONE, 404, () => call("GET", `${D}/not-a-decision-id`), "not_found");

      // POST /api/v1/decisions/{id}/outcome
      const executed = { status: "executed", action_digest: allowed.body.action_digest, external_ref: "re_1" };
      await expectDocumented("post", OUT, 409, () => call("POST", `${D}/${allowed.body.id}/outcome`, { ...executed, action_digest: `sha256:${"0".repeat(64)}` }), "action_mismatch");
      await expectDocumented("post", OUT, 201, () => call("POST", `${D}/${allowed.body.id}/outcome`, executed));
      await expectDocumented("post", OUT, 200, () => call("POST", `${D}/${allowed.body.id}/outcome`, executed));
      await expectDocumented("post", OUT, 409, () => call("POST", `${D}/${allowed.body.id}/outcome`, { ...executed, external_ref: "re_2" }), "conflict");
      await expectDocumented("post", OUT, 409, () => call("POST", `${D}/${held.body.id}/outcome`, { status: "executed", action_digest: held.body.action_digest }), "not_executable");
      await expectDocumented("post", OUT, 404, () => call("POST", `${D}/dec_nothing_here/outcome`, { status: "failed" }), "not_found");
      await expectDocumented("post", OUT, 400, () => call("POST", `${D}/${held.body.id}/outcome`, { status: "done" }), "validation_failed");
      await expectDocumented("post", OUT, 400, () => call("POST", `${D}/${held.body.id}/outcome`, "{"), "bad_request");
      await expectDocumented("post", OUT, 413, () => call("POST", `${D}/${held.body.id}/outcome`, { status: "failed", external_ref: "x".repeat(70_000) }), "payload_too_large");
      await expectDocumented("post", OUT, 415, () => call("POST", `${D}/${held.body.id}/outcome`, "status=failed", { "content-type": "text/plain" }), "unsupported_media_type");

      // POST /api/v1/reviews
      await expectDocumented("post", R, 201, () => call("POST", R, { reason: "agent_uncertain", decision_id: held.body.id, note: "Customer insists" }));
      await expectDocumented("post", R, 422, () => call("POST", R, { reason: "other", decision_id: "dec_nothing_here" }), "unknown_reference");
      await expectDocumented("post", R, 400, () => call("POST", R, { reason: "bored" }), "validation_failed");
      await expectDocumented("post", R, 400, () => call("POST", R, "[1,"), "bad_request");
      await expectDocumented("post", R, 413, () => call("POST", R, { reason: "other", note: "x".repeat(70_000) }), "payload_too_large");
      await expectDocumented("post", R, 415, () => call("POST", R, "reason=other", { "content-type": "text/plain" }), "unsupported_media_type");

      // AuthZEN 1.0 (docs/api/authzen.md): the standard's shapes, Mandate's problem details for errors.
      const EV = "/access/v1/evaluation";
      const EVS = "/access/v1/evaluations";
      const SA = "/access/v1/search/action";
      const access = { subject: { type: "agent", id: "support-bot" }, action: { name: "refund.issue" }, resource: { type: "customer", id: "cus_az1", properties: { verified: true } }, context: { params: { amount: "12.50", currency: "USD" } } };
      const search = { subject: access.subject, resource: access.resource, context: access.context };
      const evaluations = { subject: access.subject, resource: access.resource, context: access.context, evaluations: [{ action: { name: "refund.issue" } }, { action: { name: "contract.negotiate" } }] };
      for (const [path, body] of [[EV, access], [EVS, evaluations], [SA, search]] as const) {
        await expectDocumented("post", path, 200, () => call("POST", path, body));
        // In a batch a bad item or another agent's subject is that item's error (200); only the request as a whole is a 400.
        const invalid = path === EVS ? { ...body, options: { evaluations_semantic: "all_or_nothing" } } : { ...body, subject: "support-bot" };
        await expectDocumented("post", path, 400, () => call("POST", path, invalid), "validation_failed");
        await expectDocumented("post", path, 400, () => call("POST", path, '{"subject":'), "bad_request");
        if (path !== EVS) await expectDocumented("post", path, 403, () => call("POST", path, { ...body, subject: { type: "agent", id: "another-bot" } }), "forbidden");
        await expectDocumented("post", path, 413, () => call("POST", path, { ...body, context: { summary: "x".repeat(70_000) } }), "payload_too_large");
        await expectDocumented("post", path, 415, () => call("POST", path, "subject=x", { "content-type": "text/plain" }), "unsupported_media_type");
      }
      await expectDocumented("get", "/.well-known/authzen-configuration", 200, () => anonymous("GET", "/.well-known/authzen-configuration"));

      // What every agent operation shares: authentication, the rate limit, the database out of reach.
      const operations: [string, string, string, unknown][] = [
        ["post", D, D, { action: "return.label", customer: { id: "c" } }],
        ["get", ONE, `${D}/${held.body.id}`, undefined],
        ["post", OUT, `${D}/${held.body.id}/outcome`, { status: "failed" }],
        ["post", R, R, { reason: "other" }],
        ["post", EV, EV, access],
        ["post", EVS, EVS, evaluations],
        ["post", SA, SA, search],
      ];
      for (const [index, [method, template, path, body]] of operations.entries()) {
        const M = method.toUpperCase();
        await expectDocumented(method, template, 401, () => anonymous(M, path, body), "unauthenticated");
        await expectDocumented(method, template, 401, () => client(api.url, "mdt_" + "x".repeat(43))(M, path, body), "unauthenticated");
        await expectDocumented(method, template, 403, () => revoked(M, path, body), "forbidden");
        const limited = client(api.url, await newAgentKey(t, `openapi-slow-${index}`, 1));
        await limited(M, path, body);
        const refused = await expectDocumented(method, template, 429, () => limited(M, path, body), "rate_limited");
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        const unavailable = await expectDocumented(method, template, 503, () => down(M, path, body), "unavailable");
        expect(unavailable.headers.get("retry-after")).toBe("1");
      }

      // Health: no key needed.
      await expectDocumented("get", "/healthz", 200, () => anonymous("GET", "/healthz"));
      await expectDocumented("get", "/readyz", 200, () => anonymous("GET", "/readyz"));
      await expectDocumented("get", "/readyz", 503, () => client(deadServer.url, null)("GET", "/readyz"), "unavailable");
    } finally {
      await deadServer.close();
    }

    // Every documented status was provoked above, or cannot be.
    const missing: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const status of Object.keys(operation.responses)) {
          if (!seen.get(`${method} ${path}`)?.has(status) && !UNPROVOKABLE[status]) missing.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);

    // Every code an operation can send has its status documented there, and the description names it;
    // every code sent above is one the list expects, and every listed code but `internal` was sent.
    for (const [operation, codes] of Object.entries(EMITS)) {
      const [method, path] = operation.split(" ") as [string, string];
      for (const code of codes) {
        const documented = doc.paths[path][method].responses[String(ERROR_STATUS[code])];
        expect(documented, `${operation}: ${code} (${ERROR_STATUS[code]}) is not documented`).toBeDefined();
        expect(documented.description, `${operation}: the ${ERROR_STATUS[code]} description does not name ${code}`).toContain(code);
      }
      expect([...(codesSeen.get(operation) ?? [])].filter((code) => !codes.includes(code as ErrorCode)), operation).toEqual([]);
      expect(codes.filter((code) => code !== "internal" && !codesSeen.get(operation)?.has(code)), operation).toEqual([]);
    }
    for (const code of ANY_PATH) expect(doc.info.description, code).toContain(code);
    // A new code in lib/errors.ts must be placed: sent by an operation, by any path, or by the console only.
    const placed = new Set([...Object.values(EMITS).flat(), ...ANY_PATH, ...CONSOLE_ONLY]);
    expect(Object.keys(ERROR_STATUS).filter((code) => !placed.has(code as ErrorCode))).toEqual([]);
  });

  it("a method a documented path does not list is 405 with an Allow header naming the documented methods", async () => {
    const doc = (await client(api.url, null)("GET", "/api/v1/openapi.json")).body;
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      const concrete = path.replace("{id}", "dec_nothing_here");
      const documented = Object.keys(item).map((m) => m.toUpperCase());
      const other = documented.includes("POST") ? "PUT" : "POST";
      const res = await call(other, concrete, other === "POST" ? {} : undefined);
      expect(res.status, `${other} ${path}`).toBe(405);
      expect(res.body).toMatchObject({ status: 405, code: "method_not_allowed" });
      const allow = (res.headers.get("allow") ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "HEAD");
      expect(allow, path).toEqual(documented);
    }
  });
});
