import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DEMO_ORDERS, type DemoOrder, type OrderStatus } from "./demo-orders";
import { notFound, refused, SystemOfRecord, type SystemOfRecordOptions, type ToolCallExtra } from "./system-of-record";

/**
 * The demo's order service: a stand-in system of record (see system-of-record.ts) seeded with the
 * Northwind orders, that cancels an order only with a valid Mandate grant for exactly that
 * cancellation, used once. Reading an order needs no grant.
 */

export const ORDER_SERVICE_PATH = "/demo/orders/mcp";

export interface Order extends Omit<DemoOrder, "status"> {
  status: OrderStatus;
  cancellation: { reason: string; decisionId: string; agent: string; at: string } | null;
}

const cancelArguments = {
  customer_id: z.string().min(1).max(200).describe("The customer whose order it is, e.g. cus_8841"),
  order_id: z.string().min(1).max(200).describe("The order to cancel, e.g. ord_1201"),
  reason: z.string().min(1).max(500).describe("Why the order is cancelled, in the customer's words or the agent's summary"),
};

type CancelArguments = { customer_id: string; order_id: string; reason: string };

/** The decision the agent API makes for a cancellation: what its grant binds (the policy's `tools` mapping says the same). */
export function cancelParams(args: CancelArguments) {
  return { order_id: args.order_id, reason: args.reason };
}

const wording = { noun: "cancellation" };

export class OrderService extends SystemOfRecord {
  /** By order id. */
  readonly orders = new Map<string, Order>();

  constructor(options: SystemOfRecordOptions) {
    super(options);
    for (const order of DEMO_ORDERS) this.orders.set(order.id, { ...structuredClone(order), cancellation: null });
  }

  protected server(): McpServer {
    const server = new McpServer({ name: "northwind-orders", title: "Northwind order service (demo stand-in)", version: "1.0.0" }, { jsonSchemaValidator: sharedSchemaValidator });
    server.registerTool(
      "cancel_order",
      {
        title: "Cancel an order",
        description: "Cancels a customer's order that has not been delivered. Requires a Mandate grant for exactly this cancellation (Mandate-Grant header or _meta[\"mandate/grant\"]).",
        inputSchema: cancelArguments,
        annotations: { destructiveHint: true, idempotentHint: false, openWorldHint: false },
      },
      async (args, extra) => this.cancel(args, extra),
    );
    server.registerTool(
      "get_order",
      {
        title: "Get an order",
        description: "An order's lines, total, status and delivery address (reading needs no grant).",
        inputSchema: { order_id: cancelArguments.order_id.describe("The order, e.g. ord_1193") },
        annotations: { readOnlyHint: true },
      },
      async ({ order_id }) => {
        const order = this.orders.get(order_id);
        if (!order) return notFound(`There is no order ${order_id}.`);
        return { content: [{ type: "text", text: `${order.id} for ${order.customerId}: ${order.status}, ${order.total} ${order.currency}.` }], structuredContent: { order } };
      },
    );
    return server;
  }

  private cancel(args: CancelArguments, extra: ToolCallExtra): Promise<CallToolResult> {
    const call = { action: "order.cancel", tool: "cancel_order", arguments: args, customerId: args.customer_id, params: cancelParams(args) };
    return this.withGrant(extra, call, wording, (claims) => {
      const order = this.orders.get(args.order_id);
      if (!order) return refused(wording, "unknown_order", `There is no order ${args.order_id}.`, "order_id");
      if (order.customerId !== args.customer_id) return refused(wording, "wrong_customer", `${args.order_id} is not ${args.customer_id}'s order.`, "customer_id");
      if (order.status === "cancelled") return refused(wording, "already_cancelled", `${args.order_id} was already cancelled.`);
      if (order.status === "delivered") return refused(wording, "delivered", `${args.order_id} was delivered: it can be returned, not cancelled.`);
      order.status = "cancelled";
      order.cancellation = { reason: args.reason, decisionId: claims.jti, agent: claims.sub, at: this.now().toISOString() };
      return {
        content: [{ type: "text", text: `Cancelled ${order.id} for ${order.customerId} (${order.total} ${order.currency}), under Mandate decision ${claims.jti}.` }],
        structuredContent: { order },
      };
    });
  }
}
