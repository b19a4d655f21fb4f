import { z } from "zod";
import { normalizeAmount, parseAmount } from "@/lib/engine/money";
import { JsonDecimal } from "@/lib/exact-json";

// The agent API's request and response shapes (agent-api.md). These same schemas validate
// requests and generate the OpenAPI document, so the two cannot drift.

const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const ID = /^[A-Za-z0-9._:@/+-]+$/;

export const actionKeySchema = z.string().min(1).max(200).regex(KEY, "Use a dotted key such as refund.issue (letters, digits, _ and -)");
const keySchema = z.string().min(1).max(100).regex(KEY, "Use letters, digits, dots, _ and -");
export const externalIdSchema = z.string().min(1).max(200).regex(ID, "Use printable ASCII letters, digits and ._:@/+- (no spaces)");

// A JSON number no double holds exactly arrives from lib/exact-json.ts as a JsonDecimal. Money
// and other params keep its exact decimal text (params compare as decimals, so the number and the
// string forms agree); a probability takes the nearest double. Preprocessed, so the OpenAPI
// document still shows the plain JSON types.
function exactText(value: unknown, ctx: z.RefinementCtx): unknown {
  if (!(value instanceof JsonDecimal)) return value;
  const plain = value.toPlainString(1000);
  if (plain === null) ctx.addIssue({ code: "custom", message: "This number has over 1000 digits or is out of range" });
  return plain ?? "";
}

const scalarSchema = z.preprocess(exactText, z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]));

const float = (schema: z.ZodNumber) => z.preprocess((value) => (value instanceof JsonDecimal ? Number(value.text) : value), schema);

/** Money: a JSON number or a decimal string, exact, non-negative, at most 18+8 digits. */
export const amountSchema = z
  .preprocess(
    (value, ctx) => {
      if (!(value instanceof JsonDecimal)) return value;
      const parsed = parseAmount(value);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
      return parsed.ok ? normalizeAmount(parsed.value) : "0";
    },
    z.union([z.number(), z.string()], { error: 'Expected a number or a decimal string such as "42.50"' }).superRefine((value, ctx) => {
      const parsed = parseAmount(value);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    }),
  )
  .meta({ description: 'Decimal amount in major units, as a JSON number or a string ("49.99")', examples: ["42.50"] });

export const decisionRequestSchema = z
  .strictObject({
    action: actionKeySchema.meta({ description: "The action the agent wants to take", examples: ["refund.issue"] }),
    intent: keySchema.optional().meta({ description: "The customer's intent", examples: ["shipping_error"] }),
    customer: z
      .strictObject({
        id: externalIdSchema.optional(),
        verified: z.boolean().optional(),
        segment: z.string().min(1).max(100).optional(),
      })
      .optional(),
    params: z
      .object({ amount: amountSchema.optional(), currency: z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as USD").optional() })
      .catchall(scalarSchema)
      .refine((params) => Object.keys(params).length <= 50, "At most 50 params")
      .refine((params) => Object.keys(params).every((k) => /^[A-Za-z0-9_]{1,64}$/.test(k)), "Param names use letters, digits and _ (at most 64)")
      .optional(),
    data_sources: z.array(keySchema).max(50).optional(),
    context: z
      .object({
        conversation_id: externalIdSchema.optional(),
        channel: z.string().min(1).max(50).optional(),
        confidence: float(z.number().min(0).max(1)).optional(),
        summary: z.string().max(2000).optional(),
      })
      .catchall(scalarSchema)
      .refine((context) => Object.keys(context).length <= 50, "At most 50 context fields")
      .optional(),
  });
export type DecisionRequestBody = z.infer<typeof decisionRequestSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1, "Idempotency-Key must not be empty")
  .max(255, "Idempotency-Key is at most 255 characters")
  .regex(/^[\x20-\x7E]+$/, "Idempotency-Key must be printable ASCII");

export const outcomeRequestSchema = z
  .strictObject({
    status: z.enum(["executed", "failed", "reverted", "outcome_unknown"]),
    action_digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "Expected sha256:<64 hex digits>").optional(),
    external_ref: z.string().min(1).max(200).optional(),
    detail: z.record(z.string().max(64), scalarSchema).refine((d) => Object.keys(d).length <= 50, "At most 50 detail fields").optional(),
  })
  .superRefine((body, ctx) => {
    if (body.status === "executed" && !body.action_digest) {
      ctx.addIssue({ code: "custom", path: ["action_digest"], message: "action_digest is required when reporting executed" });
    }
  });
export type OutcomeRequestBody = z.infer<typeof outcomeRequestSchema>;

export const REVIEW_REASONS = ["agent_uncertain", "customer_complaint", "low_confidence", "policy_gap", "other"] as const;

export const reviewRequestSchema = z
  .strictObject({
    decision_id: z.string().regex(/^dec_[A-Za-z0-9_-]{1,60}$/, "Expected a decision id such as dec_…").optional(),
    conversation_id: externalIdSchema.optional(),
    reason: z.enum(REVIEW_REASONS),
    note: z.string().max(4000).optional(),
  });
export type ReviewRequestBody = z.infer<typeof reviewRequestSchema>;

const reasonSchema = z.object({ code: z.string(), message: z.string(), rule: z.string() });

export const decisionResponseSchema = z
  .object({
    id: z.string(),
    decision: z.enum(["allow", "deny", "hold", "step_up", "escalate"]),
    status: z.enum(["allowed", "denied", "pending_approval", "approved", "rejected", "expired", "needs_step_up", "escalated", "executed", "failed", "reverted"]),
    action: z.string(),
    authority: z.enum(["say", "recommend", "execute"]).nullable(),
    tier: z.string().nullable(),
    owner: z.string().nullable(),
    reasons: z.array(reasonSchema).min(1).meta({
      description: "Why, with the rule each comes from. On a read, `paused` (rule `stop_switch`) first means a stop switch is in force: do not execute now.",
    }),
    approval: z
      .object({
        required: z.number().int(),
        roles: z.array(z.string()),
        expires_at: z.string(),
        approvals: z.number().int().optional(),
        decided_by: z.array(z.string()).optional(),
        decided_at: z.string().nullable().optional(),
      })
      .nullable(),
    policy_version: z.number().int().nullable(),
    action_digest: z.string(),
    created_at: z.string(),
  });
export type DecisionResponse = z.infer<typeof decisionResponseSchema>;

/** The decision as answered: with a freshly made grant while it may be executed (docs/api/grants.md). */
export const grantedDecisionResponseSchema = decisionResponseSchema.extend({
  grant: z.string().optional().meta({
    description:
      "A signed action grant (compact JWS, Ed25519, typ mandate-grant+jwt) for the system of record: present on an allow, and on reads while the decision is allowed or approved, unexpired, not executed and not covered by a stop switch. Made for this answer, never stored.",
  }),
});

export const reviewResponseSchema = z.object({ id: z.string(), status: z.literal("open") });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional().meta({ description: "The request's X-Request-ID (the agent's own, or one Mandate made), as in the response header" }),
  });
