import { decisionRequestSchema, type DecisionRequestBody } from "@/lib/decisions/schemas";
import type { ToolMapping } from "@/lib/policy/document-schema";
import type { ConversationContext } from "./conversation-context";

export type MappedToolCall = { ok: true; body: DecisionRequestBody } | { ok: false; problems: string[] };

/** The value at a dotted path in the arguments (own properties of plain objects only), or undefined. */
export function valueAt(args: unknown, path: string): unknown {
  let value: unknown = args;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * A tool call as the decision request the policy judges: the action the policy maps the tool to,
 * the customer and params read from the arguments at the mapping's paths, the conversation's
 * context from the host. When the arguments name one customer and the conversation another, both
 * go in (`customer.id` and `context.customer_id`) and the engine denies `customer_mismatch`.
 * Validated with the agent API's own schema: a value the API would refuse is refused here too.
 */
export function mapToolCall(mapping: ToolMapping, args: Record<string, unknown>, context: ConversationContext): MappedToolCall {
  const problems: string[] = [];
  let argumentCustomer: string | undefined;
  if (mapping.customer_id) {
    const raw = valueAt(args, mapping.customer_id);
    if (typeof raw === "string" || typeof raw === "number") argumentCustomer = String(raw);
    else if (raw !== undefined && raw !== null) problems.push(`arguments.${mapping.customer_id}: expected a customer id, got ${Array.isArray(raw) ? "a list" : typeof raw}`);
  }
  const params: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(mapping.params)) {
    const raw = valueAt(args, path);
    if (raw === undefined) continue;
    if (raw === null || typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") params[name] = raw;
    else problems.push(`arguments.${path}: expected a single value for the param ${name}, got ${Array.isArray(raw) ? "a list" : "an object"}`);
  }
  if (problems.length) return { ok: false, problems };

  const customerId = argumentCustomer ?? context.customerId;
  const customer = {
    ...(customerId !== undefined ? { id: customerId } : {}),
    ...(context.customerVerified !== undefined ? { verified: context.customerVerified } : {}),
    ...(context.customerSegment !== undefined ? { segment: context.customerSegment } : {}),
  };
  const body = {
    action: mapping.action,
    ...(context.intent !== undefined ? { intent: context.intent } : {}),
    ...(Object.keys(customer).length ? { customer } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    ...(mapping.data_sources.length ? { data_sources: mapping.data_sources } : {}),
    context: {
      channel: context.channel,
      ...(context.conversationId !== undefined ? { conversation_id: context.conversationId } : {}),
      ...(context.customerId !== undefined ? { customer_id: context.customerId } : {}),
    },
  };
  const parsed = decisionRequestSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${describePath(issue.path, mapping)}: ${issue.message}`) };
  }
  return { ok: true, body: parsed.data };
}

/** A schema path in the words of the call: `params.amount` becomes the argument it came from. */
function describePath(path: PropertyKey[], mapping: ToolMapping): string {
  if (path[0] === "params" && typeof path[1] === "string" && mapping.params[path[1]]) return `arguments.${mapping.params[path[1]]}`;
  if (path[0] === "customer" && path[1] === "id") return mapping.customer_id ? `arguments.${mapping.customer_id}` : "Mandate-Customer-Id";
  if (path[0] === "intent") return "Mandate-Intent";
  if (path[0] === "context") return `Mandate-${String(path[1] ?? "context").replaceAll("_", "-")}`;
  return path.map(String).join(".");
}
