import { z } from "zod";
import {
  decisionRequestSchema,
  grantedDecisionResponseSchema,
  outcomeRequestSchema,
  problemSchema,
  reviewRequestSchema,
  reviewResponseSchema,
} from "@/lib/decisions/schemas";
import { authzenInputSchemas, authzenOutputSchemas, authzenPaths } from "@/lib/authzen/openapi-paths";

// OpenAPI 3.1 for the agent API, generated from the zod schemas that validate requests.

function components(entries: Record<string, z.ZodType>, io: "input" | "output") {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  for (const schema of Object.values(schemas)) {
    delete (schema as { $schema?: string }).$schema;
    delete (schema as { $id?: string }).$id;
  }
  return schemas;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ "application/json": { schema: ref(id) } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });

const retryAfter = { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } };

// Each error status's description names the `code`s it carries (tests/integration/openapi.test.ts checks it).
const COMMON_ERRORS = {
  "401": problem("unauthenticated: missing, malformed or unknown API key"),
  "403": problem("forbidden: revoked key or disabled agent"),
  "429": { ...problem("rate_limited: this key's requests per second are spent; retry after Retry-After"), headers: retryAfter },
  "500": problem("internal: an unexpected failure (the detail never holds the internal message). Do not act; retry later"),
  "503": { ...problem("unavailable: the database is out of reach or the policy cannot be loaded. Fails closed: do not act; retry after Retry-After"), headers: retryAfter },
};

// Any endpoint that reads a JSON body.
const BODY_ERRORS = {
  "413": problem("payload_too_large: body over 64 KiB"),
  "415": problem("unsupported_media_type: the Content-Type is not JSON"),
};

// The body is read exactly (agent-api.md): these are 400s whatever the endpoint.
const INVALID_BODY = problem(
  "validation_failed naming each field (`errors[].path`): a schema violation, a key twice in one object, NUL, an unpaired surrogate, invalid UTF-8 or nesting past 64 levels; bad_request: not JSON (or not HTTP/1.1)",
);

export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Mandate agent API",
      version: "1.0.0",
      description:
        "Ask before acting. Field names are snake_case, times RFC 3339 UTC, money exact decimals: an amount sent as a JSON number means the digits written, never a binary float. Errors are RFC 9457 problem details; a request node's HTTP parser refuses is answered as one too (400 bad_request, 408 request_timeout, 413 payload_too_large, 431 headers_too_large). Any path: an unknown path is 404 not_found; a method the path does not list is 405 method_not_allowed with an Allow header.",
    },
    servers: [{ url: "/" }],
    security: [{ agentKey: [] }],
    paths: {
      "/api/v1/decisions": {
        post: {
          operationId: "createDecision",
          summary: "Ask whether an action may be taken",
          parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 1, maxLength: 255 } }],
          requestBody: { required: true, content: json("DecisionRequest") },
          responses: {
            "201": { description: "A new decision", content: json("Decision"), headers: { Location: { schema: { type: "string" }, description: "/api/v1/decisions/{id}" } } },
            "200": { description: "Idempotent replay of the original decision", content: json("Decision") },
            "400": INVALID_BODY,
            ...COMMON_ERRORS,
            ...BODY_ERRORS,
            "409": problem("idempotency_in_progress: a request with this Idempotency-Key is still being processed"),
            "422": problem("unknown_reference: an unknown data source (`errors[].path` names it); idempotency_key_reused: this Idempotency-Key was used with another body"),
          },
        },
      },
      "/api/v1/decisions/{id}": {
        get: {
          operationId: "getDecision",
          summary: "The decision as it stands now",
          description:
            "While a stop switch covers the decision's agent or action, an `allowed` or `approved` decision that has not been executed carries, first among its `reasons`, " +
            "a reason with code `paused` (rule `stop_switch`) whose message names what is paused, since when and why. Its `status` is unchanged: do not execute while that " +
            "reason is present; read the decision again after the stop is lifted. Executed, denied, held, rejected and expired decisions never carry it.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The decision", content: json("Decision") }, "404": problem("not_found: no such decision for this agent"), ...COMMON_ERRORS },
        },
      },
      "/api/v1/decisions/{id}/outcome": {
        post: {
          operationId: "reportOutcome",
          summary: "Report what was done with a decision",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, content: json("OutcomeRequest") },
          responses: {
            "201": { description: "Outcome recorded. An `executed` report while a stop switch covers the decision is recorded too (the action happened) and opens a review case.", content: json("Decision") },
            "200": { description: "The same outcome was already recorded", content: json("Decision") },
            "400": INVALID_BODY,
            "404": problem("not_found: no such decision for this agent"),
            "409": problem("action_mismatch: the action_digest is not the decision's; not_executable: the decision's status does not allow this outcome; conflict: this outcome was already recorded with other details"),
            ...COMMON_ERRORS,
            ...BODY_ERRORS,
          },
        },
      },
      "/api/v1/reviews": {
        post: {
          operationId: "createReview",
          summary: "Flag an edge case for the review inbox",
          requestBody: { required: true, content: json("ReviewRequest") },
          responses: { "201": { description: "Review case opened", content: json("ReviewCase") }, "400": INVALID_BODY, "422": problem("unknown_reference: decision_id names no decision of this agent"), ...COMMON_ERRORS, ...BODY_ERRORS },
        },
      },
      "/healthz": {
        get: {
          operationId: "liveness",
          summary: "Liveness: answers while the process runs",
          security: [],
          responses: { "200": { description: "The process is alive", content: { "application/json": { schema: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] } } } } },
        },
      },
      "/readyz": {
        get: {
          operationId: "readiness",
          summary: "Readiness: 200 only while the database answers and a published policy is loaded (checked at most once a second)",
          security: [],
          responses: {
            "200": {
              description: "Ready to decide",
              content: { "application/json": { schema: { type: "object", properties: { status: { const: "ready" }, policy_version: { type: "integer" } }, required: ["status", "policy_version"] } } },
            },
            "503": { ...problem("unavailable: the database does not answer or no policy is published"), headers: retryAfter },
          },
        },
      },
      ...authzenPaths,
    },
    components: {
      securitySchemes: { agentKey: { type: "http", scheme: "bearer", description: "Agent API key (mdt_…)" } },
      schemas: {
        ...components({ DecisionRequest: decisionRequestSchema, OutcomeRequest: outcomeRequestSchema, ReviewRequest: reviewRequestSchema }, "input"),
        ...components({ Decision: grantedDecisionResponseSchema, ReviewCase: reviewResponseSchema, Problem: problemSchema }, "output"),
        ...components(authzenInputSchemas, "input"),
        ...components(authzenOutputSchemas, "output"),
      },
    },
  };
}
