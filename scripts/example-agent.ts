// The midnight shipping-error story, played by an example agent against a running Mandate:
//   npm run example:agent -- [--url http://localhost:3000] [--key mdt_…] [--customer cus_8841] [--wait 60]
// Maya's parcel went to her old address. The agent works through Mandate's MCP gateway with the
// official MCP client, as any agent framework would: it reroutes the parcel (carrier) and refunds
// the shipping fee (payment gateway); both calls are decided by the policy and reach the systems
// with a grant. Going around Mandate gets nowhere: the payment gateway refuses a refund with no
// grant, with a grant for another amount, and a grant used twice. A larger goodwill refund is held
// for a supervisor (with --wait, approved in the console, then carried out by calling the same
// tool again), and renegotiating her contract is forbidden.
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { PAYMENT_GATEWAY_PATH } from "../lib/demo/systems/payment-gateway";
import { executionPause, MandateApiError, MandateClient, type Decision } from "../lib/client/mandate-client";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    key: { type: "string", default: DEMO_AGENT_KEY },
    customer: { type: "string", default: "cus_8841" },
    wait: { type: "string", default: "0" },
  },
});

const base = values.url!.replace(/\/$/, "");
const customer = values.customer!;
const conversation = `conv_${Date.now().toString(36)}`;
const mandate = new MandateClient({ baseUrl: base, apiKey: values.key! });
const pad = "".padEnd(34);

/** One MCP client session: Mandate's gateway (with the agent's key and the conversation's context) or a system directly. */
async function mcp<T>(url: string, headers: Record<string, string>, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: "example-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

// The host application, not the model, says who the customer is and what the conversation is about.
const gatewayHeaders = {
  authorization: `Bearer ${values.key}`,
  "Mandate-Customer-Id": customer,
  "Mandate-Customer-Verified": "true",
  "Mandate-Customer-Segment": "vip",
  "Mandate-Intent": "shipping_error",
  "Mandate-Conversation-Id": conversation,
  "Mandate-Channel": "chat",
};
const viaGateway = (name: string, args: Record<string, unknown>) => mcp(`${base}/mcp`, gatewayHeaders, async (client) => (await client.callTool({ name, arguments: args })) as CallToolResult);
const direct = (args: Record<string, unknown>, grant?: string) =>
  mcp(`${base}${PAYMENT_GATEWAY_PATH}`, {}, async (client) => (await client.callTool({ name: "issue_refund", arguments: args, ...(grant ? { _meta: { "mandate/grant": grant } } : {}) })) as CallToolResult);

const text = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
const decisionOf = (result: CallToolResult) => result._meta?.["mandate/decision"] as string | undefined;
const refundId = (result: CallToolResult) => (result.structuredContent as { refund?: { id: string } } | undefined)?.refund?.id;

function show(step: string, result: CallToolResult): void {
  console.log(`${step.padEnd(34)} → ${result.isError ? "NOT DONE" : "DONE    "} ${text(result)}`);
}

try {
  console.log(`00:07 — Maya writes: "My parcel went to my old address!" (${base}, MCP gateway at ${base}/mcp)\n`);
  const tools = await mcp(`${base}/mcp`, gatewayHeaders, async (client) => (await client.listTools()).tools);
  console.log(`The agent sees ${tools.length} tools through Mandate: ${tools.map((tool) => tool.name).join(", ")}\n`);

  show("Reroute the parcel", await viaGateway("reroute_parcel", { customer_id: customer, order_id: "ord_1193", address: { line1: "12 Harbour Road", city: "Portland", postcode: "97201", country: "US" } }));
  const fee = { customer_id: customer, order_id: "ord_1193", amount: "12.50", currency: "USD" };
  const paid = await viaGateway("issue_refund", fee);
  show("Refund the shipping fee ($12.50)", paid);
  if (!paid.isError) console.log(`${pad}   executed (${refundId(paid)}), reported by the gateway under ${decisionOf(paid)}`);

  // Going around Mandate: straight to the payment gateway.
  console.log(`\nGoing around Mandate, straight to the payment gateway:`);
  console.log(`${pad}   no grant: ${text(await direct({ ...fee, amount: "125.00" }))}`);
  const decided: Decision = await mandate.decide({ action: "refund.issue", intent: "shipping_error", customer: { id: customer, verified: true }, params: { amount: "5.00", currency: "USD", order_id: "ord_1193" }, data_sources: ["orders", "payments"], context: { conversation_id: conversation, channel: "chat" } });
  console.log(`${pad}   Mandate's API allows a $5.00 refund and gives a grant (${decided.grant ? `${decided.grant.slice(0, 16)}…` : "none"})`);
  console.log(`${pad}   payment gateway, $125.00 with that grant: ${text(await direct({ ...fee, amount: "125.00" }, decided.grant))}`);
  const five = await direct({ ...fee, amount: "5.00" }, decided.grant);
  console.log(`${pad}   payment gateway, $5.00 with it: ${text(five)}`);
  console.log(`${pad}   the same grant again: ${text(await direct({ ...fee, amount: "5.00" }, decided.grant))}`);
  if (!five.isError) await mandate.reportOutcome(decided.id, { status: "executed", action_digest: decided.action_digest, external_ref: refundId(five) });
  console.log("");

  const goodwill = { customer_id: customer, order_id: "ord_1193", amount: "180.00", currency: "USD" };
  const held = await viaGateway("issue_refund", goodwill);
  show("Goodwill refund ($180.00)", held);
  const heldId = decisionOf(held);
  if (held.isError && heldId) {
    const hold = await mandate.getDecision(heldId);
    if (hold.status === "pending_approval") {
      console.log(`${pad}   ${heldId} waits for ${hold.approval?.required} approval by ${hold.approval?.roles.join(" or ")} (expires ${hold.approval?.expires_at})`);
      const waitSeconds = Number(values.wait);
      if (waitSeconds > 0) {
        const after = await mandate.waitForDecision(heldId, { timeoutMs: waitSeconds * 1000 });
        console.log(`${pad}   now ${after.status}`);
        const pause = executionPause(after);
        if (pause) console.log(`${pad}   not executed: ${pause.message}`);
        else if (after.status === "approved") {
          // Approved: the same call again is carried out under that approval, once.
          const carried = await viaGateway("issue_refund", goodwill);
          console.log(`${pad}   payment gateway: ${text(carried)}`);
          if (!carried.isError) console.log(`${pad}   executed (${refundId(carried)}), reported by the gateway`);
        }
      }
    }
  }
  const contract = await mandate.decide({ action: "contract.negotiate", intent: "billing_dispute", customer: { id: customer, verified: true }, context: { conversation_id: conversation, channel: "chat" } });
  console.log(`${"Renegotiate her contract".padEnd(34)} → ${contract.decision.toUpperCase().padEnd(8)} ${contract.reasons.map((r) => r.message).join("; ")}`);
  if (heldId) console.log(`\nDecision ${heldId} is the held refund: approve it in the console (Approvals).`);
} catch (error) {
  if (error instanceof MandateApiError) {
    console.error(`Mandate answered ${error.status} ${error.code}: ${error.message}`);
    for (const e of error.errors) console.error(`  ${e.path}: ${e.message}`);
  } else {
    console.error(`Could not reach Mandate at ${base}: ${(error as Error).message}`);
  }
  process.exit(1);
}
