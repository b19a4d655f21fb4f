import { randomBytes } from "node:crypto";
import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { SystemOfRecord, type SystemOfRecordOptions, type ToolCallExtra } from "./system-of-record";

/**
 * The demo's payment gateway: a stand-in system of record (see system-of-record.ts) that issues a
 * refund only with a valid Mandate grant for exactly that refund, used once.
 */

export { GRANT_HEADER, GRANT_META } from "./system-of-record";

export const PAYMENT_GATEWAY_PATH = "/demo/payments/mcp";

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

export type PaymentGatewayOptions = SystemOfRecordOptions;

const refundArguments = {
  customer_id: z.string().min(1).max(200).describe("The customer to refund, e.g. cus_8841"),
  order_id: z.string().min(1).max(200).describe("The order the refund is for, e.g. ord_1193"),
  amount: z.string().regex(/^[0-9]{1,18}(\.[0-9]{1,8})?$/, "a decimal amount such as 12.50").describe("The amount, as a decimal string"),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD").describe("ISO 4217 currency code"),
};

type RefundArguments = { customer_id: string; order_id: string; amount: string; currency: string };

/** The decision the agent API makes for a refund: what its grant binds (the policy's `tools` mapping says the same). */
export function refundParams(args: RefundArguments) {
  return { amount: args.amount, currency: args.currency, order_id: args.order_id };
}

export class PaymentGateway extends SystemOfRecord {
  readonly refunds: Refund[] = [];

  protected server(): McpServer {
    const server = new McpServer({ name: "northwind-payments", title: "Northwind payment gateway (demo stand-in)", version: "1.0.0" }, { jsonSchemaValidator: sharedSchemaValidator });
    server.registerTool(
      "issue_refund",
      {
        title: "Issue a refund",
        description: "Refunds an amount to a customer for an order. Requires a Mandate grant for exactly this refund (Mandate-Grant header or _meta[\"mandate/grant\"]).",
        inputSchema: refundArguments,
        annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      async (args, extra) => this.issueRefund(args, extra),
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

  private issueRefund(args: RefundArguments, extra: ToolCallExtra): Promise<CallToolResult> {
    const call = { action: "refund.issue", tool: "issue_refund", arguments: args, customerId: args.customer_id, params: refundParams(args) };
    return this.withGrant(extra, call, { noun: "refund" }, (claims) => {
      const refund: Refund = {
        id: `re_${randomBytes(6).toString("hex")}`,
        customerId: args.customer_id,
        orderId: args.order_id,
        amount: args.amount,
        currency: args.currency,
        decisionId: claims.jti,
        agent: claims.sub,
        at: this.now().toISOString(),
      };
      this.refunds.push(refund);
      return {
        content: [{ type: "text", text: `Refunded ${refund.amount} ${refund.currency} to ${refund.customerId} for ${refund.orderId} (${refund.id}), under Mandate decision ${refund.decisionId}.` }],
        structuredContent: { refund },
      };
    });
  }
}
