import type { IncomingMessage, ServerResponse } from "node:http";
import { StatelessMcpEndpoint } from "@/lib/api/mcp-http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { verifyGrant, type GrantClaims, type VerifyGrantOptions } from "@/lib/grants/verify-grant";

/**
 * What the demo's stand-in systems of record (payment gateway, carrier, orders, inventory log)
 * share: each is a real MCP server (official SDK, Streamable HTTP, no sessions) that changes
 * state only with a valid Mandate grant for exactly that tool call, used once. They trust
 * nothing the agent says: the grant is verified against Mandate's published keys and its digest
 * recomputed from the call about to be made. State lives in memory: a restart forgets it.
 */

export const GRANT_HEADER = "mandate-grant";
export const GRANT_META = "mandate/grant";

export interface SystemOfRecordOptions {
  /** Mandate's public keys: its JWKS URL, or the JWK Set. */
  jwks: VerifyGrantOptions["jwks"];
  /** Mandate's public URL: grants from another issuer are refused. */
  issuer?: string;
  now?: () => Date;
}

/** The part of the SDK's per-call `extra` a grant can come in. */
export interface ToolCallExtra {
  _meta?: Record<string, unknown>;
  requestInfo?: { headers: Record<string, string | string[] | undefined> };
}

/**
 * The call a state-changing tool is about to make, in both forms a grant may bind: a grant from
 * the agent API covers action, customer and params; one from the MCP gateway (claim `tool`) the
 * tool's name and its whole arguments.
 */
export interface ToolCall {
  action: string;
  tool: string;
  arguments: Record<string, unknown>;
  customerId?: string | null;
  params: Record<string, unknown>;
}

/** How a system names what it does, in its refusals: "refund" → "Refund refused (…)", "…used for a refund". */
export interface Wording {
  noun: string;
}

/** The grant a tool call carries: `_meta["mandate/grant"]` first, else the `Mandate-Grant` header. */
export function grantOf(extra: ToolCallExtra): string | null {
  const fromMeta = extra._meta?.[GRANT_META];
  if (typeof fromMeta === "string" && fromMeta) return fromMeta;
  const header = extra.requestInfo?.headers[GRANT_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value ? value : null;
}

/** A refusal a model can read and a program can branch on: `structuredContent: { refused, field?, message }`. */
export function refused(wording: Wording, code: string, message: string, field?: string): CallToolResult {
  const label = wording.noun.charAt(0).toUpperCase() + wording.noun.slice(1);
  return {
    isError: true,
    content: [{ type: "text", text: `${label} refused (${code}${field ? `, ${field}` : ""}): ${message}` }],
    structuredContent: { refused: code, ...(field ? { field } : {}), message },
  };
}

/** A read that found nothing: an error result, not a refusal (no grant is involved). */
export function notFound(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }], structuredContent: { error: "not_found", message } };
}

export abstract class SystemOfRecord {
  /** The `jti` (decision id) of every grant honoured: a grant is good for one call. */
  private readonly honoured = new Set<string>();

  constructor(protected readonly options: SystemOfRecordOptions) {}

  /** A fresh MCP server with this system's tools (it keeps no state of its own: the system does). */
  protected abstract server(): McpServer;

  private endpoint: StatelessMcpEndpoint | null = null;

  /** Answers MCP over Streamable HTTP on node:http, stateless (lib/api/mcp-http.ts). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.endpoint ??= new StatelessMcpEndpoint(() => this.server());
    return this.endpoint.answer(req, res);
  }


  protected now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Runs `act` only under a valid, unused grant for exactly `call`. `act` is synchronous, so the
   * single-use check, the system's own checks and the change happen in one turn of the event loop:
   * two calls with one grant cannot both pass. The grant is used up only when `act` succeeds; a
   * refusal (`isError`) leaves it for the exact call it was made for.
   */
  protected async withGrant(extra: ToolCallExtra, call: ToolCall, wording: Wording, act: (claims: GrantClaims) => CallToolResult): Promise<CallToolResult> {
    const grant = grantOf(extra);
    if (!grant) return refused(wording, "no_grant", `No Mandate grant came with this ${wording.noun}: ask Mandate first and pass the grant it gives.`);
    const verified = await verifyGrant(grant, {
      jwks: this.options.jwks,
      issuer: this.options.issuer,
      now: this.options.now?.(),
      call: { action: call.action, customerId: call.customerId ?? null, params: call.params, tool: call.tool, arguments: call.arguments },
    });
    if (!verified.ok) return refused(wording, verified.code, verified.message, verified.field);
    if (this.honoured.has(verified.claims.jti)) return refused(wording, "reused", `The grant for ${verified.claims.jti} was already used for a ${wording.noun}.`);
    const result = act(verified.claims);
    if (!result.isError) this.honoured.add(verified.claims.jti);
    return result;
  }
}
