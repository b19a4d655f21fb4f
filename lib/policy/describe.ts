import type { Condition, Limit, RiskTier, ToolMapping } from "./document-schema";

// Plain-English renderings of policy parts, for people who do not read JSON.

const OPERATOR_WORDS: Record<string, string> = { lt: "<", lte: "≤", gt: ">", gte: "≥", eq: "=", ne: "≠" };
const FIELD_WORDS: Record<string, string> = {
  amount: "amount",
  currency: "currency",
  channel: "channel",
  confidence: "confidence",
  "customer.verified": "customer verified",
  "customer.segment": "customer segment",
  "customer.id": "customer",
};

function fieldWords(path: string): string {
  return FIELD_WORDS[path] ?? path.replace(/^params\./, "");
}

function valueWords(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueWords).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

export function describeCondition(condition: Condition | undefined): string {
  if (!condition) return "otherwise";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(condition as Record<string, unknown>)) {
    if (key === "all" && Array.isArray(value)) parts.push(`(${value.map((c) => describeCondition(c as Condition)).join(" and ")})`);
    else if (key === "any" && Array.isArray(value)) parts.push(`(${value.map((c) => describeCondition(c as Condition)).join(" or ")})`);
    else if (key === "not") parts.push(`not (${describeCondition(value as Condition)})`);
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [op, operand] of Object.entries(value)) {
        if (op === "in") parts.push(`${fieldWords(key)} is one of ${valueWords(operand)}`);
        else parts.push(`${fieldWords(key)} ${OPERATOR_WORDS[op] ?? op} ${valueWords(operand)}`);
      }
    } else parts.push(`${fieldWords(key)} is ${valueWords(value)}`);
  }
  return parts.join(" and ");
}

export function describeLimit(limit: Limit, currency: string): string {
  const caps: string[] = [];
  if (limit.max_count !== undefined) caps.push(`${limit.max_count} ${limit.max_count === 1 ? "time" : "times"}`);
  if (limit.max_amount !== undefined) caps.push(`${currency} ${String(limit.max_amount)}`);
  const scope = { customer: "per customer", agent: "per agent", global: "in total" }[limit.scope];
  return `${caps.join(" and ")} ${scope} per ${limit.window}, then ${limit.on_exceed ?? "hold"}`;
}

export function describeControls(tier: RiskTier): string {
  const words: string[] = [];
  for (const control of tier.controls) {
    if (control === "step_up") words.push("customer verification");
    if (control === "human_approval" && tier.approval) {
      const n = tier.approval.approvers;
      words.push(`${n} approval${n === 1 ? "" : "s"} by ${tier.approval.roles.join(" or ")} within ${tier.approval.expires_after}`);
    }
    if (control === "review_sample") words.push(`${Math.round((tier.sample_rate ?? 0) * 1000) / 10}% sampled for review`);
  }
  return words.length ? words.join("; ") : "no control: the agent acts on its own";
}

/** "Tool issue_refund on payments": how people name an MCP tool, by its name and its server's. */
export function describeToolName(mapping: Pick<ToolMapping, "server" | "tool">): string {
  return `Tool ${mapping.tool} on ${mapping.server}`;
}

/** "amount from amount, order_id from order.id": each decision param and the argument path it is read from. */
export function describeParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, path]) => `${name} from ${path}`)
    .join(", ");
}
