// Parse cost of one typical decision body on the agent API's hot path: readJsonBody (bytes →
// value) and then the request schema. Run it on two checkouts to compare before/after:
//   node --import tsx scripts/bench/parse-body-bench.ts [iterations]
import { readJsonBody, type ApiRequest } from "@/lib/api/http";
import { decisionRequestSchema } from "@/lib/decisions/schemas";

const BODIES = {
  typical: JSON.stringify({
    action: "refund.issue",
    intent: "shipping_error",
    customer: { id: "cus_8841", verified: false, segment: "vip" },
    params: { amount: 42.5, currency: "USD", order_id: "ord_1193" },
    data_sources: ["orders", "payments"],
    context: { conversation_id: "conv_77", channel: "chat", confidence: 0.91, summary: "Parcel sent to old address" },
  }),
  // An amount no double holds: the slow path of the number reader.
  exact: '{"action":"order.cancel","customer":{"id":"cus_1"},"params":{"amount":123456789012345678.123456,"currency":"USD"}}',
};

const iterations = Number(process.argv[2] ?? 300_000);

function requestOf(bytes: Buffer): ApiRequest {
  const body = Promise.resolve(bytes);
  return { method: "POST", path: "/api/v1/decisions", header: (name) => (name === "content-type" ? "application/json" : undefined), readBody: () => body };
}

async function measure(label: string, bytes: Buffer, withSchema: boolean): Promise<void> {
  const req = requestOf(bytes);
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const value = await readJsonBody(req);
      if (withSchema && !decisionRequestSchema.safeParse(value).success) throw new Error("invalid body");
    }
  };
  await run(Math.min(20_000, iterations)); // warm up
  const best: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    await run(iterations);
    best.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
  }
  console.log(`${label.padEnd(34)} ${Math.min(...best).toFixed(2)} µs/request (best of 3 × ${iterations.toLocaleString("en-US")})`);
}

for (const [name, text] of Object.entries(BODIES)) {
  const bytes = Buffer.from(text);
  await measure(`${name}: readJsonBody`, bytes, false);
  await measure(`${name}: readJsonBody + schema`, bytes, true);
}
