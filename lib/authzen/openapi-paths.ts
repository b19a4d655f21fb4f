import {
  accessDecisionSchema,
  actionSearchRequestSchema,
  actionSearchResponseSchema,
  evaluationRequestSchema,
  evaluationsRequestSchema,
  evaluationsResponseSchema,
  metadataSchema,
} from "./schemas";

// The AuthZEN endpoints in the OpenAPI document (lib/api/openapi.ts spreads these in), from the
// same zod schemas that read the requests.

export const authzenInputSchemas = {
  AuthzenEvaluationRequest: evaluationRequestSchema,
  AuthzenEvaluationsRequest: evaluationsRequestSchema,
  AuthzenActionSearchRequest: actionSearchRequestSchema,
};
export const authzenOutputSchemas = {
  AuthzenDecision: accessDecisionSchema,
  AuthzenEvaluationsResponse: evaluationsResponseSchema,
  AuthzenActionSearchResponse: actionSearchResponseSchema,
  AuthzenMetadata: metadataSchema,
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ "application/json": { schema: ref(id) } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const requestId = { name: "X-Request-ID", in: "header", required: false, schema: { type: "string" }, description: "Echoed in the response's X-Request-ID" };
const idempotencyKey = { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 1, maxLength: 255 } };
const echoed = { "X-Request-ID": { schema: { type: "string" }, description: "The request's X-Request-ID, or one Mandate made when the request had none" } };

const retryAfter = { "Retry-After": { schema: { type: "string" }, description: "Seconds to wait before retrying" } };
const ERRORS = {
  "400": problem("Bad Request (`validation_failed`, `bad_request`): a required attribute is missing or a value is invalid (`errors[].path` names it in the AuthZEN request), or the body is not a JSON object"),
  "401": { ...problem("Missing or invalid agent API key (`unauthenticated`)"), headers: { "WWW-Authenticate": { schema: { type: "string" } } } },
  "403": problem("subject is not this key's own agent (`type: agent`, `id`: its name), or the key is revoked (`forbidden`)"),
  "413": problem("Body larger than 64 KiB (`payload_too_large`)"),
  "415": problem("Body is not JSON (`unsupported_media_type`)"),
  "429": { ...problem("Rate limit exceeded (`rate_limited`)"), headers: retryAfter },
  "500": problem("An unexpected failure (`internal`): do not act; retry"),
  "503": { ...problem("The database or the policy is out of reach (`unavailable`): do not act; retry"), headers: retryAfter },
};

export const authzenPaths = {
  "/access/v1/evaluation": {
    post: {
      operationId: "authzenEvaluation",
      tags: ["AuthZEN"],
      summary: "AuthZEN Access Evaluation: one decision, recorded (or a dry run with context.dry_run)",
      parameters: [requestId, idempotencyKey],
      requestBody: { required: true, content: json("AuthzenEvaluationRequest") },
      responses: { "200": { description: "The Decision: true only for an allow that may be carried out now (context.grant present)", headers: echoed, content: json("AuthzenDecision") }, ...ERRORS },
    },
  },
  "/access/v1/evaluations": {
    post: {
      operationId: "authzenEvaluations",
      tags: ["AuthZEN"],
      summary: "AuthZEN Access Evaluations: several decisions, top-level values as defaults, options.evaluations_semantic",
      parameters: [requestId, { ...idempotencyKey, description: "Item i is recorded under <key>#i" }],
      requestBody: { required: true, content: json("AuthzenEvaluationsRequest") },
      responses: {
        "200": { description: "Decisions in request order, cut after the first false (deny_on_first_deny) or true (permit_on_first_permit); a single Decision when evaluations is absent or empty", headers: echoed, content: json("AuthzenEvaluationsResponse") },
        ...ERRORS,
      },
    },
  },
  "/access/v1/search/action": {
    post: {
      operationId: "authzenSearchAction",
      tags: ["AuthZEN"],
      summary: "AuthZEN Action Search: the policy's actions this agent would be allowed now for this resource and context",
      parameters: [requestId],
      requestBody: { required: true, content: json("AuthzenActionSearchRequest") },
      responses: { "200": { description: "Allowed actions, paged", headers: echoed, content: json("AuthzenActionSearchResponse") }, ...ERRORS },
    },
  },
  "/.well-known/authzen-configuration": {
    get: {
      operationId: "authzenMetadata",
      tags: ["AuthZEN"],
      summary: "AuthZEN Policy Decision Point metadata",
      security: [],
      responses: { "200": { description: "The endpoints this PDP offers", content: json("AuthzenMetadata") } },
    },
  },
};
