import { z } from "zod";
import { grantedDecisionResponseSchema } from "@/lib/decisions/schemas";

// The AuthZEN Authorization API 1.0 shapes (OpenID, final, January 2026) as Mandate reads them.
// Objects are not strict: the standard says receivers MUST ignore unknown fields, so they are
// dropped, never a 400. What Mandate maps onto its native request is validated afterwards by the
// native schema (map-request.ts), with errors named by their AuthZEN path.

const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a string`) }).min(1, `${what} must not be empty`);

const entity = (name: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? `${name} is required` : `${name} must be an object`) });

const properties = z.record(z.string(), z.unknown(), { error: "properties must be an object" });

export const subjectSchema = z.object({ type: text("subject.type"), id: text("subject.id"), properties: properties.optional() }, entity("subject"));
export const actionSchema = z.object({ name: text("action.name"), properties: properties.optional() }, entity("action"));
export const resourceSchema = z.object({ type: text("resource.type"), id: text("resource.id"), properties: properties.optional() }, entity("resource"));
export const contextSchema = z.record(z.string(), z.unknown(), { error: "context must be an object" }).meta({
  description:
    "Environment of the request. Mandate reads intent, params, data_sources, conversation_id, channel, confidence, summary and dry_run; other fields are ignored.",
});

export type Subject = z.infer<typeof subjectSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Resource = z.infer<typeof resourceSchema>;
export type Context = z.infer<typeof contextSchema>;

/** Access Evaluation API request (§ Access Evaluation API). */
export const evaluationRequestSchema = z.object({
  subject: subjectSchema.meta({ description: 'Always `{ "type": "agent", "id": <the authenticated agent\'s name> }`' }),
  action: actionSchema.meta({ description: "`name` is the policy's action key, e.g. refund.issue" }),
  resource: resourceSchema.meta({ description: '`type: "customer"` is the customer (properties.verified, properties.segment); any other type T maps to params.T_id' }),
  context: contextSchema.optional(),
});
export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

export const SEMANTICS = ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const;
export type EvaluationsSemantic = (typeof SEMANTICS)[number];

/** The most items one evaluations request may carry: each is a real, recorded decision. */
export const MAX_EVALUATIONS = 100;

const item = z.object(
  {
    subject: z.unknown().optional(),
    action: z.unknown().optional(),
    resource: z.unknown().optional(),
    context: z.unknown().optional(),
  },
  { error: "Each evaluation must be an object" },
);

/** Access Evaluations API request: top-level entities are defaults each item overrides. */
export const evaluationsRequestSchema = z.object({
  subject: z.unknown().optional(),
  action: z.unknown().optional(),
  resource: z.unknown().optional(),
  context: z.unknown().optional(),
  evaluations: z.array(item, { error: "evaluations must be an array" }).max(MAX_EVALUATIONS, `At most ${MAX_EVALUATIONS} evaluations in one request`).optional(),
  options: z
    .object({ evaluations_semantic: z.enum(SEMANTICS, { error: `evaluations_semantic must be one of ${SEMANTICS.join(", ")}` }).optional() }, { error: "options must be an object" })
    .optional(),
});

/** Search API page request (§ Paginated Requests). */
export const pageRequestSchema = z.object(
  {
    token: z.string({ error: "page.token must be a string" }).max(500, "page.token is not a token Mandate issued").optional(),
    limit: z.number({ error: "page.limit must be a non-negative integer" }).int("page.limit must be a non-negative integer").min(0, "page.limit must be a non-negative integer").optional(),
    properties: properties.optional(),
  },
  { error: "page must be an object" },
);

/** Action Search API request: no `action`. */
export const actionSearchRequestSchema = z.object({
  subject: subjectSchema,
  resource: resourceSchema,
  context: contextSchema.optional(),
  page: pageRequestSchema.optional(),
});
export type ActionSearchRequest = z.infer<typeof actionSearchRequestSchema>;

// ---- Responses (for the OpenAPI document and the docs; built by answer.ts) ----

const reasonSchema = z.object({ code: z.string(), message: z.string(), rule: z.string() });

export const decisionContextSchema = z
  .object({
    id: z.string().optional().meta({ description: "The recorded decision's id (absent on a dry run)" }),
    decision: grantedDecisionResponseSchema.shape.decision,
    status: grantedDecisionResponseSchema.shape.status,
    tier: z.string().nullable(),
    owner: z.string().nullable(),
    reasons: z.array(reasonSchema),
    approval: z.object({ required: z.number().int(), roles: z.array(z.string()), expires_at: z.string() }).nullable(),
    action_digest: z.string(),
    policy_version: z.number().int().nullable(),
    reason_user: z.record(z.string(), z.string()).optional().meta({ description: "A Reason Field (language tag → text) that may be shown to the customer" }),
    grant: z.string().optional().meta({ description: "The signed action grant, present exactly when `decision` is true on a recorded evaluation" }),
    dry_run: z.literal(true).optional(),
    replayed: z.literal(true).optional().meta({ description: "An Idempotency-Key replay of an earlier evaluation" }),
  })
  .meta({ description: "Mandate's decision behind the boolean" });

const errorContextSchema = z
  .object({ error: z.object({ status: z.number().int(), message: z.string() }) })
  .meta({ description: "An evaluations item that could not be evaluated (decision false): the HTTP status it would have had and why" });

export const accessDecisionSchema = z.object({ decision: z.boolean(), context: z.union([decisionContextSchema, errorContextSchema]) });
export type AccessDecision = { decision: boolean; context: Record<string, unknown> };

export const evaluationsResponseSchema = z.object({ evaluations: z.array(accessDecisionSchema) });

export const actionSearchResponseSchema = z.object({
  page: z.object({ next_token: z.string(), count: z.number().int(), total: z.number().int() }),
  results: z.array(z.object({ name: z.string() })),
});

export const metadataSchema = z.object({
  policy_decision_point: z.string(),
  access_evaluation_endpoint: z.string(),
  access_evaluations_endpoint: z.string(),
  search_action_endpoint: z.string(),
});
