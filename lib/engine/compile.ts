import { resolveConditionField, type Condition, type ConditionField, type ConditionLiteral, type OperatorTest } from "../policy/conditions";
import {
  FALLBACK_TIER,
  type Authority,
  type IntentHandling,
  type LimitScope,
  type OnExceed,
  type PolicyDocument,
} from "../policy/document-schema";
import { parseDuration } from "../policy/duration";
import type { Role } from "../policy/roles";
import { validatePolicyDocument, type PolicyError } from "../policy/validate-policy";
import { Decimal, normalizeAmount, parseAmount, toComparableDecimal } from "./money";

/** The request fields conditions can test, read once per evaluation. */
export interface RequestFacts {
  amount: Decimal | null;
  currency: unknown;
  channel: unknown;
  confidence: unknown;
  customer: { id: unknown; verified: unknown; segment: unknown };
  params: Readonly<Record<string, unknown>>;
}

export type Predicate = (facts: RequestFacts) => boolean;

export interface CompiledApproval {
  required: number;
  roles: Role[];
  expiresAfterMs: number;
}

export interface CompiledTier {
  key: string;
  label: string;
  stepUp: boolean;
  approval: CompiledApproval | null;
  /** Share of allowed decisions copied to the review inbox, or null without review_sample. */
  sampleRate: number | null;
  rule: string;
}

export interface CompiledBand {
  tier: string;
  /** Null for the fallback band, which always applies. */
  matches: Predicate | null;
  rule: string;
}

export interface CompiledLimit {
  /** Stable across versions while the action's limit list keeps its order: `refund.issue#limits[0]`. */
  id: string;
  action: string;
  scope: LimitScope;
  window: string;
  windowMs: number;
  maxCount: number | null;
  maxAmount: Decimal | null;
  onExceed: OnExceed;
  /** "customer limit: 2 per 30d", "agent limit: 2000 USD per 1h". */
  label: string;
  rule: string;
}

export interface CompiledAction {
  key: string;
  label: string;
  /** For an intent's view of the action (CompiledIntent.authority), the intent's override. */
  authority: Authority;
  /** Where the authority is set: `actions.refund.issue.authority` or `intents.billing_dispute.authority["refund.issue"]`. */
  authorityRule: string;
  /** The label of the intent whose override set the authority; null for the action's own. */
  authorityIntent: string | null;
  owner: string;
  dataSources: ReadonlySet<string>;
  bands: readonly CompiledBand[];
  limits: readonly CompiledLimit[];
  rule: string;
}

export interface CompiledForbidden {
  action: string;
  reason: string;
  rule: string;
}

export interface CompiledIntent {
  key: string;
  label: string;
  handling: IntentHandling;
  /** Null when the intent allows any action. */
  actions: ReadonlySet<string> | null;
  /**
   * The actions this intent overrides the authority of, each as a copy of the compiled action
   * with the intent's authority, so rule 5 costs one lookup. Null when the intent sets none.
   */
  authority: ReadonlyMap<string, CompiledAction> | null;
  rule: string;
}

export interface CompiledPolicy {
  version: number;
  name: string;
  currency: string;
  document: PolicyDocument;
  tiers: ReadonlyMap<string, CompiledTier>;
  actions: ReadonlyMap<string, CompiledAction>;
  forbidden: ReadonlyMap<string, CompiledForbidden>;
  intents: ReadonlyMap<string, CompiledIntent>;
  dataSources: ReadonlyMap<string, { label: string; pii: boolean }>;
}

export class InvalidPolicyError extends Error {
  readonly errors: PolicyError[];

  constructor(errors: PolicyError[]) {
    super(`The policy document is invalid: ${errors.map((error) => `${error.path || "(root)"}: ${error.message}`).join("; ")}`);
    this.name = "InvalidPolicyError";
    this.errors = errors;
  }
}

/**
 * Compiles a published policy version once into lookups and closures, so decisions never
 * re-read the document. The document is validated again (cheap, once per version) because
 * evaluation relies on its invariants: every referenced tier exists, `critical` exists,
 * conditions are well-typed. Throws InvalidPolicyError otherwise.
 */
export function compilePolicy(document: PolicyDocument, version: number): CompiledPolicy {
  const validated = validatePolicyDocument(document);
  if (!validated.ok) throw new InvalidPolicyError(validated.errors);
  const policy = validated.document;

  const tiers = new Map<string, CompiledTier>(
    policy.risk_tiers.map((tier) => [
      tier.key,
      {
        key: tier.key,
        label: tier.label,
        stepUp: tier.controls.includes("step_up"),
        approval:
          tier.controls.includes("human_approval") && tier.approval
            ? {
                required: tier.approval.approvers,
                roles: [...tier.approval.roles],
                expiresAfterMs: durationMs(tier.approval.expires_after),
              }
            : null,
        sampleRate: tier.controls.includes("review_sample") ? (tier.sample_rate ?? 0) : null,
        rule: `risk_tiers.${tier.key}`,
      },
    ]),
  );

  const actions = new Map<string, CompiledAction>(
    policy.actions.map((action) => {
      const rule = `actions.${action.key}`;
      const bands = action.risk.map((band, index): CompiledBand => ({
        tier: band.tier,
        matches: band.if ? compileCondition(band.if) : null,
        rule: `${rule}.risk[${index}]`,
      }));
      const limits = action.limits.map((limit, index): CompiledLimit => {
        const maxAmount = limit.max_amount === undefined ? null : amountOf(limit.max_amount);
        const caps = [
          ...(limit.max_count === undefined ? [] : [String(limit.max_count)]),
          ...(maxAmount === null ? [] : [`${normalizeAmount(maxAmount)} ${policy.currency}`]),
        ];
        return {
          id: `${action.key}#limits[${index}]`,
          action: action.key,
          scope: limit.scope,
          window: limit.window,
          windowMs: durationMs(limit.window),
          maxCount: limit.max_count ?? null,
          maxAmount,
          onExceed: limit.on_exceed,
          label: `${limit.scope} limit: ${caps.join(" and ")} per ${limit.window}`,
          rule: `${rule}.limits[${index}]`,
        };
      });
      return [
        action.key,
        {
          key: action.key,
          label: action.label,
          authority: action.authority,
          authorityRule: `${rule}.authority`,
          authorityIntent: null,
          owner: action.owner,
          dataSources: new Set(action.data_sources),
          bands,
          limits,
          rule,
        },
      ];
    }),
  );

  return {
    version,
    name: policy.name,
    currency: policy.currency,
    document: policy,
    tiers,
    actions,
    forbidden: new Map(
      policy.forbidden.map((entry, index) => [entry.action, { action: entry.action, reason: entry.reason, rule: `forbidden[${index}]` }]),
    ),
    intents: new Map(
      policy.intents.map((intent) => [
        intent.key,
        {
          key: intent.key,
          label: intent.label,
          handling: intent.handling,
          actions: intent.actions.length > 0 ? new Set(intent.actions) : null,
          authority: compileIntentAuthority(intent.key, intent.label, intent.authority, actions),
          rule: `intents.${intent.key}`,
        },
      ]),
    ),
    dataSources: new Map(policy.data_sources.map((source) => [source.key, { label: source.label, pii: source.pii }])),
  };
}

function compileIntentAuthority(
  key: string,
  label: string,
  overrides: Readonly<Record<string, Authority>> | undefined,
  actions: ReadonlyMap<string, CompiledAction>,
): ReadonlyMap<string, CompiledAction> | null {
  const entries = Object.entries(overrides ?? {});
  if (entries.length === 0) return null;
  return new Map(
    entries.map(([actionKey, authority]) => {
      const action = actions.get(actionKey) ?? invariant(`intent "${key}" sets the authority of unknown action "${actionKey}"`);
      const rule = `intents.${key}.authority[${JSON.stringify(actionKey)}]`;
      return [actionKey, { ...action, authority, authorityRule: rule, authorityIntent: label }];
    }),
  );
}

/** The tier the engine uses when no band matches; compilePolicy guarantees it exists. */
export function fallbackTier(policy: CompiledPolicy): CompiledTier {
  return policy.tiers.get(FALLBACK_TIER) ?? invariant(`tier "${FALLBACK_TIER}" is missing`);
}

/**
 * A condition as a closure. Every key must hold. A missing or ill-typed request value fails
 * every test except `ne` (which is "not equal"), so a refund without an amount matches no
 * `amount` band and falls through to the fallback band or to `critical`.
 */
export function compileCondition(condition: Condition): Predicate {
  const tests = Object.entries(condition).map(([key, value]): Predicate => {
    if (key === "all" || key === "any") {
      const parts = (value as Condition[]).map(compileCondition);
      return key === "all" ? (facts) => parts.every((part) => part(facts)) : (facts) => parts.some((part) => part(facts));
    }
    if (key === "not") {
      const inner = compileCondition(value as Condition);
      return (facts) => !inner(facts);
    }
    const field = resolveConditionField(key) ?? invariant(`unsupported condition field "${key}"`);
    return compileFieldTest(field, value as ConditionLiteral | OperatorTest);
  });
  return (facts) => tests.every((test) => test(facts));
}

type Matcher = (value: unknown) => boolean;

function compileFieldTest(field: ConditionField, test: ConditionLiteral | OperatorTest): Predicate {
  const read = reader(field);
  const matchers: Matcher[] = [];
  if (typeof test !== "object") {
    matchers.push(equals(field, test));
  } else {
    for (const [operator, operand] of Object.entries(test) as [keyof OperatorTest, unknown][]) {
      if (operator === "in") {
        const options = (operand as ConditionLiteral[]).map((option) => equals(field, option));
        matchers.push((value) => options.some((option) => option(value)));
      } else if (operator === "eq") {
        matchers.push(equals(field, operand as ConditionLiteral));
      } else if (operator === "ne") {
        const eq = equals(field, operand as ConditionLiteral);
        matchers.push((value) => !eq(value));
      } else {
        matchers.push(ordering(field, operator, operand as ConditionLiteral));
      }
    }
  }
  return (facts) => {
    const value = read(facts);
    return matchers.every((matcher) => matcher(value));
  };
}

function reader(field: ConditionField): (facts: RequestFacts) => unknown {
  switch (field.target) {
    case "amount":
      return (facts) => facts.amount;
    case "currency":
      return (facts) => facts.currency;
    case "channel":
      return (facts) => facts.channel;
    case "confidence":
      return (facts) => facts.confidence;
    case "customer.verified":
      return (facts) => facts.customer.verified;
    case "customer.segment":
      return (facts) => facts.customer.segment;
    case "customer.id":
      return (facts) => facts.customer.id;
    case "param": {
      const name = field.name;
      return (facts) => (Object.hasOwn(facts.params, name) ? facts.params[name] : undefined);
    }
  }
}

function equals(field: ConditionField, operand: ConditionLiteral): Matcher {
  if (field.kind === "amount") {
    const expected = amountOf(operand);
    return (value) => value instanceof Decimal && value.eq(expected);
  }
  if (field.kind === "param" && typeof operand === "number") {
    const expected = new Decimal(operand);
    return (value) => {
      const actual = toComparableDecimal(value);
      return actual !== null && actual.eq(expected);
    };
  }
  return (value) => value === operand;
}

function ordering(field: ConditionField, operator: "lt" | "lte" | "gt" | "gte", operand: ConditionLiteral): Matcher {
  const compare = (actual: Decimal, expected: Decimal) => actual[operator](expected);
  switch (field.kind) {
    case "amount": {
      const expected = amountOf(operand);
      return (value) => value instanceof Decimal && compare(value, expected);
    }
    case "number":
    case "param": {
      const expected = toComparableDecimal(operand) ?? invariant(`"${operator}" needs a number`);
      return (value) => {
        const actual = toComparableDecimal(value);
        return actual !== null && compare(actual, expected);
      };
    }
    default:
      return () => false;
  }
}

function amountOf(value: unknown): Decimal {
  const parsed = parseAmount(value);
  return parsed.ok ? parsed.value : invariant(parsed.message);
}

function durationMs(text: string): number {
  return parseDuration(text) ?? invariant(`bad duration "${text}"`);
}

// Unreachable after validation; kept so a broken invariant fails loudly at compile time.
function invariant(message: string): never {
  throw new Error(`Policy compile invariant broken: ${message}`);
}
