import { describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/lib/policy/document-schema";
import example from "../example-policy.json";
import { rerouteParams } from "./carrier";
import { DEMO_SYSTEMS } from "./demo-systems";
import { adjustmentParams } from "./inventory-log";
import { cancelParams } from "./order-service";
import { refundParams } from "./payment-gateway";

const policy = policyDocumentSchema.parse(example);

/** Read-only tools of the demo systems that no read-like action in the demo policy covers: invisible through the gateway until one exists. */
const UNMAPPED = ["payments/list_refunds", "inventory/list_adjustments"];

/** One call of each state-changing tool, and the params its system recomputes for an agent API grant. */
const CALLS: Record<string, { args: Record<string, unknown>; customerId: string | null; params: Record<string, unknown> }> = {
  "payments/issue_refund": (() => {
    const args = { customer_id: "cus_8841", order_id: "ord_1193", amount: "12.50", currency: "USD" };
    return { args, customerId: args.customer_id, params: refundParams(args) };
  })(),
  "carrier/reroute_parcel": (() => {
    const args = { customer_id: "cus_8841", order_id: "ord_1193", address: { line1: "18 Birch Road", line2: "Floor 2", city: "Portland", postcode: "97209", country: "US" } };
    return { args, customerId: args.customer_id, params: rerouteParams(args) };
  })(),
  "orders/cancel_order": (() => {
    const args = { customer_id: "cus_3310", order_id: "ord_1201", reason: "ordered the wrong size" };
    return { args, customerId: args.customer_id, params: cancelParams(args) };
  })(),
  "inventory/record_adjustment": (() => {
    const args = { sku: "NW-JKT-RAIN-M", quantity: -1, reason: "damaged in transit" };
    return { args, customerId: null, params: adjustmentParams(args) };
  })(),
};

function at(args: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), args);
}

describe("the demo policy's tools section", () => {
  it("maps every tool of the demo systems, except the read-only ones no read-like action covers, and nothing else", () => {
    const tools = DEMO_SYSTEMS.flatMap((system) => system.tools.map((tool) => `${system.name}/${tool.name}`));
    const mapped = policy.tools.map((m) => `${m.server}/${m.tool}`);
    expect(new Set(mapped).size).toBe(mapped.length);
    expect([...mapped, ...UNMAPPED].sort()).toEqual([...tools].sort());
    const readOnly = DEMO_SYSTEMS.flatMap((system) => system.tools.filter((tool) => !tool.changesState).map((tool) => `${system.name}/${tool.name}`));
    for (const name of UNMAPPED) expect(readOnly).toContain(name);
  });

  it("maps each tool to an action of the policy whose data sources cover the tool's", () => {
    for (const mapping of policy.tools) {
      const action = policy.actions.find((a) => a.key === mapping.action);
      expect(action, `${mapping.tool} → ${mapping.action}`).toBeDefined();
      // A decision that reads outside its action's data sources is denied: the mapping must stay inside.
      for (const source of mapping.data_sources) expect(action!.data_sources, `${mapping.tool} reads ${source}`).toContain(source);
    }
  });

  it("reads, for each state-changing tool, the customer and params its system binds an agent API grant to", () => {
    for (const [name, call] of Object.entries(CALLS)) {
      const mapping = policy.tools.find((m) => `${m.server}/${m.tool}` === name)!;
      expect(mapping, name).toBeDefined();
      expect(mapping.customer_id ? at(call.args, mapping.customer_id) : null, name).toBe(call.customerId);
      const params = Object.fromEntries(Object.entries(mapping.params).map(([param, path]) => [param, at(call.args, path)]));
      expect(params, name).toEqual(call.params);
    }
    expect(Object.keys(CALLS).sort()).toEqual(DEMO_SYSTEMS.flatMap((s) => s.tools.filter((t) => t.changesState).map((t) => `${s.name}/${t.name}`)).sort());
  });
});
