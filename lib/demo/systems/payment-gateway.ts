import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { verifyGrant, type VerifyGrantOptions } from "@/lib/grants/verify-grant";

/**
 * The demo's payment gateway: a stand-in system of record, a real MCP server (official SDK,
 * Streamable HTTP, no sessions) that issues a refund only with a valid Mandate grant for exactly
 * that refund, used once. It trusts nothing the agent says: it verifies the grant against
 * Mandate's published keys and recomputes the action digest from the call it is asked to make.
 * State (refunds, honoured grants) lives in memory: a restart forgets it.
 */

export const PAYMENT_GATEWAY_PATH = "/demo/payments/mcp";
export const GRANT_HEADER = "mandate-grant";
export const GRANT_META = "mandate/grant";

export interface Refund {
  id: string;
  customerId: string;
  orderId: string;
  amount: string;
  currency: string;
  decisionId: string;
  agent: string;
  at: string;
}

export interface PaymentGatewayOptions {
  /** Mandate's public keys: its JWKS URL, or the JWK Set. */
  jwks: VerifyGrantOptions["jwks"];
  /** Mandate's public URL: grants from another issuer are refused. */
  issuer?: string;
  now?: () => Date;
}

const refundArguments = {
  customer_id: z.string().min(1).max(200).describe("The customer to refund, e.g. cus_8841"),
  order_id: z.string().min(1).max(200).describe("The order the refund is for, e.g. ord_1193"),
  amount: z.string().regex(/^[0-9]{1,18}(\.[0-9]{1,8})?$/, "a decimal amount such as 12.50").describe("The amount, as a decimal string"),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD").describe("ISO 4217 currency code"),
};

export class PaymentGateway {
  readonly refunds: Refund[] = [];
  /** The `jti` (decision id) of every grant honoured: a grant is good for one refund. */
  private readonly honoured = new Set<string>();

  constructor(private readonly options: PaymentGatewayOptions) {}

  /** Answers MCP over Streamable HTTP on node:http: a fresh server and transport per request (stateless). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const server = this.server();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: (error as Error).message }, id: null }));
      }
    }
  }

  private server(): McpServer {
    const server = new McpServer({ name: "northwind-payments", title: "Northwind payment gateway (demo stand-in)", version: "1.0.0" });
    server.registerTool(
      "issue_refund",
      {
        title: "Issue a refund",
        description: "Refunds an amount to a customer for an order. Requires a Mandate grant for exactly this refund (Mandate-Grant header or _meta[\"mandate/grant\"]).",
        inputSchema: refundArguments,
        annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      async (args, extra) => this.issueRefund(args, grantOf(extra)),
    );
    server.registerTool(
      "list_refunds",
      {
        title: "List refunds",
        description: "The refunds issued to a customer (reading needs no grant).",
        inputSchema: { customer_id: refundArguments.customer_id },
        annotations: { readOnlyHint: true },
      },
      async ({ customer_id }) => {
        const refunds = this.refunds.filter((r) => r.customerId === customer_id);
        return { content: [{ type: "text", text: JSON.stringify(refunds) }], structuredContent: { refunds } };
      },
    );
    return server;
  }

  private async issueRefund(args: { customer_id: string; order_id: string; amount: string; currency: string }, grant: string | null): Promise<CallToolResult> {
    if (!grant) return refused("no_grant", "No Mandate grant came with this refund: ask Mandate first and pass the grant it gives.");
    const verified = await verifyGrant(grant, {
      jwks: this.options.jwks,
      issuer: this.options.issuer,
      now: this.options.now?.(),
      // Both forms: a grant from the agent API binds customer and params, one from the MCP gateway the whole tool call.
      call: { action: "refund.issue", customerId: args.customer_id, params: { amount: args.amount, currency: args.currency, order_id: args.order_id }, tool: "issue_refund", arguments: args },
    });
    if (!verified.ok) return refused(verified.code, verified.message, verified.field);
    // Checked and recorded in the same turn of the event loop: two calls with one grant cannot both pass.
    if (this.honoured.has(verified.claims.jti)) return refused("reused", `The grant for ${verified.claims.jti} was already used for a refund.`);
    this.honoured.add(verified.claims.jti);
    const refund: Refund = {
      id: `re_${randomBytes(6).toString("hex")}`,
      customerId: args.customer_id,
      orderId: args.order_id,
      amount: args.amount,
      currency: args.currency,
      decisionId: verified.claims.jti,
      agent: verified.claims.sub,
      at: (this.options.now?.() ?? new Date()).toISOString(),
    };
    this.refunds.push(refund);
    return {
      content: [{ type: "text", text: `Refunded ${refund.amount} ${refund.currency} to ${refund.customerId} for ${refund.orderId} (${refund.id}), under Mandate decision ${refund.decisionId}.` }],
      structuredContent: { refund },
    };
  }
}

function grantOf(extra: { _meta?: Record<string, unknown>; requestInfo?: { headers: Record<string, string | string[] | undefined> } }): string | null {
  const fromMeta = extra._meta?.[GRANT_META];
  if (typeof fromMeta === "string" && fromMeta) return fromMeta;
  const header = extra.requestInfo?.headers[GRANT_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value ? value : null;
}

function refused(code: string, message: string, field?: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: `Refund refused (${code}${field ? `, ${field}` : ""}): ${message}` }],
    structuredContent: { refused: code, ...(field ? { field } : {}), message },
  };
}
