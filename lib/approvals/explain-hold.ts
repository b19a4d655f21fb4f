import {
  compileCondition,
  Decimal,
  fallbackTier,
  parseAmount,
  readFacts,
  type CompiledAction,
  type CompiledLimit,
  type CompiledPolicy,
  type CompiledTier,
  type DecisionRequest,
  type RequestFacts,
} from "@/lib/engine";
import type { Condition } from "@/lib/policy/conditions";
import { describeCondition } from "@/lib/policy/describe";
import { describeApprovalRequirement } from "./approval-roles";

export interface HeldDecision {
  tier: string | null;
  reasons: readonly { code: string; message: string; rule: string }[];
  /** Who must approve, as the approval row holds it. */
  approval: { required: number; roles: readonly string[] } | null;
}

export interface HoldExplanation {
  /** What put the request in the queue, one sentence per cause. */
  why: string[];
  /** What else the policy checked on the way: limits, verification, sampling, intent, data. */
  weighed: string[];
}

/**
 * "$95 is over the $50 limit of the low tier for “Issue a refund”; “Issue a refund” has no
 * medium tier, so it falls in the high tier, which needs 1 approval by a supervisor." Re-reads
 * the request against the compiled policy version that decided it; where the stored decision and
 * this reading disagree (it should not happen) the engine's own reasons are shown instead.
 */
export function explainHold(policy: CompiledPolicy, request: DecisionRequest, decision: HeldDecision): HoldExplanation {
  const fallback = { why: decision.reasons.map((reason) => reason.message), weighed: [] };
  const action = policy.actions.get(request.action);
  const tier = decision.tier ? policy.tiers.get(decision.tier) : undefined;
  if (!action || !tier) return fallback;
  const facts = readFacts(request);
  const path = tierPath(policy, action, facts);
  if (path.tier.key !== tier.key) return fallback;

  const name = `“${action.label}”`;
  const limitReasons = decision.reasons.filter((reason) => reason.code === "limit_exceeded");
  const exceeded = new Set<string>();
  const why: string[] = [];
  const weighed: string[] = [];
  const requirement = decision.approval ? describeApprovalRequirement(decision.approval) : null;

  if (limitReasons.length > 0) {
    // The engine stops at the first rule that holds; when the tier would have held it too, both are causes.
    const tierSentence = capitalize(`${path.sentence}, ${tier.approval ? `which needs ${describeApprovalRequirement(tier.approval)}` : "which alone needs no approval"}.`);
    (tier.approval ? why : weighed).push(tierSentence);
    for (const reason of limitReasons) {
      const limit = action.limits.find((candidate) => candidate.rule === reason.rule);
      if (!limit) {
        why.push(reason.message);
        continue;
      }
      exceeded.add(limit.id);
      const detail = /\(([^()]*already in the last[^()]*)\)/.exec(reason.message)?.[1];
      why.push(`${name} is limited to ${limitWords(limit, policy.currency)} and this would go over it${detail ? ` (${detail})` : ""}; that limit holds the request for a person${!tier.approval && requirement ? `: it needs ${requirement}` : ""}.`);
    }
  } else {
    why.push(capitalize(`${path.sentence}${requirement ? `, which needs ${requirement}` : ""}.`));
  }

  if (action.limits.length === 0) weighed.push(`${name} has no count or amount limits.`);
  for (const limit of action.limits) {
    if (!exceeded.has(limit.id)) weighed.push(`Within the action's limit of ${limitWords(limit, policy.currency)}.`);
  }
  const tierName = tierWords(tier);
  const verified = facts.customer.verified;
  if (tier.stepUp) {
    weighed.push(`The ${tierName} also requires a verified customer: ${verified === true ? "this customer is verified" : "the request does not say the customer is verified"}.`);
  } else {
    weighed.push(`The ${tierName} does not ask for customer verification (${verified === true ? "this customer is verified" : verified === false ? "this customer is not verified" : "the request does not say"}).`);
  }
  if (tier.sampleRate !== null) weighed.push(`The ${tierName} sends ${share(tier.sampleRate)} of allowed decisions to quality review.`);
  const intent = request.intent ? policy.intents.get(request.intent) : undefined;
  if (intent) weighed.push(intent.actions === null ? `Intent “${intent.label}” allows any action.` : `Intent “${intent.label}” includes ${name}.`);
  const sources = request.data_sources ?? [];
  if (sources.length > 0) {
    const labels = sources.map((source) => policy.dataSources.get(source)?.label ?? source);
    weighed.push(`It reads ${listWords(labels)}, all within what ${name} may read.`);
  }
  return { why, weighed };
}

/** The sentence of how the request's facts walked the action's risk bands to its tier. */
function tierPath(policy: CompiledPolicy, action: CompiledAction, facts: RequestFacts): { tier: CompiledTier; sentence: string } {
  const name = `“${action.label}”`;
  const bands = policy.document.actions.find((candidate) => candidate.key === action.key)?.risk ?? [];
  const failures: string[] = [];
  const failedTiers: string[] = [];
  for (const [index, band] of action.bands.entries()) {
    const condition = bands[index]?.if;
    const tier = policy.tiers.get(band.tier);
    if (band.matches && !band.matches(facts)) {
      failures.push(failureWords(condition, facts, tier ? tierWords(tier) : `${band.tier} tier`, name, policy.currency));
      failedTiers.push(band.tier);
      continue;
    }
    if (!tier) continue;
    const order = policy.document.risk_tiers.map((candidate) => candidate.key);
    const used = new Set(action.bands.map((candidate) => candidate.tier));
    const lowestFailed = Math.min(...failedTiers.map((key) => order.indexOf(key)));
    const gaps = failures.length ? order.slice(lowestFailed + 1, order.indexOf(tier.key)).filter((key) => !used.has(key)) : [];
    const gapWords = gaps.length ? `; ${name} has no ${listWords(gaps.map((key) => policy.tiers.get(key)?.label.toLowerCase() ?? key), "or")} tier` : "";
    if (failures.length === 0) {
      return { tier, sentence: condition ? `${name} is in the ${tierWords(tier)} for ${coverWords(condition, policy.currency)}` : `${name} is always in the ${tierWords(tier)}` };
    }
    const cover = condition ? `, for ${coverWords(condition, policy.currency)}` : "";
    return { tier, sentence: `${failures.join("; ")}${gapWords}, so it falls in the ${tierWords(tier)}${cover}` };
  }
  const critical = fallbackTier(policy);
  const lead = failures.length ? `${failures.join("; ")}; ` : "";
  return { tier: critical, sentence: `${lead}no risk band of ${name} matched, so it falls to the ${tierWords(critical)}` };
}

/** Why one band's condition does not hold, in the words of its simplest failing part. */
function failureWords(condition: Condition | undefined, facts: RequestFacts, tier: string, name: string, currency: string): string {
  const generic = `the ${tier} for ${name} is for ${condition ? coverWords(condition, currency) : "every request"}, which this one is not`;
  if (!condition) return generic;
  const failing = Object.entries(condition).find(([key, value]) => !compileCondition({ [key]: value } as Condition)(facts));
  if (!failing) return generic;
  const [key, value] = failing;
  if (key === "all" || key === "any" || key === "not") return generic;
  const operators: [string, unknown][] = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [["eq", value]];
  const failingOperator = operators.find(([operator, operand]) => !compileCondition({ [key]: { [operator]: operand } } as Condition)(facts));
  const [operator, operand] = failingOperator ?? operators[0]!;
  if (key === "amount" || key === "params.amount") {
    if (!facts.amount) return `the request gives no amount, and the ${tier} for ${name} is for ${coverWords({ [key]: { [operator]: operand } } as Condition, currency)}`;
    const amount = money(facts.amount, currency);
    const bound = money(operand, currency);
    if (operator === "lte" || (operator === "lt" && facts.amount.gt(toDecimal(operand)))) return `${amount} is over the ${bound} limit of the ${tier} for ${name}`;
    if (operator === "lt") return `${amount} is not under the ${bound} limit of the ${tier} for ${name}`;
    if (operator === "gte" || operator === "gt") return `${amount} is under the ${bound} minimum of the ${tier} for ${name}`;
  }
  if (key === "customer.verified" && (operator === "eq" || operator === "ne")) {
    const wantsVerified = (operator === "eq") === (operand === true);
    const actual = facts.customer.verified === true ? "this customer is verified" : facts.customer.verified === false ? "this customer is not verified" : "the request does not say the customer is verified";
    return `the ${tier} for ${name} is only for ${wantsVerified ? "verified customers" : "customers not verified"}, and ${actual}`;
  }
  return `the ${tier} for ${name} is for ${coverWords({ [key]: value } as Condition, currency)}, but ${actualWords(key, facts, currency)}`;
}

function actualWords(key: string, facts: RequestFacts, currency: string): string {
  const value = (() => {
    switch (key) {
      case "amount":
      case "params.amount":
        return facts.amount ? money(facts.amount, currency) : undefined;
      case "currency":
      case "params.currency":
        return facts.currency;
      case "channel":
        return facts.channel;
      case "confidence":
        return typeof facts.confidence === "number" ? `${Math.round(facts.confidence * 100)}%` : facts.confidence;
      case "customer.segment":
        return facts.customer.segment;
      case "customer.id":
        return facts.customer.id;
      default:
        return facts.params[key.replace(/^params\./, "")];
    }
  })();
  const field = key === "customer.segment" ? "the customer's segment" : key === "confidence" ? "the agent's confidence" : `the ${key.replace(/^params\./, "").replaceAll("_", " ").replace(/^customer\.id$/, "customer")}`;
  return value === undefined || value === null || value === "" ? `the request gives no ${field.replace(/^the /, "")}` : `${field} is ${String(value)}`;
}

/** What a band's condition covers: "amounts up to $500", "verified customers". */
function coverWords(condition: Condition, currency: string): string {
  const entries = Object.entries(condition);
  if (entries.length === 1) {
    const [key, value] = entries[0]!;
    if ((key === "amount" || key === "params.amount") && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const tests = Object.entries(value);
      if (tests.length === 1) {
        const [operator, operand] = tests[0]!;
        const words: Record<string, string> = { lte: "up to", lt: "under", gte: "of at least", gt: "over" };
        if (words[operator]) return `amounts ${words[operator]} ${money(operand, currency)}`;
      }
    }
    if (key === "customer.verified" && typeof value === "boolean") return value ? "verified customers" : "customers not verified";
    const options = typeof value === "string" ? [value] : value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && Array.isArray((value as { in?: unknown }).in) ? (value as { in: unknown[] }).in.map(String) : null;
    if (options && key === "customer.segment") return `customers in segment${options.length === 1 ? "" : "s"} ${listWords(options, "or")}`;
    if (options && key === "channel") return `requests through ${listWords(options, "or")}`;
  }
  return `requests where ${describeCondition(condition)}`;
}

function limitWords(limit: CompiledLimit, currency: string): string {
  const caps = [
    ...(limit.maxCount === null ? [] : [`${limit.maxCount} ${limit.maxCount === 1 ? "time" : "times"}`]),
    ...(limit.maxAmount === null ? [] : [money(limit.maxAmount, currency)]),
  ];
  const scope = { customer: "per customer", agent: "per agent", global: "across all agents" }[limit.scope];
  return `${caps.join(" and ")} ${scope} per ${limit.window}`;
}

function tierWords(tier: CompiledTier): string {
  return `${tier.label.toLowerCase()} tier`;
}

function toDecimal(value: unknown): Decimal {
  if (value instanceof Decimal) return value;
  const parsed = parseAmount(value);
  return parsed.ok ? parsed.value : new Decimal(0);
}

/** $95, $95.50: whole amounts without cents, as people say them. */
function money(value: unknown, currency: string): string {
  const amount = toDecimal(value);
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: amount.isInteger() ? 0 : 2, maximumFractionDigits: 8 });
  // Intl formats decimal strings exactly.
  return format.format(amount.toFixed() as unknown as number);
}

function share(rate: number): string {
  return `${Math.round(rate * 10_000) / 100}%`;
}

function listWords(items: readonly string[], joiner = "and"): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${joiner} ${items.at(-1)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
