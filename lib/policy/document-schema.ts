import * as z from "zod";
import { parseAmount } from "../engine/money";
import { checkCondition, describeValue, type Condition } from "./conditions";
import { parseDuration } from "./duration";
import { ROLES } from "./roles";

export type { Condition, ConditionLiteral, OperatorTest } from "./conditions";

export const POLICY_SCHEMA_ID = "mandate.policy/v1";
export const CONTROLS = ["step_up", "human_approval", "review_sample"] as const;
export const AUTHORITIES = ["say", "recommend", "execute"] as const;
export const LIMIT_SCOPES = ["customer", "agent", "global"] as const;
export const ON_EXCEED = ["hold", "deny"] as const;
export const INTENT_HANDLING = ["autonomous", "human"] as const;

/** The tier the engine falls back to when no risk band matches; every policy defines it. */
export const FALLBACK_TIER = "critical";

const KEY = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;
const ACTION_KEY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export const keySchema = z
  .string()
  .max(64)
  .regex(KEY, { error: (issue) => (issue.input === "" ? "Enter a key" : `Keys use lowercase letters, digits, "-" and "_"; ${describeValue(issue.input)} is not one`) });

export const actionKeySchema = z.string().max(128).regex(ACTION_KEY, {
  error: (issue) => (issue.input === "" ? 'Enter a key, such as "refund.issue"' : `Action keys are lowercase words joined by dots, such as "refund.issue"; ${describeValue(issue.input)} is not one`),
});

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.trim() !== "", { error: "Must not be blank" });

export const durationSchema = z.string().refine((value) => parseDuration(value) !== null, {
  error: (issue) =>
    `Expected a duration such as "15m", "1h", "24h" or "30d" (units s, m, h, d; at most 366d), got ${describeValue(issue.input)}`,
});

const positiveAmountSchema = z
  .union([z.number(), z.string()], { error: "Expected an amount as a number or a decimal string such as \"500.00\"" })
  .superRefine((value, ctx) => {
    const parsed = parseAmount(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    else if (parsed.value.isZero()) ctx.addIssue({ code: "custom", message: "Expected an amount greater than 0" });
  });

const uniqueList = <T extends z.ZodType<string>>(item: T, what: string) =>
  z.array(item).superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) ctx.addIssue({ code: "custom", message: `${what} "${value}" is listed twice`, path: [index] });
    });
  });

export const conditionSchema: z.ZodType<Condition> = z.custom<Condition>().superRefine((value, ctx) => {
  for (const issue of checkCondition(value)) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
});

export const approvalSchema = z.strictObject({
  approvers: z
    .number()
    .int({ error: "Approvers must be a whole number" })
    .min(1, { error: "At least 1 approver is required" })
    .max(5, { error: "At most 5 approvers can be required" }),
  roles: uniqueList(z.enum(ROLES), "Role").min(1, { error: "Name at least one role that may approve" }),
  expires_after: durationSchema,
});

export const riskTierSchema = z
  .strictObject({
    key: keySchema,
    label: text(120),
    controls: uniqueList(z.enum(CONTROLS), "Control"),
    approval: approvalSchema.optional(),
    sample_rate: z
      .number()
      .min(0, { error: "Sample rate is a share between 0 and 1" })
      .max(1, { error: "Sample rate is a share between 0 and 1" })
      .optional(),
  })
  .superRefine((tier, ctx) => {
    const approval = tier.controls.includes("human_approval");
    const sampled = tier.controls.includes("review_sample");
    if (approval && !tier.approval) {
      ctx.addIssue({ code: "custom", path: ["approval"], message: `Tier "${tier.key}" uses human_approval, so it needs approval: { approvers, roles, expires_after }` });
    }
    if (!approval && tier.approval) {
      ctx.addIssue({ code: "custom", path: ["approval"], message: `Tier "${tier.key}" sets approval but its controls do not include human_approval` });
    }
    if (sampled && tier.sample_rate === undefined) {
      ctx.addIssue({ code: "custom", path: ["sample_rate"], message: `Tier "${tier.key}" uses review_sample, so it needs a sample_rate between 0 and 1` });
    }
    if (!sampled && tier.sample_rate !== undefined) {
      ctx.addIssue({ code: "custom", path: ["sample_rate"], message: `Tier "${tier.key}" sets sample_rate but its controls do not include review_sample` });
    }
  });

export const ownerSchema = z.strictObject({
  key: keySchema,
  name: text(120),
  contact: text(320),
  remediation: text(2000),
});

export const dataSourceSchema = z.strictObject({
  key: keySchema,
  label: text(120),
  pii: z.boolean(),
});

export const limitSchema = z
  .strictObject({
    scope: z.enum(LIMIT_SCOPES),
    window: durationSchema,
    max_count: z
      .number()
      .int({ error: "max_count must be a whole number" })
      .min(1, { error: "max_count must be at least 1" })
      .max(1_000_000_000)
      .optional(),
    max_amount: positiveAmountSchema.optional(),
    on_exceed: z.enum(ON_EXCEED).default("hold"),
  })
  .refine((limit) => limit.max_count !== undefined || limit.max_amount !== undefined, {
    error: "A limit needs max_count, max_amount or both",
  });

export const riskBandSchema = z.strictObject({
  if: conditionSchema.optional(),
  tier: keySchema,
});

export const actionSchema = z.strictObject({
  key: actionKeySchema,
  label: text(120),
  authority: z.enum(AUTHORITIES),
  owner: keySchema,
  data_sources: uniqueList(keySchema, "Data source").default([]),
  risk: z.array(riskBandSchema).default([]),
  limits: z.array(limitSchema).default([]),
});

export const forbiddenSchema = z.strictObject({
  action: actionKeySchema,
  reason: text(2000),
});

export const intentSchema = z.strictObject({
  key: keySchema,
  label: text(120),
  handling: z.enum(INTENT_HANDLING),
  /** Empty means the agent may take any action for this intent. */
  actions: uniqueList(actionKeySchema, "Action").default([]),
  /** The authority of an action for this intent, overriding the action's own (rule 5). */
  authority: z.record(actionKeySchema, z.enum(AUTHORITIES)).optional(),
});

/** A dotted path into an MCP tool call's arguments: `customer_id`, `shipment.address.postcode`. */
export const argumentPathSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}(\.[A-Za-z_][A-Za-z0-9_-]{0,63}){0,7}$/, { error: "Expected a dotted path into the tool's arguments, such as customer_id or order.id" });

/** Which MCP tool is which action (docs/policy-document.md, `tools`): edited by IT, read by the gateway. */
export const toolMappingSchema = z.strictObject({
  /** The upstream tool server's name, as registered (`mandate tools add <name>`). */
  server: keySchema,
  /** The tool's name on that server. */
  tool: z.string().min(1, { error: "Give the tool's name" }).max(128),
  action: actionKeySchema,
  /** Where the customer id is in the arguments. */
  customer_id: argumentPathSchema.optional(),
  /** Decision params, each read from a path in the arguments. */
  params: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { error: (issue) => `Param names are lowercase words joined by "_", such as order_id; ${describeValue(issue.input)} is not one` }),
      argumentPathSchema,
    )
    .default({}),
  /** What the tool reads. */
  data_sources: uniqueList(keySchema, "Data source").default([]),
});

/**
 * What identifies a tool mapping, "payments/issue_refund": server names are keys (no "/"), so
 * the first "/" always separates server from tool.
 */
export function toolMappingKey(mapping: { server?: unknown; tool?: unknown }): string {
  return `${String(mapping.server)}/${String(mapping.tool)}`;
}

export const policyDocumentSchema = z.strictObject({
  schema: z.literal(POLICY_SCHEMA_ID, { error: `Expected schema "${POLICY_SCHEMA_ID}"` }),
  name: text(200),
  currency: z.string().regex(/^[A-Z]{3}$/, {
    error: (issue) => `Expected an ISO 4217 currency code such as "USD", got ${describeValue(issue.input)}`,
  }),
  risk_tiers: z.array(riskTierSchema),
  owners: z.array(ownerSchema),
  data_sources: z.array(dataSourceSchema).default([]),
  actions: z.array(actionSchema),
  forbidden: z.array(forbiddenSchema).default([]),
  intents: z.array(intentSchema).default([]),
  tools: z.array(toolMappingSchema).default([]),
});

export type PolicyDocument = z.output<typeof policyDocumentSchema>;
/** What an author may write: defaults (empty lists, `on_exceed: hold`) not yet applied. */
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
export type RiskTier = z.output<typeof riskTierSchema>;
export type ToolMapping = z.output<typeof toolMappingSchema>;
export type Approval = z.output<typeof approvalSchema>;
export type Owner = z.output<typeof ownerSchema>;
export type DataSource = z.output<typeof dataSourceSchema>;
export type Action = z.output<typeof actionSchema>;
export type RiskBand = z.output<typeof riskBandSchema>;
export type Limit = z.output<typeof limitSchema>;
export type Forbidden = z.output<typeof forbiddenSchema>;
export type Intent = z.output<typeof intentSchema>;
export type Control = (typeof CONTROLS)[number];
export type Authority = (typeof AUTHORITIES)[number];
export type LimitScope = (typeof LIMIT_SCOPES)[number];
export type OnExceed = (typeof ON_EXCEED)[number];
export type IntentHandling = (typeof INTENT_HANDLING)[number];
