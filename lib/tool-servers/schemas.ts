import { z } from "zod";

/** A tool as its upstream lists it (MCP `tools/list`), kept as listed: the gateway answers it unchanged. */
export interface UpstreamTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export type ToolServerStatus = "ok" | "unreachable" | "error";

// The name is a policy key (the `server` of a tool mapping): the same rule as keySchema in
// lib/policy/document-schema.ts, so every registered name can be mapped.
const KEY = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;

export const toolServerNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name, such as payments")
  .max(64, "Use at most 64 characters")
  .regex(KEY, 'Use lowercase letters and digits, words joined by "-" or "_", such as payments or order-service');

export const toolServerUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the server's MCP address, such as https://payments.internal/mcp")
  .max(2048, "Use at most 2,048 characters")
  .refine((value) => URL.canParse(value), "Enter a full address, such as https://payments.internal/mcp")
  .refine((value) => !URL.canParse(value) || ["http:", "https:"].includes(new URL(value).protocol), "Only http:// and https:// addresses are supported (a stdio server goes behind an HTTP bridge)")
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), "Put credentials in a header, not in the address: the address is shown to everyone who can see this page")
  .refine((value) => !URL.canParse(value) || !new URL(value).hash, "Remove the #fragment from the address");

// Headers the MCP transport or the gateway sets itself: an upstream credential may not replace them.
const RESERVED_HEADERS = new Set(["accept", "connection", "content-length", "content-type", "host", "keep-alive", "mcp-protocol-version", "mcp-session-id", "last-event-id", "te", "trailer", "transfer-encoding", "upgrade"]);

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, spaces and tabs: no CR, LF or NUL (a header value with a line break would smuggle another header).
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

export const headerNameSchema = z
  .string()
  .min(1, "Enter the header's name, such as Authorization")
  .max(128, "Use at most 128 characters")
  .regex(HEADER_NAME, "A header name is letters, digits and - (such as Authorization or X-Api-Key), without spaces or colons")
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), { error: (issue) => `${String(issue.input)} is set by the MCP connection itself` })
  .refine((name) => !name.toLowerCase().startsWith("mandate-"), "Mandate-… headers are set by the gateway (grants, conversation context)");

export const headerValueSchema = z
  .string()
  .min(1, "Enter the header's value")
  .max(8192, "Use at most 8,192 characters")
  .regex(HEADER_VALUE, "Use printable characters only: no line breaks")
  .refine((value) => value.trim() === value, "Remove the spaces at the start or end");

/** Header name → value; each problem is reported under `headers.<name>`. */
export const toolServerHeadersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > 20) ctx.addIssue({ code: "custom", path: [], message: "Use at most 20 headers" });
  const seen = new Set<string>();
  for (const name of names) {
    const nameResult = headerNameSchema.safeParse(name);
    if (!nameResult.success) ctx.addIssue({ code: "custom", path: [name], message: nameResult.error.issues[0]!.message });
    else if (seen.has(name.toLowerCase())) ctx.addIssue({ code: "custom", path: [name], message: `The header ${name} is given twice` });
    seen.add(name.toLowerCase());
    const valueResult = headerValueSchema.safeParse(headers[name]);
    if (!valueResult.success) ctx.addIssue({ code: "custom", path: [name], message: valueResult.error.issues[0]!.message });
  }
});

export const registerToolServerSchema = z.strictObject({
  name: toolServerNameSchema,
  url: toolServerUrlSchema,
  headers: toolServerHeadersSchema.default({}),
});
export type RegisterToolServerInput = z.input<typeof registerToolServerSchema>;

export const toolServerRefSchema = z.strictObject({ name: toolServerNameSchema });

/**
 * One "Name: value" header as the CLI takes it (`--header "Authorization: Bearer …"`), split at
 * the first colon; the value is validated with the rest of the input.
 */
export function parseHeaderLine(line: string): [string, string] | null {
  const colon = line.indexOf(":");
  if (colon <= 0) return null;
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}
