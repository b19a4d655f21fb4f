import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
