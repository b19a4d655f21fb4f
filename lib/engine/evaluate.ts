import { describeValue, isPlainObject } from "../policy/conditions";
import {
  fallbackTier,
  type CompiledAction,
  type CompiledLimit,
  type CompiledPolicy,
  type CompiledTier,
  type RequestFacts,
} from "./compile";
import { Decimal, normalizeAmount, toAmount, toComparableDecimal } from "./money";

/** A decision request as the API layer has already validated it. */
export interface DecisionRequest {
  action: string;
  intent?: string;
  customer?: { id?: string; verified?: boolean; segment?: string };
  params?: Record<string, unknown> & { amount?: Decimal | string | number; currency?: string };
  data_sources?: string[];
  context?: { channel?: string; confidence?: number; conversation_id?: string; summary?: string; [key: string]: unknown };
}

/** A stop switch that covers this request; the caller decides whether one does. */
export interface StopSwitch {
  scope: "all" | "agent" | "action";
  reason: string;
}

/** Decisions that were allowed or approved within a limit's window, for its scope. */
export interface LimitUsage {
  count: number;
  amount: Decimal;
}

export interface EvaluationInput {
  paused?: StopSwitch | null;
  /**
   * Keyed by limit id (`refund.issue#limits[0]`). A missing entry means no usage yet: the
   * caller must supply every limit that preEvaluate or limitsToCheck names.
   */
  limitUsage: Readonly<Record<string, LimitUsage>>;
  /** Uniform draw in [0, 1) supplied by the caller; sampled when below the tier's sample_rate. */
  sampleDraw: number;
  agentName?: string;
}

export type Decision = "allow" | "deny" | "hold" | "step_up" | "escalate";
export type DecisionStatus = "allowed" | "denied" | "pending_approval" | "needs_step_up" | "escalated";

export type ReasonCode =
  | "paused"
  | "customer_mismatch"
  | "forbidden"
  | "unknown_action"
  | "unknown_intent"
  | "intent_requires_human"
  | "action_not_in_intent"
  | "data_scope"
  | "authority_say_only"
  | "authority_recommend_only"
  | "currency_mismatch"
  | "limit_exceeded"
  | "step_up_required"
  | "tier_requires_approval"
  | "allowed";

export interface DecisionReason {
  code: ReasonCode;
  message: string;
  /** Where in the policy the reason comes from: `forbidden[0]`, `actions.refund.issue.risk[1]`, `stop_switch`. */
  rule: string;
}

export interface DecisionApproval {
  required: number;
  roles: string[];
  expires_after_ms: number;
}

export interface DecisionResult {
  decision: Decision;
  status: DecisionStatus;
  authority: "say" | "recommend" | "execute" | null;
  tier: string | null;
  owner: string | null;
  reasons: DecisionReason[];
  approval: DecisionApproval | null;
  policy_version: number;
  review_sampled: boolean;
}

/** A limit the caller must load usage for before the decision can be completed. */
export interface LimitCheck {
  id: string;
  action: string;
  scope: CompiledLimit["scope"];
  window: string;
  windowMs: number;
  maxCount: number | null;
  maxAmount: Decimal | null;
  onExceed: CompiledLimit["onExceed"];
  label: string;
  /** The customer to count for `customer` scope; null for other scopes. */
  customerId: string | null;
}

export type EngineInputErrorCode = "customer_id_required";

/**
 * The one input problem the engine reports instead of deciding: it cannot count a
 * customer-scoped limit without `customer.id` (agent-api.md makes the field required then).
 * The API answers 400 validation_failed with `{ path, message }`.
 */
export class EngineInputError extends Error {
  readonly code: EngineInputErrorCode;
  readonly path: string;

  constructor(code: EngineInputErrorCode, path: string, message: string) {
    super(message);
    this.name = "EngineInputError";
    this.code = code;
    this.path = path;
  }
}

export type PreEvaluation =
  | { status: "decided"; result: DecisionResult }
  | { status: "needs_usage"; tier: string; limits: LimitCheck[] }
  | { status: "invalid"; error: EngineInputError };

/**
 * Hold requirements when a limit with `on_exceed: hold` trips on a tier without
 * human_approval. The spec does not say who approves then; one supervisor within 4 hours
 * matches the example policy's `high` tier.
 */
export const DEFAULT_LIMIT_APPROVAL: DecisionApproval = { required: 1, roles: ["supervisor"], expires_after_ms: 4 * 3_600_000 };

const STATUS: Record<Decision, DecisionStatus> = {
  allow: "allowed",
  deny: "denied",
  hold: "pending_approval",
  step_up: "needs_step_up",
  escalate: "escalated",
};

/**
 * Rules 0–7 of the decision semantics, and the rest when the action has no limits. Call it
 * first: only a `needs_usage` answer requires loading limit usage (for exactly the limits
 * listed) before calling `evaluate`. `invalid` means the request lacks `customer.id` for a
 * customer-scoped limit. Never throws.
 */
export function preEvaluate(
  policy: CompiledPolicy,
  request: DecisionRequest,
  input: Omit<EvaluationInput, "limitUsage">,
): PreEvaluation {
  const outcome = decideUpToLimits(policy, request, input);
  if (outcome.kind === "decided") return { status: "decided", result: outcome.result };
  const { action, choice } = outcome;
  if (action.limits.length === 0) {
    return { status: "decided", result: decideAfterLimits(policy, request, input, action, choice) };
  }
  const error = customerIdError(action, request);
  if (error) return { status: "invalid", error };
  return { status: "needs_usage", tier: choice.tier.key, limits: limitsToCheck(policy, request) };
}

/**
 * The full decision semantics of policy-document.md, rules 0–11 in order; the first rule
 * that decides wins. Deterministic for the same inputs. Throws only EngineInputError
 * (`customer_id_required`).
 */
export function evaluate(policy: CompiledPolicy, request: DecisionRequest, input: EvaluationInput): DecisionResult {
  const outcome = decideUpToLimits(policy, request, input);
  if (outcome.kind === "decided") return outcome.result;
  const { action, choice, facts } = outcome;

  if (action.limits.length > 0) {
    const error = customerIdError(action, request);
    if (error) throw error;
    const limitDecision = checkLimits(policy, action, choice.tier, facts, input.limitUsage);
    if (limitDecision) return limitDecision;
  }
  return decideAfterLimits(policy, request, input, action, choice);
}

/** The limits of the requested action, with what the caller needs to count usage. */
export function limitsToCheck(policy: CompiledPolicy, request: DecisionRequest): LimitCheck[] {
  const action = policy.actions.get(request.action);
  if (!action) return [];
  const customerId = customerIdOf(request);
  return action.limits.map((limit) => ({
    id: limit.id,
    action: limit.action,
    scope: limit.scope,
    window: limit.window,
    windowMs: limit.windowMs,
    maxCount: limit.maxCount,
    maxAmount: limit.maxAmount,
    onExceed: limit.onExceed,
    label: limit.label,
    customerId: limit.scope === "customer" ? customerId : null,
  }));
}

/**
 * Requested data sources the policy does not define at all, for an API that answers them
 * with 422 (agent-api.md) rather than letting rule 4 deny them as out of scope.
 */
export function findUnknownDataSources(policy: CompiledPolicy, request: DecisionRequest): { path: string; message: string }[] {
  return (request.data_sources ?? []).flatMap((source, index) =>
    policy.dataSources.has(source) ? [] : [{ path: `data_sources[${index}]`, message: `Unknown data source "${source}"` }],
  );
}

const NONE: readonly string[] = Object.freeze([]);

type TierChoice = { tier: CompiledTier; rule: string; matched: boolean };
type Outcome =
  | { kind: "decided"; result: DecisionResult }
  | { kind: "pending"; action: CompiledAction; choice: TierChoice; facts: RequestFacts };

// Module-level helpers rather than closures over policy and action: the server runs under tsx,
// whose esbuild keeps function names, and naming a closure costs about 0.8 µs each time one is made.
function decided(policy: CompiledPolicy, action: CompiledAction | undefined, decision: Decision, reasons: DecisionReason[]): Outcome {
  return { kind: "decided", result: build(policy, action, decision, reasons) };
}

function result(policy: CompiledPolicy, action: CompiledAction | undefined, decision: Decision, reason: DecisionReason): Outcome {
  return decided(policy, action, decision, [reason]);
}

function decideUpToLimits(
  policy: CompiledPolicy,
  request: DecisionRequest,
  input: Omit<EvaluationInput, "limitUsage">,
): Outcome {
  let action = policy.actions.get(request.action);

  // 0. Stop switch
  if (input.paused) {
    return result(policy, action, "deny", { code: "paused", rule: "stop_switch", message: pausedMessage(input.paused, request, input.agentName) });
  }

  // 0b. Two customers: an enforcement point (the MCP gateway) found one in the call's arguments and
  // another in the conversation's context. How a manipulated model acts on someone else's account.
  const conversationCustomer = request.context?.customer_id;
  if (typeof conversationCustomer === "string" && request.customer?.id !== undefined && request.customer.id !== conversationCustomer) {
    return result(policy, action, "deny", {
      code: "customer_mismatch",
      rule: "customer_mismatch",
      message: `The call is for customer ${quote(request.customer.id)} but the conversation is with ${quote(conversationCustomer)}: an agent acts only for the customer it is talking to`,
    });
  }

  // 1. Forbidden wins over everything in the document, even when the action is also defined.
  const forbidden = policy.forbidden.get(request.action);
  if (forbidden) {
    return result(policy, action, "deny", { code: "forbidden", rule: forbidden.rule, message: `${quote(request.action)} is forbidden: ${forbidden.reason}` });
  }

  // 2. Default deny
  if (!action) {
    return result(policy, action, "deny", {
      code: "unknown_action",
      rule: "actions",
      message: `${quote(request.action)} is not an action in the policy, so it is denied by default`,
    });
  }

  // 3. Intent
  if (request.intent != null) {
    const intent = policy.intents.get(request.intent);
    if (!intent) {
      return result(policy, action, "escalate", {
        code: "unknown_intent",
        rule: "intents",
        message: `Intent ${quote(request.intent)} is not in the policy; hand the conversation to a person`,
      });
    }
    if (intent.handling === "human") {
      return result(policy, action, "escalate", {
        code: "intent_requires_human",
        rule: intent.rule,
        message: `Intent "${intent.label}" is handled by people; hand the conversation to a person`,
      });
    }
    if (intent.actions && !intent.actions.has(action.key)) {
      return result(policy, action, "escalate", {
        code: "action_not_in_intent",
        rule: intent.rule,
        message: `${describeAction(action)} is not among the actions for intent "${intent.label}"; hand the conversation to a person`,
      });
    }
    // The intent's authority for this action, when it sets one, stands in for the action's own (rule 5).
    action = intent.authority?.get(action.key) ?? action;
  }

  // 4. Data scope: one reason per source outside the action's scope (checked first without
  // allocating: nearly every request stays in scope).
  const sources = request.data_sources;
  const outOfScope = sources && sources.some((source) => !action.dataSources.has(source)) ? [...new Set(sources)].filter((source) => !action.dataSources.has(source)) : NONE;
  if (outOfScope.length > 0) {
    const allowed = action.dataSources.size > 0 ? [...action.dataSources].join(", ") : "none";
    return decided(
      policy,
      action,
      "deny",
      outOfScope.map((source) => ({
        code: "data_scope",
        rule: `${action.rule}.data_sources`,
        message: `${describeAction(action)} may not read ${
          policy.dataSources.has(source) ? `data source ${quote(source)}` : `${quote(source)}, which is not a data source in the policy`
        } (allowed: ${allowed})`,
      })),
    );
  }

  // 5. Authority: the reason names where it is set (the action, or the intent's override).
  if (action.authority === "say") {
    return result(policy, action, "deny", {
      code: "authority_say_only",
      rule: action.authorityRule,
      message: `${describeAction(action)} is say-only${forIntent(action)}: the agent may tell the customer about it but must not do it`,
    });
  }
  if (action.authority === "recommend") {
    return result(policy, action, "escalate", {
      code: "authority_recommend_only",
      rule: action.authorityRule,
      message: `${describeAction(action)} is recommend-only${forIntent(action)}: the agent may suggest it, a person decides and carries it out`,
    });
  }

  // 6. Currency
  const facts = readFacts(request);
  if (facts.currency !== undefined && facts.currency !== policy.currency) {
    return result(policy, action, "escalate", {
      code: "currency_mismatch",
      rule: "currency",
      message: `The request is in ${describeValue(facts.currency)} but the policy's thresholds and limits are in ${policy.currency}; a person must handle it`,
    });
  }

  // 7. Tier
  return { kind: "pending", action, choice: chooseTier(policy, action, facts), facts };
}

function chooseTier(policy: CompiledPolicy, action: CompiledAction, facts: RequestFacts): TierChoice {
  for (const band of action.bands) {
    if (band.matches && !band.matches(facts)) continue;
    const tier = policy.tiers.get(band.tier);
    if (tier) return { tier, rule: band.rule, matched: true };
  }
  return { tier: fallbackTier(policy), rule: `${action.rule}.risk`, matched: false };
}

// 8. Limits: every limit this decision would exceed is a reason; any `deny` limit makes it a deny.
function checkLimits(
  policy: CompiledPolicy,
  action: CompiledAction,
  tier: CompiledTier,
  facts: RequestFacts,
  usage: Readonly<Record<string, LimitUsage>> | undefined,
): DecisionResult | null {
  const exceeded = action.limits.flatMap((limit) => {
    const used = usage && Object.hasOwn(usage, limit.id) ? usage[limit.id] : undefined;
    const count = used && Number.isFinite(used.count) ? used.count : 0;
    const amount = usedAmount(used?.amount);
    const requested = facts.amount ?? new Decimal(0);
    const overCount = limit.maxCount !== null && count + 1 > limit.maxCount;
    const overAmount = limit.maxAmount !== null && amount.plus(requested).gt(limit.maxAmount);
    if (!overCount && !overAmount) return [];
    const detail = overCount
      ? `${count} already in the last ${limit.window}`
      : `${normalizeAmount(amount)} ${policy.currency} already in the last ${limit.window}, ${normalizeAmount(requested)} ${policy.currency} requested`;
    return [{ limit, detail }];
  });
  if (exceeded.length === 0) return null;

  const decision: Decision = exceeded.some(({ limit }) => limit.onExceed === "deny") ? "deny" : "hold";
  const reasons = exceeded.map(({ limit, detail }) => ({
    code: "limit_exceeded" as const,
    rule: limit.rule,
    message: `${describeAction(action)} would exceed the ${limit.label} (${detail}); ${
      limit.onExceed === "deny" ? "it is denied" : "a person must approve it"
    }`,
  }));
  return build(policy, action, decision, reasons, {
    tier: tier.key,
    approval: decision === "hold" ? (toDecisionApproval(tier) ?? DEFAULT_LIMIT_APPROVAL) : null,
  });
}

function decideAfterLimits(
  policy: CompiledPolicy,
  request: DecisionRequest,
  input: Pick<EvaluationInput, "sampleDraw">,
  action: CompiledAction,
  choice: TierChoice,
): DecisionResult {
  const { tier } = choice;

  // 9. Step-up
  if (tier.stepUp && request.customer?.verified !== true) {
    return build(
      policy,
      action,
      "step_up",
      [
        {
          code: "step_up_required",
          rule: tier.rule,
          message: `Tier ${tier.key} requires a verified customer: verify the customer, then retry with customer.verified: true`,
        },
      ],
      { tier: tier.key },
    );
  }

  // 10. Human approval
  const approval = toDecisionApproval(tier);
  if (approval) {
    const noun = approval.required === 1 ? "approval" : "approvals";
    return build(
      policy,
      action,
      "hold",
      [
        {
          code: "tier_requires_approval",
          rule: tier.rule,
          message: `Tier ${tier.key} requires ${approval.required} ${noun} by ${approval.roles.join(" or ")}`,
        },
      ],
      { tier: tier.key, approval },
    );
  }

  // 11. Allow, and sample for review
  const sampled = tier.sampleRate !== null && input.sampleDraw < tier.sampleRate;
  const band = choice.matched ? "" : " (no risk band matched)";
  const review = sampled ? `; picked for quality review (tier ${tier.key} samples ${formatShare(tier.sampleRate ?? 0)} of decisions)` : "";
  return build(
    policy,
    action,
    "allow",
    [{ code: "allowed", rule: choice.rule, message: `${describeAction(action)} is allowed at tier ${tier.key}${band}${review}` }],
    { tier: tier.key, reviewSampled: sampled },
  );
}

function build(
  policy: CompiledPolicy,
  action: CompiledAction | undefined,
  decision: Decision,
  reasons: DecisionReason[],
  extra: { tier?: string; approval?: DecisionApproval | null; reviewSampled?: boolean } = {},
): DecisionResult {
  return {
    decision,
    status: STATUS[decision],
    authority: action?.authority ?? null,
    tier: extra.tier ?? null,
    owner: action?.owner ?? null,
    reasons,
    approval: extra.approval ?? null,
    policy_version: policy.version,
    review_sampled: extra.reviewSampled ?? false,
  };
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The request fields conditions test, as the engine reads them (also used to explain a decision in words). */
export function readFacts(request: DecisionRequest): RequestFacts {
  const params: Record<string, unknown> = isPlainObject(request.params) ? request.params : {};
  const customer: Record<string, unknown> = isPlainObject(request.customer) ? request.customer : {};
  const context: Record<string, unknown> = isPlainObject(request.context) ? request.context : {};
  return {
    amount: toAmount(own(params, "amount")),
    currency: own(params, "currency"),
    channel: own(context, "channel"),
    confidence: own(context, "confidence"),
    customer: { id: own(customer, "id"), verified: own(customer, "verified"), segment: own(customer, "segment") },
    params,
  };
}

// Usage comes from the caller's store; anything unusable counts as nothing rather than throwing.
function usedAmount(value: unknown): Decimal {
  // A finite Decimal is used as it is: printing and parsing it again cost a replay a fifth of its time.
  if (Decimal.isDecimal(value) && (value as Decimal).isFinite()) return value as Decimal;
  const text = Decimal.isDecimal(value) ? value.toFixed() : value;
  return toComparableDecimal(text) ?? new Decimal(0);
}

function customerIdOf(request: DecisionRequest): string | null {
  const id = request.customer?.id;
  return typeof id === "string" && id !== "" ? id : null;
}

function customerIdError(action: CompiledAction, request: DecisionRequest): EngineInputError | null {
  const limit = action.limits.find((candidate) => candidate.scope === "customer");
  if (!limit || customerIdOf(request) !== null) return null;
  return new EngineInputError(
    "customer_id_required",
    "customer.id",
    `customer.id is required: ${describeAction(action)} has a per-customer limit (${limit.label})`,
  );
}

function toDecisionApproval(tier: CompiledTier): DecisionApproval | null {
  return tier.approval
    ? { required: tier.approval.required, roles: [...tier.approval.roles], expires_after_ms: tier.approval.expiresAfterMs }
    : null;
}

function pausedMessage(paused: StopSwitch, request: DecisionRequest, agentName: string | undefined): string {
  const subject =
    paused.scope === "all"
      ? "All agent actions are"
      : paused.scope === "agent"
        ? `${agentName ? `Agent ${quote(agentName)}` : "This agent"} is`
        : `Action ${quote(request.action)} is`;
  return `${subject} paused by a stop switch: ${paused.reason}`;
}

function describeAction(action: CompiledAction): string {
  return `${action.label} (${action.key})`;
}

function forIntent(action: CompiledAction): string {
  return action.authorityIntent === null ? "" : ` for the intent "${action.authorityIntent}"`;
}

function quote(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function formatShare(rate: number): string {
  return `${Math.round(rate * 10_000) / 100}%`;
}
