import { randomBytes } from "node:crypto";
import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { SystemOfRecord, type ToolCallExtra } from "./system-of-record";

/**
 * The demo's inventory log: a stand-in system of record (see system-of-record.ts) that records a
 * stock adjustment (a damaged item written off, a miscount corrected) only with a valid Mandate
 * grant for exactly that adjustment, used once. Listing needs no grant.
 */

export const INVENTORY_LOG_PATH = "/demo/inventory/mcp";

export interface Adjustment {
  id: string;
  sku: string;
  quantity: number;
  reason: string;
  decisionId: string;
  agent: string;
  at: string;
}

const sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, "a SKU such as NW-JKT-RAIN-M").describe("The stock keeping unit, e.g. NW-JKT-RAIN-M");

const adjustmentArguments = {
  sku,
  quantity: z.number().int().min(-10_000).max(10_000).refine((q) => q !== 0, "a change of at least one unit").describe("Units added (positive) or written off (negative)"),
  reason: z.string().min(1).max(500).describe("Why the stock changes, e.g. damaged in transit"),
};

type AdjustmentArguments = { sku: string; quantity: number; reason: string };

/** The decision the agent API makes for an adjustment: what its grant binds (the policy's `tools` mapping says the same). */
export function adjustmentParams(args: AdjustmentArguments) {
  return { sku: args.sku, quantity: args.quantity, reason: args.reason };
}

const wording = { noun: "adjustment" };

export class InventoryLog extends SystemOfRecord {
  readonly adjustments: Adjustment[] = [];

  protected server(): McpServer {
    const server = new McpServer({ name: "northwind-inventory", title: "Northwind inventory log (demo stand-in)", version: "1.0.0" }, { jsonSchemaValidator: sharedSchemaValidator });
    server.registerTool(
      "record_adjustment",
      {
        title: "Record a stock adjustment",
        description: "Adds units to a SKU's stock or writes them off. Requires a Mandate grant for exactly this adjustment (Mandate-Grant header or _meta[\"mandate/grant\"]).",
        inputSchema: adjustmentArguments,
        annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      async (args, extra) => this.record(args, extra),
    );
    server.registerTool(
      "list_adjustments",
      {
        title: "List stock adjustments",
        description: "The adjustments recorded, for one SKU or all (reading needs no grant).",
        inputSchema: { sku: sku.optional() },
        annotations: { readOnlyHint: true },
      },
      async ({ sku }) => {
        const adjustments = this.adjustments.filter((a) => sku === undefined || a.sku === sku);
        return { content: [{ type: "text", text: JSON.stringify(adjustments) }], structuredContent: { adjustments } };
      },
    );
    return server;
  }

  private record(args: AdjustmentArguments, extra: ToolCallExtra): Promise<CallToolResult> {
    const call = { action: "inventory.adjust", tool: "record_adjustment", arguments: args, customerId: null, params: adjustmentParams(args) };
    return this.withGrant(extra, call, wording, (claims) => {
      const adjustment: Adjustment = { id: `adj_${randomBytes(6).toString("hex")}`, ...args, decisionId: claims.jti, agent: claims.sub, at: this.now().toISOString() };
      this.adjustments.push(adjustment);
      return {
        content: [{ type: "text", text: `Recorded ${adjustment.quantity > 0 ? "+" : ""}${adjustment.quantity} × ${adjustment.sku} (${adjustment.id}), under Mandate decision ${adjustment.decisionId}.` }],
        structuredContent: { adjustment },
      };
    });
  }
}
