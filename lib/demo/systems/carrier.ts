import { randomBytes } from "node:crypto";
import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DEMO_ORDERS, type Address } from "./demo-orders";
import { notFound, refused, SystemOfRecord, type SystemOfRecordOptions, type ToolCallExtra } from "./system-of-record";

/**
 * The demo's carrier: a stand-in system of record (see system-of-record.ts) that knows where each
 * parcel goes and reroutes one only with a valid Mandate grant for exactly that reroute (the
 * whole address included), used once. Tracking needs no grant.
 */

export const CARRIER_PATH = "/demo/carrier/mcp";

export interface Reroute {
  id: string;
  from: Address;
  to: Address;
  decisionId: string;
  agent: string;
  at: string;
}

export interface Parcel {
  tracking: string;
  orderId: string;
  customerId: string;
  status: "in_transit" | "delivered";
  destination: Address;
  reroutes: Reroute[];
}

// No transforms (trim, defaults): the grant's digest covers the arguments exactly as sent.
const text = (max: number) => z.string().min(1).max(max);

const addressSchema = z.strictObject({
  line1: text(200).describe("Street and number"),
  line2: text(200).optional().describe("Apartment, unit, floor"),
  city: text(100),
  postcode: text(20),
  country: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166 alpha-2 code such as US").describe("ISO 3166-1 alpha-2 country code"),
});

const rerouteArguments = {
  customer_id: z.string().min(1).max(200).describe("The customer whose parcel it is, e.g. cus_8841"),
  order_id: z.string().min(1).max(200).describe("The order the parcel carries, e.g. ord_1193"),
  address: addressSchema.describe("The new delivery address"),
};

type RerouteArguments = { customer_id: string; order_id: string; address: Address };

/** The decision the agent API makes for a reroute: what its grant binds, the whole address included (the policy's `tools` mapping says the same). */
export function rerouteParams(args: RerouteArguments) {
  return {
    order_id: args.order_id,
    address_line1: args.address.line1,
    address_line2: args.address.line2,
    address_city: args.address.city,
    address_postcode: args.address.postcode,
    address_country: args.address.country,
  };
}

const wording = { noun: "reroute" };

export class Carrier extends SystemOfRecord {
  /** By order id. */
  readonly parcels = new Map<string, Parcel>();

  constructor(options: SystemOfRecordOptions) {
    super(options);
    for (const order of DEMO_ORDERS) {
      if (!order.tracking) continue;
      this.parcels.set(order.id, {
        tracking: order.tracking,
        orderId: order.id,
        customerId: order.customerId,
        status: order.status === "delivered" ? "delivered" : "in_transit",
        destination: structuredClone(order.shipTo),
        reroutes: [],
      });
    }
  }

  protected server(): McpServer {
    const server = new McpServer({ name: "northwind-carrier", title: "Northwind carrier (demo stand-in)", version: "1.0.0" }, { jsonSchemaValidator: sharedSchemaValidator });
    server.registerTool(
      "reroute_parcel",
      {
        title: "Reroute a parcel",
        description: "Sends a parcel in transit to a new address. Requires a Mandate grant for exactly this reroute (Mandate-Grant header or _meta[\"mandate/grant\"]).",
        inputSchema: rerouteArguments,
        annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
      },
      async (args, extra) => this.reroute(args, extra),
    );
    server.registerTool(
      "track_parcel",
      {
        title: "Track a parcel",
        description: "Where an order's parcel is and where it is going (reading needs no grant).",
        inputSchema: { order_id: rerouteArguments.order_id },
        annotations: { readOnlyHint: true },
      },
      async ({ order_id }) => {
        const parcel = this.parcels.get(order_id);
        if (!parcel) return notFound(`No parcel for ${order_id}: the order has not shipped, or does not exist.`);
        return { content: [{ type: "text", text: describe(parcel) }], structuredContent: { parcel } };
      },
    );
    return server;
  }

  private reroute(args: RerouteArguments, extra: ToolCallExtra): Promise<CallToolResult> {
    const call = { action: "shipment.reroute", tool: "reroute_parcel", arguments: args, customerId: args.customer_id, params: rerouteParams(args) };
    return this.withGrant(extra, call, wording, (claims) => {
      const parcel = this.parcels.get(args.order_id);
      if (!parcel) return refused(wording, "unknown_parcel", `No parcel for ${args.order_id}: the order has not shipped, or does not exist.`, "order_id");
      if (parcel.customerId !== args.customer_id) return refused(wording, "wrong_customer", `The parcel for ${args.order_id} is not ${args.customer_id}'s.`, "customer_id");
      if (parcel.status === "delivered") return refused(wording, "delivered", `The parcel for ${args.order_id} was already delivered.`);
      const reroute: Reroute = {
        id: `rr_${randomBytes(6).toString("hex")}`,
        from: parcel.destination,
        to: structuredClone(args.address),
        decisionId: claims.jti,
        agent: claims.sub,
        at: this.now().toISOString(),
      };
      parcel.destination = reroute.to;
      parcel.reroutes.push(reroute);
      return {
        content: [{ type: "text", text: `Rerouted ${parcel.tracking} (${parcel.orderId}) to ${oneLine(reroute.to)} (${reroute.id}), under Mandate decision ${reroute.decisionId}.` }],
        structuredContent: { reroute, parcel },
      };
    });
  }
}

function oneLine(address: Address): string {
  return [address.line1, address.line2, `${address.city} ${address.postcode}`, address.country].filter(Boolean).join(", ");
}

function describe(parcel: Parcel): string {
  return `${parcel.tracking} (${parcel.orderId}): ${parcel.status === "delivered" ? "delivered to" : "in transit to"} ${oneLine(parcel.destination)}${parcel.reroutes.length ? `, rerouted ${parcel.reroutes.length}×` : ""}.`;
}
