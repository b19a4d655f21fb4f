import http from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, MCPServerStreamableHttp, Runner, type AgentInputItem } from "@openai/agents-core";
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from "@openai/agents-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoSystems } from "../../lib/demo/systems/demo-systems";
import { PaymentGateway } from "../../lib/demo/systems/payment-gateway";
import { drainGatewayOutcomes } from "../../lib/gateway/call-tool";
import { callUpstream } from "../../lib/gateway/call-upstream";
import { listUpstreamTools } from "../../lib/tool-servers/upstream-client";
import type { CallUpstream, Upstream } from "../../lib/gateway/types";
import { grantIssuer } from "../../lib/grants/make-grant";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { publicJwks } from "../../lib/keys/key-store";
import { newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// Issue #22: a real agent framework's own MCP support (the OpenAI Agents SDK's
// MCPServerStreamableHttp, on the SDK's v2 MCP client) lists and calls tools through Mandate's
// gateway, against the demo's real systems of record over HTTP. Only the model is scripted.

let t: TestDatabase;
let api: ApiServer;
let key: string;
let systemsServer: http.Server;
let payments: PaymentGateway;
const upstreams: Upstream[] = [];
/** Every call the gateway forwarded to an upstream (the real callUpstream does the forwarding). */
const forwarded: { server: string; tool: string; arguments: Record<string, unknown> }[] = [];
const recordingCallUpstream: CallUpstream = (upstream, call, options) => {
  forwarded.push({ server: upstream.name, tool: call.name, arguments: call.arguments });
  return callUpstream(upstream, call, options);
};

beforeAll(async () => {
  t = await createTestDatabase();
  // The example policy as shipped: its `tools` section maps the demo systems' tools.
  await publishExamplePolicy(t);
  const demo = startDemoSystems({ jwks: publicJwks(getKeyStore()), issuer: grantIssuer() });
  payments = demo.systems.find(({ system }) => system.name === "payments")!.instance as PaymentGateway;
  systemsServer = http.createServer((req, res) => {
    const system = demo.find(req.url);
    if (system) void system.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => systemsServer.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(systemsServer.address() as AddressInfo).port}`;
  for (const { system } of demo.systems) {
    const url = `${base}${system.path}`;
    upstreams.push({ name: system.name, url, headers: {}, tools: await listUpstreamTools(url, {}), status: "ok" });
  }
  api = await startApiServer(t, { gateway: { upstreams: async () => upstreams, callUpstream: recordingCallUpstream, timeoutMs: 5_000 } });
  key = await newAgentKey(t, "framework-bot");
});
afterAll(async () => {
  await api?.close();
  systemsServer?.closeAllConnections();
  await new Promise((resolve) => systemsServer?.close(resolve));
  await t?.drop();
});

/** The gateway as the framework sees it: one MCP server over Streamable HTTP with the agent's key and the conversation's context. */
function gatewayServer(): MCPServerStreamableHttp {
  return new MCPServerStreamableHttp({
    name: "mandate",
    url: `${api.url}/mcp`,
    requestInit: {
      headers: {
        authorization: `Bearer ${key}`,
        "Mandate-Customer-Id": "cus_8841",
        "Mandate-Customer-Verified": "true",
        "Mandate-Conversation-Id": "conv_framework",
        "Mandate-Intent": "shipping_error",
      },
    },
  });
}

/** What the framework handed back to the model for one tool call, as text. */
function toolOutputSeen(input: string | AgentInputItem[], callId: string): string {
  const item = (input as AgentInputItem[]).find((i) => i.type === "function_call_result" && i.callId === callId);
  if (!item || item.type !== "function_call_result") throw new Error(`the model never saw a result for ${callId}`);
  const output = item.output as unknown;
  const parts = Array.isArray(output) ? output : [output];
  return parts.map((part) => (typeof part === "string" ? part : ((part as { text?: string }).text ?? JSON.stringify(part)))).join(" ");
}

/** The example policy's `tools` section: every demo tool but the two listings of past changes. */
const MAPPED_TOOLS = ["cancel_order", "get_order", "issue_refund", "record_adjustment", "reroute_parcel", "track_parcel"];
const refund = (amount: string, order: string, customer = "cus_8841") => ({ customer_id: customer, order_id: order, amount, currency: "USD" });

describe("an agent framework's MCP client through the gateway (OpenAI Agents SDK)", () => {
  it("lists exactly the tools the policy maps: the systems' unmapped tools stay hidden", async () => {
    expect(upstreams.flatMap((u) => u.tools.map((tool) => tool.name))).toEqual(expect.arrayContaining(["list_refunds", "list_adjustments"]));
    const server = gatewayServer();
    await server.connect();
    try {
      expect((await server.listTools()).map((tool) => tool.name).sort()).toEqual(MAPPED_TOOLS);
    } finally {
      await server.close();
    }
  });

  it("the framework runs the model's tool calls through Mandate: the allowed refund is carried out, the held and the denied ones never reach the payment gateway", async () => {
    const model = new ScriptedModel([
      [functionCall("issue_refund", refund("12.50", "ord_1193"), { callId: "call_allowed" })],
      modelResponder(() => [functionCall("issue_refund", refund("300.00", "ord_big"), { callId: "call_held" })]),
      modelResponder(() => [functionCall("issue_refund", refund("10.00", "ord_other", "cus_someone_else"), { callId: "call_denied" })]),
      modelResponder(() => [assistantMessage("One refund issued; the large one waits for a supervisor.")]),
    ]);
    const server = gatewayServer();
    await server.connect();
    try {
      const agent = new Agent({ name: "support", instructions: "Help the customer.", model, mcpServers: [server] });
      const result = await new Runner({ tracingDisabled: true }).run(agent, "My parcel went to the wrong address; please refund me.");
      expect(result.finalOutput).toBe("One refund issued; the large one waits for a supervisor.");
    } finally {
      await server.close();
    }
    model.assertComplete();

    // The model was offered exactly the gateway's tools, by the framework.
    expect(model.firstCall!.request.tools.map((tool) => tool.name).sort()).toEqual(MAPPED_TOOLS);

    // What the framework fed back to the model after each call.
    const seen = model.lastCall!.request.input;
    expect(toolOutputSeen(seen, "call_allowed")).toContain("Refunded 12.50 USD to cus_8841 for ord_1193");
    expect(toolOutputSeen(seen, "call_held")).toMatch(/a person must approve this first/i);
    expect(toolOutputSeen(seen, "call_denied")).toContain("is for customer");

    // The payment gateway carried out the allowed refund only; nothing else was forwarded to it.
    expect(payments.refunds.map((r) => [r.customerId, r.orderId, r.amount])).toEqual([["cus_8841", "ord_1193", "12.50"]]);
    expect(forwarded).toEqual([{ server: "payments", tool: "issue_refund", arguments: refund("12.50", "ord_1193") }]);

    // Mandate decided all three, in order, and recorded the carried-out one as executed.
    await drainGatewayOutcomes();
    const decisions = await t.db.decision.findMany({ where: { agent: { name: "framework-bot" } }, orderBy: { createdAt: "asc" } });
    expect(decisions.map((d) => [d.action, d.decision, d.status, d.customerId])).toEqual([
      ["refund.issue", "allow", "executed", "cus_8841"],
      ["refund.issue", "hold", "pending_approval", "cus_8841"],
      ["refund.issue", "deny", "denied", "cus_someone_else"],
    ]);
    expect(decisions[0]!.id).toBe(payments.refunds[0]!.decisionId);
    expect(decisions[0]!.request).toMatchObject({ context: { channel: "mcp", conversation_id: "conv_framework" }, mcp: { server: "payments", tool: "issue_refund" } });
    expect(decisions[2]!.reasonCodes).toEqual(["customer_mismatch"]);
  });
});
