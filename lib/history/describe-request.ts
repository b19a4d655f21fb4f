// Context fields said in their own words below; any other context field is listed as it came.
const DESCRIBED_CONTEXT = new Set(["channel", "confidence", "conversation_id", "summary"]);

/**
 * A decision request in words, for a reader who does not read JSON: who, how much, why, from
 * where, what the agent read. Every field the agent sent appears; the raw JSON stays one click away.
 */
export function describeRequest(request: unknown): string {
  const r = (request ?? {}) as {
    intent?: string;
    customer?: { id?: string; verified?: boolean; segment?: string };
    params?: Record<string, unknown>;
    data_sources?: string[];
    context?: { channel?: string; confidence?: number; conversation_id?: string; summary?: string } & Record<string, unknown>;
  };
  const parts: string[] = [];
  if (r.customer) {
    const facts = [r.customer.verified === true ? "verified" : r.customer.verified === false ? "not verified" : null, r.customer.segment].filter(Boolean);
    if (r.customer.id || facts.length) parts.push(`customer${r.customer.id ? ` ${r.customer.id}` : ""}${facts.length ? ` (${facts.join(", ")})` : ""}`);
  }
  if (r.intent) parts.push(`intent ${r.intent}`);
  const { amount, currency, ...params } = r.params ?? {};
  if (amount !== undefined) parts.push(`amount ${String(amount)}${currency ? ` ${String(currency)}` : ""}`);
  for (const [key, value] of Object.entries(params)) parts.push(`${key.replaceAll("_", " ")} ${typeof value === "string" ? value : JSON.stringify(value)}`);
  if (r.data_sources?.length) parts.push(`reads ${r.data_sources.join(", ")}`);
  if (r.context?.channel) parts.push(`via ${r.context.channel}`);
  if (typeof r.context?.confidence === "number") parts.push(`confidence ${Math.round(r.context.confidence * 100)}%`);
  if (r.context?.conversation_id) parts.push(`conversation ${r.context.conversation_id}`);
  for (const [key, value] of Object.entries(r.context ?? {})) {
    if (!DESCRIBED_CONTEXT.has(key)) parts.push(`${key.replaceAll("_", " ")} ${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  const summary = r.context?.summary ? ` “${r.context.summary}”` : "";
  return `${parts.join(" · ")}${summary}`.trim();
}
