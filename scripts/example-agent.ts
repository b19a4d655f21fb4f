// The midnight shipping-error story, played by an example agent against a running Mandate:
//   npm run example:agent -- [--url http://localhost:3000] [--key mdt_…] [--wait 60]
// Maya's parcel went to her old address. The agent reroutes it, refunds the shipping fee,
// asks for a larger goodwill refund (held for a supervisor), and is refused when the
// conversation drifts into renegotiating her contract.
import { parseArgs } from "node:util";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { executionPause, MandateApiError, MandateClient, mayExecute, type Decision, type DecisionRequest } from "../lib/client/mandate-client";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    key: { type: "string", default: DEMO_AGENT_KEY },
    customer: { type: "string", default: "cus_8841" },
    wait: { type: "string", default: "0" },
  },
});

const mandate = new MandateClient({ baseUrl: values.url!, apiKey: values.key! });
const customer = { id: values.customer!, verified: true, segment: "vip" };
const context = { conversation_id: `conv_${Date.now().toString(36)}`, channel: "chat", confidence: 0.93, summary: "Parcel sent to the customer's old address" };

function show(step: string, d: Decision): void {
  const why = d.reasons.map((r) => r.message).join("; ");
  console.log(`${step.padEnd(34)} → ${d.decision.toUpperCase().padEnd(8)} ${d.tier ? `[${d.tier}] ` : ""}${why}`);
}

async function act(step: string, request: DecisionRequest, execute: () => Promise<string>): Promise<Decision> {
  const decision = await mandate.decide({ ...request, customer, context }, { idempotencyKey: `${context.conversation_id}:${step}` });
  show(step, decision);
  if (decision.decision === "allow") {
    const ref = await execute();
    await mandate.reportOutcome(decision.id, { status: "executed", action_digest: decision.action_digest, external_ref: ref });
    console.log(`${"".padEnd(34)}   executed (${ref}) and reported`);
  }
  return decision;
}

try {
  console.log(`00:07 — Maya writes: "My parcel went to my old address!" (${values.url})\n`);
  await act("Reroute the parcel", { action: "shipment.reroute", intent: "shipping_error", params: { order_id: "ord_1193" }, data_sources: ["orders", "shipments"] }, async () => "carrier_rr_5521");
  await act("Refund the shipping fee ($12.50)", { action: "refund.issue", intent: "shipping_error", params: { amount: "12.50", currency: "USD", order_id: "ord_1193" }, data_sources: ["orders", "payments"] }, async () => "re_ship_fee");
  const held = await act("Goodwill refund ($180.00)", { action: "refund.issue", intent: "shipping_error", params: { amount: "180.00", currency: "USD", order_id: "ord_1193" }, data_sources: ["orders", "payments"] }, async () => "re_goodwill");
  if (held.decision === "hold") {
    console.log(`${"".padEnd(34)}   ${held.id} waits for ${held.approval?.required} approval by ${held.approval?.roles.join(" or ")} (expires ${held.approval?.expires_at})`);
    const waitSeconds = Number(values.wait);
    if (waitSeconds > 0) {
      const decided = await mandate.waitForDecision(held.id, { timeoutMs: waitSeconds * 1000 });
      console.log(`${"".padEnd(34)}   now ${decided.status}`);
      const pause = executionPause(decided);
      if (pause) console.log(`${"".padEnd(34)}   not executed: ${pause.message}`);
      if (mayExecute(decided)) {
        await mandate.reportOutcome(held.id, { status: "executed", action_digest: held.action_digest, external_ref: "re_goodwill" });
        console.log(`${"".padEnd(34)}   executed (re_goodwill) and reported`);
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
