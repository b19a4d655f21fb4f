/**
 * The conversation's context for a tool call. The host application knows it better than the model:
 * HTTP headers on the MCP request (`Mandate-Customer-Id`, …), overridden for one call by the same
 * keys in the request's `_meta` (`mandate/customer_id`, …). Values the model cannot be trusted with
 * come from here, never from the tool's arguments.
 */
export interface ConversationContext {
  customerId?: string;
  customerVerified?: boolean;
  customerSegment?: string;
  intent?: string;
  conversationId?: string;
  channel: string;
  idempotencyKey?: string;
}

const FIELDS = [
  ["customerId", "mandate-customer-id", "mandate/customer_id"],
  ["customerVerified", "mandate-customer-verified", "mandate/customer_verified"],
  ["customerSegment", "mandate-customer-segment", "mandate/customer_segment"],
  ["intent", "mandate-intent", "mandate/intent"],
  ["conversationId", "mandate-conversation-id", "mandate/conversation_id"],
  ["channel", "mandate-channel", "mandate/channel"],
  ["idempotencyKey", "idempotency-key", "mandate/idempotency_key"],
] as const;

type Headers = Record<string, string | string[] | undefined>;

/** Reads the context; a value of the wrong type is reported by name (the call is then refused, nothing recorded). */
export function readConversationContext(headers: Headers, meta: Record<string, unknown> | undefined): { context: ConversationContext; problems: string[] } {
  const context: ConversationContext = { channel: "mcp" };
  const problems: string[] = [];
  for (const [field, header, metaKey] of FIELDS) {
    const fromHeader = headers[header];
    const raw: unknown = meta && Object.hasOwn(meta, metaKey) ? meta[metaKey] : Array.isArray(fromHeader) ? fromHeader[0] : fromHeader;
    if (raw === undefined || raw === null || raw === "") continue;
    if (field === "customerVerified") {
      if (raw === true || raw === "true") context.customerVerified = true;
      else if (raw === false || raw === "false") context.customerVerified = false;
      else problems.push(`${metaKey} must be true or false`);
      continue;
    }
    if (typeof raw !== "string") {
      problems.push(`${metaKey} must be a string`);
      continue;
    }
    context[field] = raw;
  }
  return { context, problems };
}

/** `_meta` without Mandate's own keys: what is passed on to the upstream with the grant. */
export function forwardableMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) if (!key.startsWith("mandate/")) out[key] = value;
  return out;
}
