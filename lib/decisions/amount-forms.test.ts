import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readJsonBody, type ApiRequest } from "@/lib/api/http";
import { actionDigest } from "@/lib/engine/canonical";
import { compilePolicy } from "@/lib/engine/compile";
import { evaluate } from "@/lib/engine/evaluate";
import { Decimal, normalizeAmount, toAmount } from "@/lib/engine/money";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { exampleDocument } from "@/lib/policy/fixtures/example-policy";
import { decisionRequestSchema } from "./schemas";

// Bug: an amount sent as a JSON number went through a binary float. order.cancel with
// 200.00000000000001 was tier medium (the "lte 200" band) and 123456789012345678 was stored as
// 123456789012345680, while the same amounts as strings were right. Now both forms must agree.

const policy = compilePolicy(exampleDocument() as PolicyDocument, 1);
const BOUNDARIES = ["50", "200", "500", "2000"]; // refund.issue and order.cancel bands, the refund limit's max_amount

async function decide(bodyText: string, usedAmount: string) {
  // The agent API's own reader, over the body's bytes as node:http would hand them over.
  const request: ApiRequest = { method: "POST", path: "/api/v1/decisions", header: (name) => (name === "content-type" ? "application/json" : undefined), readBody: async () => Buffer.from(bodyText) };
  const parsed = decisionRequestSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) return { valid: false as const, paths: parsed.error.issues.map((issue) => issue.path.join(".")) };
  const body = parsed.data;
  const usage = Object.fromEntries([...policy.actions.values()].flatMap((action) => action.limits.map((limit) => [limit.id, { count: 0, amount: new Decimal(usedAmount) }])));
  const result = evaluate(policy, body, { limitUsage: usage, sampleDraw: 0.99 });
  const amount = toAmount(body.params?.amount);
  return {
    valid: true as const,
    decision: result.decision,
    tier: result.tier,
    reasons: result.reasons.map((reason) => reason.code),
    stored: amount ? normalizeAmount(amount) : null, // what create-decision writes to decisions.amount
    digest: actionDigest({ action: body.action, customerId: body.customer?.id ?? null, params: body.params ?? {} }),
  };
}

// Up to 18 integer and 6 fractional digits, as a caller writes them (trailing zeros kept).
const randomDecimal = fc
  .tuple(fc.integer({ min: 1, max: 18 }), fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([wholeDigits, whole, fractionDigits, fraction]) => {
    const integer = (whole % 10n ** BigInt(wholeDigits)).toString();
    return fractionDigits === 0 ? integer : `${integer}.${String(fraction).padStart(6, "0").slice(0, fractionDigits)}`;
  });
const nearBoundary = fc
  .tuple(fc.constantFrom(...BOUNDARIES), fc.constantFrom(-1, 0, 1), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 9 }))
  .map(([boundary, sign, places, digit]) => {
    const delta = places === 0 ? new Decimal(digit) : new Decimal(`0.${"0".repeat(places - 1)}${digit}`);
    return new Decimal(boundary).plus(delta.times(sign)).toFixed();
  });
// Exact 18-digit integers and long fractions are where a float would round.
const tricky = fc.constantFrom("123456789012345678", "999999999999999999", "200.000001", "199.999999", "50.000001", "500.000001", "9007199254740993", "0.000001", "0");

describe("an amount as a JSON number and as a string", () => {
  it("gets the same decision, tier, stored amount and digest, on and around every band boundary", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(nearBoundary, randomDecimal, tricky),
        fc.constantFrom("order.cancel", "refund.issue"),
        fc.constantFrom("0", "1500", "1999.999999"),
        async (amount, action, used) => {
          const body = (value: string) => `{"action":"${action}","customer":{"id":"cus_1","verified":true},"params":{"amount":${value},"currency":"USD"}}`;
          const asNumber = await decide(body(amount), used);
          const asString = await decide(body(`"${amount}"`), used);
          expect(asNumber).toEqual(asString);
          expect(asNumber.valid).toBe(true);
          if (asNumber.valid) expect(asNumber.stored).toBe(new Decimal(amount).toFixed());
        },
      ),
      { numRuns: 800, seed: 20261207 },
    );
  }, 60_000);

  it("decides the reported cases exactly", async () => {
    const cancel = (amount: string) => `{"action":"order.cancel","params":{"amount":${amount},"currency":"USD"}}`;
    expect(await decide(cancel("200"), "0")).toMatchObject({ tier: "medium" });
    expect(await decide(cancel("200.000001"), "0")).toMatchObject({ tier: "high", stored: "200.000001" });
    expect(await decide(cancel("123456789012345678"), "0")).toMatchObject({ tier: "high", stored: "123456789012345678" });
    // More than 8 decimals is out of bounds as a number exactly as it is as a string: never rounded to 200.
    expect(await decide(cancel("200.00000000000001"), "0")).toEqual({ valid: false, paths: ["params.amount"] });
    expect(await decide(cancel('"200.00000000000001"'), "0")).toEqual({ valid: false, paths: ["params.amount"] });
  });
});
