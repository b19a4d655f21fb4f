// The midnight shipping-error story, played by an example agent against a running Mandate:
//   npm run example:agent -- [--url http://localhost:3000] [--key mdt_…] [--wait 60]
// Maya's parcel went to her old address. The agent reroutes it, refunds the shipping fee
// through the demo payment gateway (a real MCP server that refunds only with Mandate's grant
// for exactly that refund), shows that a tampered or reused grant is refused there, asks for a
// larger goodwill refund (held for a supervisor), and is refused when the conversation drifts
// into renegotiating her contract.
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { PAYMENT_GATEWAY_PATH } from "../lib/demo/systems/payment-gateway";
import { executionPause, MandateApiError, MandateClient, mayExecute, type Decision, type DecisionRequest } from "../lib/client/mandate-client";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    key: { type: "string", default: DEMO_AGENT_KEY },
    customer: { type: "string", default: "cus_8841" },
    wait: { type: "string", default: "0" },
    payments: { type: "string" },
  },
});
const paymentsUrl = values.payments ?? `${values.url!.replace(/\/$/, "")}${PAYMENT_GATEWAY_PATH}`;

const mandate = new MandateClient({ baseUrl: values.url!, apiKey: values.key! });
const customer = { id: values.customer!, verified: true, segment: "vip" };
const context = { conversation_id: `conv_${Date.now().toString(36)}`, channel: "chat", confidence: 0.93, summary: "Parcel sent to the customer's old address" };

function show(step: string, d: Decision): void {
  const why = d.reasons.map((r) => r.message).join("; ");
  console.log(`${step.padEnd(34)} → ${d.decision.toUpperCase().padEnd(8)} ${d.tier ? `[${d.tier}] ` : ""}${why}`);
}

const pad = "".padEnd(34);

/** The payment gateway, called with the official MCP client; the grant rides in the call's _meta. */
async function refund(args: { customer_id: string; order_id: string; amount: string; currency: string }, grant: string | undefined): Promise<{ ok: boolean; text: string; id?: string }> {
  const payments = new Client({ name: "example-agent", version: "1.0.0" });
  await payments.connect(new StreamableHTTPClientTransport(new URL(paymentsUrl)));
  try {
    const result = (await payments.callTool({ name: "issue_refund", arguments: args, _meta: grant ? { "mandate/grant": grant } : {} })) as CallToolResult;
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
    const id = (result.structuredContent as { refund?: { id: string } } | undefined)?.refund?.id;
    return { ok: !result.isError, text, id };
  } finally {
    await payments.close();
  }
}

async function act(step: string, request: DecisionRequest, execute: (decision: Decision) => Promise<string>): Promise<Decision> {
  const decision = await mandate.decide({ ...request, customer, context }, { idempotencyKey: `${context.conversation_id}:${step}` });
  show(step, decision);
  if (decision.decision === "allow") {
    const ref = await execute(decision);
    await mandate.reportOutcome(decision.id, { status: "executed", action_digest: decision.action_digest, external_ref: ref });
    console.log(`${pad}   executed (${ref}) and reported`);
  }
  return decision;
}

try {
  console.log(`00:07 — Maya writes: "My parcel went to my old address!" (${values.url})\n`);
  // The carrier has no stand-in yet: the reroute is reported as the carrier's reference would be.
  await act("Reroute the parcel", { action: "shipment.reroute", intent: "shipping_error", params: { order_id: "ord_1193" }, data_sources: ["orders", "shipments"] }, async () => "carrier_rr_5521");
  const fee = { customer_id: customer.id, order_id: "ord_1193", amount: "12.50", currency: "USD" };
  await act("Refund the shipping fee ($12.50)", { action: "refund.issue", intent: "shipping_error", params: { amount: fee.amount, currency: fee.currency, order_id: fee.order_id }, data_sources: ["orders", "payments"] }, async (decision) => {
    console.log(`${pad}   grant: ${decision.grant ? `${decision.grant.slice(0, 24)}… (signed, for exactly this refund)` : "none"}`);
    // A manipulated agent tries to stretch the grant: same grant, ten times the amount.
    const tampered = await refund({ ...fee, amount: "125.00" }, decision.grant);
    console.log(`${pad}   payment gateway, $125.00 with that grant: ${tampered.ok ? "ACCEPTED (this must not happen)" : tampered.text}`);
    const paid = await refund(fee, decision.grant);
    if (!paid.ok) throw new Error(`the payment gateway refused the granted refund: ${paid.text}`);
    console.log(`${pad}   payment gateway: ${paid.text}`);
    const again = await refund(fee, decision.grant);
    console.log(`${pad}   the same grant again: ${again.ok ? "ACCEPTED (this must not happen)" : again.text}`);
    return paid.id!;
  });
  const held = await act("Goodwill refund ($180.00)", { action: "refund.issue", intent: "shipping_error", params: { amount: "180.00", currency: "USD", order_id: "ord_1193" }, data_sources: ["orders", "payments"] }, async () => "re_goodwill");
  if (held.decision === "hold") {
    console.log(`${pad}   ${held.id} waits for ${held.approval?.required} approval by ${held.approval?.roles.join(" or ")} (expires ${held.approval?.expires_at})`);
    const waitSeconds = Number(values.wait);
    if (waitSeconds > 0) {
      const decided = await mandate.waitForDecision(held.id, { timeoutMs: waitSeconds * 1000 });
      console.log(`${pad}   now ${decided.status}`);
      const pause = executionPause(decided);
      if (pause) console.log(`${pad}   not executed: ${pause.message}`);
      if (mayExecute(decided)) {
        // The approval's grant comes with the read; the gateway checks it like any other.
        const paid = await refund({ customer_id: customer.id, order_id: "ord_1193", amount: "180.00", currency: "USD" }, decided.grant);
        console.log(`${pad}   payment gateway: ${paid.text}`);
        if (paid.ok) {
          await mandate.reportOutcome(held.id, { status: "executed", action_digest: held.action_digest, external_ref: paid.id });
          console.log(`${pad}   executed (${paid.id}) and reported`);
        }
      }
    }
  }
  await act("Renegotiate her contract", { action: "contract.negotiate", intent: "billing_dispute" }, async () => "never");
  console.log(`\nDecision ${held.id} is the held refund: approve it in the console (Approvals).`);
} catch (error) {
  if (error instanceof MandateApiError) {
    console.error(`Mandate answered ${error.status} ${error.code}: ${error.message}`);
    for (const e of error.errors) console.error(`  ${e.path}: ${e.message}`);
  } else {
    console.error(`Could not reach Mandate at ${values.url}: ${(error as Error).message}`);
  }
  process.exit(1);
}
