import http from "node:http";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import example from "../../lib/demo/example-policy.json";
import { Carrier, rerouteParams } from "../../lib/demo/systems/carrier";
import { DEMO_SYSTEMS, startDemoSystems, type DemoSystemName, type RunningDemoSystems } from "../../lib/demo/systems/demo-systems";
import { adjustmentParams, InventoryLog } from "../../lib/demo/systems/inventory-log";
import { cancelParams, OrderService } from "../../lib/demo/systems/order-service";
import { PaymentGateway, refundParams } from "../../lib/demo/systems/payment-gateway";
import { actionDigest, toolCallDigest } from "../../lib/engine/canonical";
import { Decimal, normalizeAmount } from "../../lib/engine/money";
import { grantFor, grantIssuer, signGrant, type GrantClaims } from "../../lib/grants/make-grant";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { openKeyStore, publicJwks } from "../../lib/keys/key-store";
import { policyDocumentSchema } from "../../lib/policy/document-schema";

// The demo's four systems of record, mounted by path exactly as start-server mounts them, each a
// real MCP server called with the SDK's Client over HTTP. Grants are made with Mandate's own key
// store (lib/grants/make-grant.ts), in both forms: the agent API's (customer + params digest) and
// the MCP gateway's (claim `tool`, digest over the whole call).

const policy = policyDocumentSchema.parse(example);
let demo: RunningDemoSystems;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  demo = startDemoSystems({ jwks: publicJwks(getKeyStore()), issuer: grantIssuer() });
  server = http.createServer((req, res) => {
    const system = demo.find(req.url);
    if (system) void system.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function instance<T>(name: DemoSystemName): T {
  return demo.systems.find(({ system }) => system.name === name)!.instance as T;
}

type Args = Record<string, unknown>;
type Outcome = { isError: boolean; text: string; structured: { refused?: string; field?: string; [key: string]: unknown } };

/** One tool call with the official MCP client; the grant rides in `_meta` or in the Mandate-Grant header. */
async function callTool(system: DemoSystemName, tool: string, args: Args, grant?: string, via: "meta" | "header" = "meta"): Promise<Outcome> {
  const { path: mount } = DEMO_SYSTEMS.find((s) => s.name === system)!;
  const mcp = new Client({ name: "demo-systems-test", version: "1.0.0" });
  const headers: Record<string, string> = via === "header" && grant ? { "Mandate-Grant": grant } : {};
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}${mount}`), { requestInit: { headers } }));
  try {
    const result = (await mcp.callTool({ name: tool, arguments: args, _meta: via === "meta" && grant ? { "mandate/grant": grant } : {} })) as CallToolResult;
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
    return { isError: !!result.isError, text, structured: (result.structuredContent ?? {}) as Outcome["structured"] };
  } finally {
    await mcp.close();
  }
}

interface StateChangingTool {
  system: DemoSystemName;
  tool: string;
  /** The n-th distinct valid call (calls that each succeed on the seeded state). */
  args(n: number): Args;
  customerId(args: Args): string | null;
  params(args: Args): Record<string, unknown>;
  /** The same call with one argument changed. */
  changed(args: Args): Args;
  /** How many changes the system has made. */
  count(): number;
}

/** The action the demo policy maps the tool to: the grant is made for it, as the gateway would. */
const actionOf = (system: string, tool: string) => policy.tools.find((m) => m.server === system && m.tool === tool)!.action;

/** A grant as Mandate makes it for an allowed decision: the gateway's form (tool claim, whole call) or the agent API's. */
function grant(t: StateChangingTool, args: Args, form: "gateway" | "agent_api", overrides: Partial<GrantClaims> = {}): string {
  const action = actionOf(t.system, t.tool);
  const customerId = t.customerId(args);
  const params = t.params(args);
  const token = grantFor(
    {
      id: randomUUID(),
      agentName: "support-bot",
      action,
      status: "allowed",
      actionDigest: form === "gateway" ? toolCallDigest({ action, tool: t.tool, arguments: args }) : actionDigest({ action, customerId, params }),
      customerId,
      amount: typeof params.amount === "string" ? normalizeAmount(new Decimal(params.amount)) : null,
      currency: typeof params.currency === "string" ? params.currency : null,
      policyVersion: 1,
      createdAt: new Date(),
      decidedAt: null,
      tool: form === "gateway" ? t.tool : null,
    },
    [],
  )!;
  if (Object.keys(overrides).length === 0) return token;
  return signGrant({ ...claimsOf(token), ...overrides }, getKeyStore().currentSigning());
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as GrantClaims;

const newAddresses = [
  { line1: "18 Birch Road", line2: "Floor 2", city: "Portland", postcode: "97209", country: "US" },
  { line1: "5 Lake Drive", city: "Eugene", postcode: "97403", country: "US" },
  { line1: "61 Quay Street", city: "Seattle", postcode: "98104", country: "US" },
];
const parcels = [
  { customer_id: "cus_8841", order_id: "ord_1193" },
  { customer_id: "cus_7702", order_id: "ord_1210" },
  { customer_id: "cus_3310", order_id: "ord_1204" },
];
const openOrders = [
  { customer_id: "cus_3310", order_id: "ord_1201" },
  { customer_id: "cus_5527", order_id: "ord_1202" },
  { customer_id: "cus_6120", order_id: "ord_1207" },
];
const str = (value: unknown) => value as string;

const TOOLS: StateChangingTool[] = [
  {
    system: "carrier",
    tool: "reroute_parcel",
    args: (n) => ({ ...parcels[n]!, address: newAddresses[n]! }),
    customerId: (a) => str(a.customer_id),
    params: (a) => rerouteParams(a as Parameters<typeof rerouteParams>[0]),
    // Same parcel, same street, another postcode: a reroute somewhere else.
    changed: (a) => ({ ...a, address: { ...(a.address as object), postcode: "97035" } }),
    count: () => [...instance<Carrier>("carrier").parcels.values()].reduce((sum, p) => sum + p.reroutes.length, 0),
  },
  {
    system: "orders",
    tool: "cancel_order",
    args: (n) => ({ ...openOrders[n]!, reason: "ordered the wrong size" }),
    customerId: (a) => str(a.customer_id),
    params: (a) => cancelParams(a as Parameters<typeof cancelParams>[0]),
    changed: (a) => ({ ...a, reason: "found it cheaper elsewhere" }),
    count: () => [...instance<OrderService>("orders").orders.values()].filter((o) => o.status === "cancelled").length,
  },
  {
    system: "inventory",
    tool: "record_adjustment",
    args: (n) => ({ sku: ["NW-JKT-RAIN-M", "NW-TENT-2P", "NW-PACK-30L"][n]!, quantity: -(n + 1), reason: "damaged in transit" }),
    customerId: () => null,
    params: (a) => adjustmentParams(a as Parameters<typeof adjustmentParams>[0]),
    changed: (a) => ({ ...a, quantity: -50 }),
    count: () => instance<InventoryLog>("inventory").adjustments.length,
  },
  {
    system: "payments",
    tool: "issue_refund",
    args: (n) => ({ customer_id: `cus_demo${n}`, order_id: "ord_1193", amount: "12.50", currency: "USD" }),
    customerId: (a) => str(a.customer_id),
    params: (a) => refundParams(a as Parameters<typeof refundParams>[0]),
    changed: (a) => ({ ...a, order_id: "ord_1187" }),
    count: () => instance<PaymentGateway>("payments").refunds.length,
  },
];

describe.each(TOOLS)("$system: $tool (state-changing)", (t) => {
  it("refuses a call without a grant and changes nothing", async () => {
    const before = t.count();
    const result = await callTool(t.system, t.tool, t.args(0));
    expect(result).toMatchObject({ isError: true, structured: { refused: "no_grant", message: expect.any(String) } });
    expect(t.count()).toBe(before);
  });

  it("carries out the call under the gateway's grant for exactly that call (in _meta), once", async () => {
    const args = t.args(0);
    const token = grant(t, args, "gateway");
    const before = t.count();
    expect(await callTool(t.system, t.tool, args, token)).toMatchObject({ isError: false });
    expect(t.count()).toBe(before + 1);
    // Used once: the same grant again is refused, even for the very same call.
    expect(await callTool(t.system, t.tool, args, token)).toMatchObject({ isError: true, structured: { refused: "reused" } });
    expect(t.count()).toBe(before + 1);
  });

  it("carries out the call under the agent API's grant (customer + params) in the Mandate-Grant header, once", async () => {
    const args = t.args(1);
    const token = grant(t, args, "agent_api");
    const before = t.count();
    expect(await callTool(t.system, t.tool, args, token, "header")).toMatchObject({ isError: false });
    expect(t.count()).toBe(before + 1);
    expect(await callTool(t.system, t.tool, args, token, "header")).toMatchObject({ isError: true, structured: { refused: "reused" } });
    expect(t.count()).toBe(before + 1);
  });

  it("refuses another call under the grant (one argument changed), in both forms, without using the grant up", async () => {
    const args = t.args(2);
    const before = t.count();
    const gatewayGrant = grant(t, args, "gateway");
    expect(await callTool(t.system, t.tool, t.changed(args), gatewayGrant)).toMatchObject({ isError: true, structured: { refused: "wrong_call", field: "arguments" } });
    expect(await callTool(t.system, t.tool, t.changed(args), grant(t, args, "agent_api"))).toMatchObject({ isError: true, structured: { refused: "wrong_call" } });
    expect(t.count()).toBe(before);
    expect(await callTool(t.system, t.tool, args, gatewayGrant)).toMatchObject({ isError: false });
  });

  it("refuses a forged grant, an expired grant and a grant for another action", async () => {
    const args = t.args(0);
    const before = t.count();
    const forger = openKeyStore(path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-forger-")), "keys")).currentSigning();
    expect(await callTool(t.system, t.tool, args, signGrant(claimsOf(grant(t, args, "gateway")), forger))).toMatchObject({ isError: true, structured: { refused: "unknown_key" } });
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await callTool(t.system, t.tool, args, grant(t, args, "gateway", { iat: past, nbf: past, exp: past + 300 }))).toMatchObject({ isError: true, structured: { refused: "expired" } });
    expect(await callTool(t.system, t.tool, args, grant(t, args, "gateway", { action: "return.label" }))).toMatchObject({ isError: true, structured: { refused: "wrong_action" } });
    expect(t.count()).toBe(before);
  });
});

describe("the systems' own rules, after the grant", () => {
  it("the carrier refuses to reroute a delivered parcel, and the order service to cancel a delivered order or someone else's", async () => {
    const carrier = TOOLS[0]!;
    const delivered = { customer_id: "cus_8841", order_id: "ord_1187", address: newAddresses[0] };
    expect(await callTool("carrier", "reroute_parcel", delivered, grant(carrier, delivered, "gateway"))).toMatchObject({ isError: true, structured: { refused: "delivered" } });
    const orders = TOOLS[1]!;
    const deliveredOrder = { customer_id: "cus_8841", order_id: "ord_1187", reason: "too late" };
    expect(await callTool("orders", "cancel_order", deliveredOrder, grant(orders, deliveredOrder, "gateway"))).toMatchObject({ isError: true, structured: { refused: "delivered" } });
    const notTheirs = { customer_id: "cus_8841", order_id: "ord_1202", reason: "changed my mind" };
    expect(await callTool("orders", "cancel_order", notTheirs, grant(orders, notTheirs, "gateway"))).toMatchObject({ isError: true, structured: { refused: "wrong_customer", field: "customer_id" } });
  });
});

describe("read-only tools need no grant", () => {
  it("each system lists exactly the tools DEMO_SYSTEMS names", async () => {
    for (const system of DEMO_SYSTEMS) {
      const mcp = new Client({ name: "demo-systems-test", version: "1.0.0" });
      await mcp.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}${system.path}`)));
      try {
        const { tools } = await mcp.listTools();
        expect(tools.map((tool) => tool.name).sort(), system.name).toEqual(system.tools.map((tool) => tool.name).sort());
        for (const tool of tools) expect(tool.annotations?.readOnlyHint ?? false, tool.name).toBe(!system.tools.find((x) => x.name === tool.name)!.changesState);
      } finally {
        await mcp.close();
      }
    }
  });

  it("get_order reads the seeded orders; track_parcel shows where a parcel goes after a reroute", async () => {
    const order = await callTool("orders", "get_order", { order_id: "ord_1193" });
    expect(order).toMatchObject({ isError: false, structured: { order: { id: "ord_1193", customerId: "cus_8841", status: "shipped" } } });
    expect(await callTool("orders", "get_order", { order_id: "ord_0000" })).toMatchObject({ isError: true, structured: { error: "not_found" } });

    const args = { customer_id: "cus_8841", order_id: "ord_1193", address: { line1: "40 Cedar Court", city: "Portland", postcode: "97210", country: "US" } };
    expect(await callTool("carrier", "reroute_parcel", args, grant(TOOLS[0]!, args, "gateway"))).toMatchObject({ isError: false });
    const tracked = await callTool("carrier", "track_parcel", { order_id: "ord_1193" });
    expect(tracked).toMatchObject({ isError: false, structured: { parcel: { orderId: "ord_1193", destination: args.address } } });
    expect(tracked.text).toContain("40 Cedar Court");
  });

  it("list_adjustments and list_refunds read what was recorded", async () => {
    const adjustments = await callTool("inventory", "list_adjustments", { sku: "NW-JKT-RAIN-M" });
    expect(adjustments.isError).toBe(false);
    expect((adjustments.structured.adjustments as { sku: string }[]).every((a) => a.sku === "NW-JKT-RAIN-M")).toBe(true);
    expect(adjustments.structured.adjustments).toHaveLength(instance<InventoryLog>("inventory").adjustments.filter((a) => a.sku === "NW-JKT-RAIN-M").length);
    expect((await callTool("inventory", "list_adjustments", {})).structured.adjustments).toHaveLength(instance<InventoryLog>("inventory").adjustments.length);
    expect((await callTool("payments", "list_refunds", { customer_id: "cus_demo0" })).structured.refunds).toHaveLength(1);
  });
});
