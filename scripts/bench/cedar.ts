import v8 from "node:v8";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { Decimal, parseAmount, toAmount, type DecisionRequest, type LimitUsage, type StopSwitch } from "@/lib/engine";
import { resolveConditionField, type ConditionField } from "@/lib/policy/conditions";
import type { Action, Condition, ConditionLiteral, OperatorTest, PolicyDocument, RiskTier } from "@/lib/policy/document-schema";
import { FALLBACK_TIER } from "@/lib/policy/document-schema";

// A Cedar translation of a Mandate policy document, written for the engine benchmark only. It
// answers one question the same way our engine does: is this request `allow`? Every other
// outcome (deny, hold, step_up, escalate) is Cedar's deny. The request goes into Cedar's
// context; entities stay empty, so no schema is needed.
//
// Context shape (built by `toCedarRequest`):
//   paused: Bool                  a stop switch covers the request
//   intent?: String
//   data_sources: Set<String>
//   currency?: String
//   customer: { id?: String, verified?: Bool, segment?: String }
//   channel?: String
//   amount?: decimal              present when params.amount is a valid amount
//   amount_e4: Long               the amount in ten-thousandths, 0 when absent
//   usage: { limit_<i>: { count: Long, amount_e4: Long } }   for each limit of the action
// Fields from `customer` on are sent only when a translated policy reads them: Cedar's cost
// grows with the context it parses, and a fair translation sends only what it needs.
//
// Cedar's decimal has comparisons but no arithmetic, so limit sums use Long in ten-thousandths
// (the fixed point Cedar's decimal itself uses); risk bands compare the decimal.

// Node 20's V8 aborts the process ("Fatal error: unreachable code" in the deoptimizer) after a few
// thousand optimised calls into cedar-wasm when TurboFan inlines the JS-to-Wasm call. Turning
// that one inlining off avoids it; our engine makes no Wasm calls, so its timing is unaffected.
v8.setFlagsFromString("--no-turbo-inline-js-wasm-calls");

export const CEDAR_VERSION = cedar.getCedarVersion();

/** Cedar's decimal keeps 4 fraction digits; longer amounts cannot be translated exactly. */
const CEDAR_DECIMAL_DIGITS = 4;

export type CedarCall = Omit<cedar.StatefulAuthorizationCall, "preparsedPolicySetId">;

export interface CedarTranslation {
  /** Policy id → Cedar policy text, one permit per executable action and the forbids. */
  policies: Record<string, string>;
  /** The Cedar request for one of our requests with the usage and stop switch the caller loaded. */
  toCedarRequest(request: DecisionRequest, usage: Readonly<Record<string, LimitUsage>>, paused: StopSwitch | null): CedarCall;
}

export class UnsupportedPolicyError extends Error {}

/** Context fields the translated policies read. */
type Field = "customer.id" | "customer.verified" | "customer.segment" | "channel" | "currency" | "amount" | "amount_e4";

export function translatePolicy(document: PolicyDocument): CedarTranslation {
  const uses = new Set<Field>();
  const tiers = new Map(document.risk_tiers.map((tier) => [tier.key, tier]));
  const actions = new Map(document.actions.map((action) => [action.key, action]));

  const policies: Record<string, string> = {};
  policies["paused"] = `@id("paused")\nforbid (principal, action, resource)\nwhen { context.paused };`;
  if (document.forbidden.length > 0) {
    const list = document.forbidden.map((entry) => `Action::${text(entry.action)}`).join(", ");
    policies["forbidden"] = `@id("forbidden")\nforbid (principal, action in [${list}], resource);`;
  }
  // Unknown actions get no permit (default deny); say and recommend never allow.
  for (const action of document.actions) {
    if (action.authority !== "execute") continue;
    const clauses = [
      intentClause(document, action),
      dataScopeClause(action),
      `!(context has currency) || context.currency == ${text(document.currency)}`,
      tierClause(action, tiers, uses),
      ...action.limits.map((limit, index) => limitClause(limit, index, uses)),
    ];
    const id = `allow ${action.key}`;
    policies[id] = [`@id(${text(id)})`, `permit (principal, action == Action::${text(action.key)}, resource)`, ...clauses.map((c) => `when { ${c} }`)].join("\n") + ";";
  }

  return {
    policies,
    toCedarRequest(request, usage, paused) {
      const action = actions.get(request.action);
      const params: Record<string, unknown> = request.params ?? {};
      const customer: Record<string, cedar.CedarValueJson> = {};
      const { id, verified, segment } = request.customer ?? {};
      if (uses.has("customer.id") && typeof id === "string") customer.id = id;
      if (uses.has("customer.verified") && typeof verified === "boolean") customer.verified = verified;
      if (uses.has("customer.segment") && typeof segment === "string") customer.segment = segment;

      const context: cedar.Context = { paused: paused !== null, data_sources: [...(request.data_sources ?? [])], customer };
      if (request.intent != null) context.intent = request.intent;
      if (typeof params.currency === "string") context.currency = params.currency;
      const channel = request.context?.channel;
      if (uses.has("channel") && typeof channel === "string") context.channel = channel;
      const amount = toAmount(Object.hasOwn(params, "amount") ? params.amount : undefined);
      if (uses.has("amount") && amount) context.amount = decimalValue(amount);
      if (uses.has("amount_e4")) context.amount_e4 = amount ? tenThousandths(amount) : 0;
      if (action && action.limits.length > 0) {
        context.usage = Object.fromEntries(
          action.limits.map((limit, index) => {
            const used = usage[`${action.key}#limits[${index}]`]; // the engine's limit id (compile.ts)
            const entry: Record<string, number> = { count: used?.count ?? 0 };
            if (limit.max_amount !== undefined) entry.amount_e4 = used ? tenThousandths(used.amount) : 0;
            return [`limit_${index}`, entry];
          }),
        );
      }

      return {
        principal: { type: "Agent", id: "agent" },
        action: { type: "Action", id: request.action },
        resource: { type: "Customer", id: typeof id === "string" ? id : "anonymous" },
        context,
        entities: [],
      };
    },
  };
}

/**
 * Preparses the policy set once in cedar-wasm's thread-local cache; `isAllowed` then runs
 * `statefulIsAuthorized`, the fastest path cedar-wasm offers. Evaluation errors (a policy that
 * errors is skipped by Cedar) are counted, because one means the translation is wrong.
 */
export function createCedarAuthorizer(translation: CedarTranslation, policySetId = "mandate-bench") {
  const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies: translation.policies });
  if (parsed.type !== "success") {
    throw new Error(`Cedar rejected the translated policies: ${parsed.errors.map((e) => e.message).join("; ")}`);
  }
  let evaluationErrors = 0;
  let lastError: string | null = null;
  return {
    isAllowed(call: CedarCall): boolean {
      const answer = cedar.statefulIsAuthorized({ ...call, preparsedPolicySetId: policySetId });
      if (answer.type !== "success") throw new Error(`Cedar failed: ${answer.errors.map((e) => e.message).join("; ")}`);
      if (answer.response.diagnostics.errors.length > 0) {
        evaluationErrors += 1;
        lastError = answer.response.diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).join("; ");
      }
      return answer.response.decision === "allow";
    },
    errors: () => ({ count: evaluationErrors, last: lastError }),
  };
}

// Rule 3: no intent, or an autonomous intent whose actions include this one (empty = any).
function intentClause(document: PolicyDocument, action: Action): string {
  const allowing = document.intents
    .filter((intent) => intent.handling === "autonomous" && (intent.actions.length === 0 || intent.actions.includes(action.key)))
    .map((intent) => text(intent.key));
  if (allowing.length === 0) return "!(context has intent)";
  return `!(context has intent) || [${allowing.join(", ")}].contains(context.intent)`;
}

// Rule 4: every requested data source is in the action's scope.
function dataScopeClause(action: Action): string {
  if (action.data_sources.length === 0) return "context.data_sources.isEmpty()";
  return `[${action.data_sources.map(text).join(", ")}].containsAll(context.data_sources)`;
}

// Rules 7, 9 and 10: the first matching band's tier allows without approval or a pending step-up.
function tierClause(action: Action, tiers: ReadonlyMap<string, RiskTier>, uses: Set<Field>): string {
  const allows = (key: string) => {
    const tier = tiers.get(key);
    if (!tier) throw new UnsupportedPolicyError(`tier "${key}" is not defined`);
    if (tier.controls.includes("human_approval")) return "false";
    if (!tier.controls.includes("step_up")) return "true";
    uses.add("customer.verified");
    return VERIFIED;
  };
  // Built from the fallback backwards, so the first band that matches decides, as in the engine.
  let expression = allows(FALLBACK_TIER);
  for (const band of [...action.risk].reverse()) {
    expression = band.if ? `(if ${condition(band.if, uses)} then ${allows(band.tier)} else ${expression})` : allows(band.tier);
  }
  return expression;
}

const VERIFIED = "(context.customer has verified && context.customer.verified == true)";

// Rule 8: this decision must not exceed the limit given the usage the caller loaded.
function limitClause(limit: Action["limits"][number], index: number, uses: Set<Field>): string {
  const usage = `context.usage.limit_${index}`;
  const tests: string[] = [];
  if (limit.max_count !== undefined) tests.push(`${usage}.count < ${limit.max_count}`);
  if (limit.max_amount !== undefined) uses.add("amount_e4");
  if (limit.max_amount !== undefined) tests.push(`${usage}.amount_e4 + context.amount_e4 <= ${tenThousandths(amountOf(limit.max_amount))}`);
  return tests.join(" && ");
}

/** A condition as a Cedar expression; a missing field fails every test but `ne`, as in the engine. */
function condition(node: Condition, uses: Set<Field>): string {
  const parts = Object.entries(node).flatMap(([key, value]): string[] => {
    if (value === undefined) return [];
    if (key === "all") return [join((value as Condition[]).map((part) => condition(part, uses)), " && ", "true")];
    if (key === "any") return [join((value as Condition[]).map((part) => condition(part, uses)), " || ", "false")];
    if (key === "not") return [`!(${condition(value as Condition, uses)})`];
    const field = resolveConditionField(key);
    if (!field) throw new UnsupportedPolicyError(`condition field "${key}" is not supported`);
    return [fieldTest(key, field, value as ConditionLiteral | OperatorTest, uses)];
  });
  return join(parts, " && ", "true");
}

function fieldTest(key: string, field: ConditionField, test: ConditionLiteral | OperatorTest, uses: Set<Field>): string {
  const target = cedarField(key, field);
  uses.add(target.field);
  const present = (expression: string) => `(${target.has} && ${expression})`;
  if (typeof test !== "object") return present(equals(field, target.value, test));
  const parts = Object.entries(test).map(([operator, operand]) => {
    switch (operator) {
      case "eq":
        return present(equals(field, target.value, operand as ConditionLiteral));
      case "ne":
        return `!${present(equals(field, target.value, operand as ConditionLiteral))}`;
      case "in":
        return present(join((operand as ConditionLiteral[]).map((option) => equals(field, target.value, option)), " || ", "false"));
      default:
        // Ordering holds only for amounts here; the engine answers false for text and booleans.
        if (field.kind !== "amount") return "false";
        return present(`${target.value}.${ORDERING[operator as keyof typeof ORDERING]}(${decimalLiteral(operand)})`);
    }
  });
  return join(parts, " && ", "true");
}

const ORDERING = { lt: "lessThan", lte: "lessThanOrEqual", gt: "greaterThan", gte: "greaterThanOrEqual" } as const;

function cedarField(key: string, field: ConditionField): { field: Field; has: string; value: string } {
  switch (field.target) {
    case "amount":
    case "currency":
    case "channel":
      return { field: field.target, has: `context has ${field.target}`, value: `context.${field.target}` };
    case "customer.verified":
    case "customer.segment":
    case "customer.id": {
      const name = field.target.slice("customer.".length);
      return { field: field.target, has: `context.customer has ${name}`, value: `context.customer.${name}` };
    }
    default:
      // confidence and params.* would need their own context encoding; the example uses neither.
      throw new UnsupportedPolicyError(`condition field "${key}" is not translated to Cedar`);
  }
}

function equals(field: ConditionField, value: string, literal: ConditionLiteral): string {
  if (field.kind === "amount") return `${value} == ${decimalLiteral(literal)}`;
  // The engine compares with ===; a literal of another type than the field never matches.
  if (field.kind === "boolean") return typeof literal === "boolean" ? `${value} == ${literal}` : "false";
  return typeof literal === "string" ? `${value} == ${text(literal)}` : "false";
}

function join(parts: string[], operator: string, empty: string): string {
  if (parts.length === 0) return empty;
  return parts.length === 1 ? parts[0]! : parts.map((part) => `(${part})`).join(operator);
}

function amountOf(value: unknown): Decimal {
  const parsed = parseAmount(value);
  if (!parsed.ok) throw new UnsupportedPolicyError(parsed.message);
  return parsed.value;
}

function decimalText(amount: Decimal): string {
  if (amount.decimalPlaces() > CEDAR_DECIMAL_DIGITS) {
    throw new UnsupportedPolicyError(`${amount.toFixed()} has more than ${CEDAR_DECIMAL_DIGITS} fraction digits, which Cedar's decimal cannot hold`);
  }
  // Cedar's decimal() wants digits on both sides of the point: "50.0", not "50".
  return amount.toFixed(Math.max(1, amount.decimalPlaces()));
}

function decimalLiteral(value: unknown): string {
  return `decimal(${text(decimalText(amountOf(value)))})`;
}

function decimalValue(amount: Decimal): cedar.CedarValueJson {
  return { __extn: { fn: "decimal", arg: decimalText(amount) } };
}

function tenThousandths(amount: Decimal): number {
  const scaled = new Decimal(amount).times(10_000);
  if (!scaled.isInteger() || scaled.abs().gt(Number.MAX_SAFE_INTEGER)) {
    throw new UnsupportedPolicyError(`${amount.toFixed()} does not fit a Cedar Long in ten-thousandths`);
  }
  return scaled.toNumber();
}

/** A Cedar string literal; keys and codes here are printable ASCII, where JSON escapes agree. */
function text(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new UnsupportedPolicyError(`${JSON.stringify(value)} is not printable ASCII`);
  return JSON.stringify(value);
}
