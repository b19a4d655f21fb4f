import { describe, expect, it } from "vitest";
import type { Condition, PolicyDocument } from "../policy/document-schema";
import { exampleDocument } from "../policy/fixtures/example-policy";
import { compileCondition, compilePolicy, fallbackTier, InvalidPolicyError, type RequestFacts } from "./compile";
import { Decimal } from "./money";

const policy = compilePolicy(exampleDocument() as PolicyDocument, 7);

describe("compilePolicy", () => {
  it("indexes every section by key", () => {
    expect(policy.version).toBe(7);
    expect(policy.currency).toBe("USD");
    expect([...policy.actions.keys()]).toEqual([
      "order.status",
      "shipment.reroute",
      "refund.issue",
      "return.label",
      "order.cancel",
      "inventory.adjust",
      "billing.adjust",
      "account.recover",
    ]);
    expect([...policy.tiers.keys()]).toEqual(["low", "medium", "high", "critical"]);
    expect(policy.forbidden.get("credentials.disclose")).toEqual({
      action: "credentials.disclose",
      reason: "Credentials are never disclosed.",
      rule: "forbidden[2]",
    });
    expect(policy.dataSources.get("payments")).toEqual({ label: "Payment records", pii: true });
  });

  it("compiles tiers with their controls", () => {
    expect(policy.tiers.get("low")).toEqual({ key: "low", label: "Low", stepUp: false, approval: null, sampleRate: null, rule: "risk_tiers.low" });
    expect(policy.tiers.get("medium")?.sampleRate).toBe(0.05);
    expect(policy.tiers.get("high")?.approval).toEqual({ required: 1, roles: ["supervisor"], expiresAfterMs: 4 * 3_600_000 });
    expect(fallbackTier(policy)).toMatchObject({ key: "critical", stepUp: true, approval: { required: 2, roles: ["supervisor", "committee"], expiresAfterMs: 86_400_000 } });
  });

  it("compiles actions with their bands, data sources and owner", () => {
    const refund = policy.actions.get("refund.issue");
    expect(refund).toMatchObject({ key: "refund.issue", authority: "execute", owner: "finance-ops", rule: "actions.refund.issue" });
    expect([...(refund?.dataSources ?? [])]).toEqual(["orders", "payments"]);
    expect(refund?.bands.map((band) => [band.tier, band.rule, band.matches === null])).toEqual([
      ["low", "actions.refund.issue.risk[0]", false],
      ["high", "actions.refund.issue.risk[1]", false],
      ["critical", "actions.refund.issue.risk[2]", true],
    ]);
  });

  it("gives every limit a stable id, a label, a window in ms and a parsed amount", () => {
    const [perCustomer, perAgent] = policy.actions.get("refund.issue")?.limits ?? [];
    expect(perCustomer).toEqual({
      id: "refund.issue#limits[0]",
      action: "refund.issue",
      scope: "customer",
      window: "30d",
      windowMs: 30 * 86_400_000,
      maxCount: 2,
      maxAmount: null,
      onExceed: "hold",
      label: "customer limit: 2 per 30d",
      rule: "actions.refund.issue.limits[0]",
    });
    expect(perAgent).toMatchObject({ id: "refund.issue#limits[1]", windowMs: 3_600_000, maxCount: null, onExceed: "deny", label: "agent limit: 2000 USD per 1h" });
    expect(perAgent?.maxAmount?.eq(2000)).toBe(true);
  });

  it("labels a limit with both caps", () => {
    const document = exampleDocument();
    document.actions[2]!.limits = [{ scope: "global", window: "24h", max_count: 3, max_amount: "500.50" }];
    expect(compilePolicy(document as PolicyDocument, 1).actions.get("refund.issue")?.limits[0]?.label).toBe("global limit: 3 and 500.5 USD per 24h");
  });

  it("compiles intents, with an empty action list meaning any action", () => {
    expect(policy.intents.get("legal_dispute")).toEqual({ key: "legal_dispute", label: "Legal dispute", handling: "human", actions: null, authority: null, rule: "intents.legal_dispute" });
    expect([...(policy.intents.get("return_request")?.actions ?? [])]).toEqual(["order.status", "return.label", "refund.issue"]);
  });

  it("compiles an intent's authority overrides into the action as that intent sees it", () => {
    const document = exampleDocument();
    document.intents!.find((intent) => intent.key === "return_request")!.authority = { "refund.issue": "recommend" };
    const compiled = compilePolicy(document as PolicyDocument, 4);
    const own = compiled.actions.get("refund.issue")!;
    const seen = compiled.intents.get("return_request")!.authority!.get("refund.issue")!;
    expect(own).toMatchObject({ authority: "execute", authorityRule: "actions.refund.issue.authority", authorityIntent: null });
    expect(seen).toMatchObject({ authority: "recommend", authorityRule: 'intents.return_request.authority["refund.issue"]', authorityIntent: "Return request" });
    // Everything else is the action's own: the same limits (counted under the same ids), bands and owner.
    expect(seen.limits).toBe(own.limits);
    expect(seen.bands).toBe(own.bands);
    expect(compiled.intents.get("return_request")!.authority!.size).toBe(1);
    expect(compiled.intents.get("account_access")!.authority).toBeNull();
  });

  it("refuses an invalid document", () => {
    const document = exampleDocument();
    document.actions[2]!.owner = "nobody";
    expect(() => compilePolicy(document as PolicyDocument, 1)).toThrow(InvalidPolicyError);
    try {
      compilePolicy(document as PolicyDocument, 1);
    } catch (error) {
      expect((error as InvalidPolicyError).errors).toEqual([
        { path: "actions[2].owner", message: 'Unknown owner "nobody" (known: cx-ops, finance-ops, logistics, security)' },
      ]);
    }
  });

  it("applies the defaults of a stored document that omits them", () => {
    const document = exampleDocument();
    delete document.intents;
    delete document.actions[0]!.limits;
    const compiled = compilePolicy(document as PolicyDocument, 2);
    expect(compiled.intents.size).toBe(0);
    expect(compiled.actions.get("order.status")?.limits).toEqual([]);
  });
});

function facts(overrides: Partial<Omit<RequestFacts, "amount">> & { amount?: string | null } = {}): RequestFacts {
  const { amount, ...rest } = overrides;
  return {
    amount: amount === undefined || amount === null ? null : new Decimal(amount),
    currency: undefined,
    channel: undefined,
    confidence: undefined,
    customer: { id: undefined, verified: undefined, segment: undefined },
    params: {},
    ...rest,
  };
}

const holds = (condition: Condition, on: RequestFacts) => compileCondition(condition)(on);

describe("compileCondition", () => {
  it.each([
    ["lt", 50, ["49.99"], ["50", "50.01"]],
    ["lte", 50, ["50", "50.00", "49.99999999"], ["50.00000001"]],
    ["gt", "500", ["500.00000001"], ["500", "499"]],
    ["gte", "500.00", ["500"], ["499.99999999"]],
    ["eq", "50.00", ["50", "50.0"], ["50.01"]],
    ["ne", 50, ["50.01", "0"], ["50.000"]],
  ] as const)("compares amounts exactly with %s", (operator, operand, matching, other) => {
    const condition = { amount: { [operator]: operand } };
    for (const amount of matching) expect(holds(condition, facts({ amount })), `${amount} ${operator} ${operand}`).toBe(true);
    for (const amount of other) expect(holds(condition, facts({ amount })), `${amount} ${operator} ${operand}`).toBe(false);
  });

  it("compares sums that floats get wrong", () => {
    const sum = new Decimal("0.1").plus("0.2").toFixed();
    expect(holds({ amount: { eq: "0.3" } }, facts({ amount: sum }))).toBe(true);
    expect(holds({ amount: { lte: 0.3 } }, facts({ amount: sum }))).toBe(true);
  });

  it("matches amounts with in and literal equality", () => {
    expect(holds({ amount: { in: ["10.00", 20] } }, facts({ amount: "20.0" }))).toBe(true);
    expect(holds({ amount: { in: ["10.00", 20] } }, facts({ amount: "15" }))).toBe(false);
    expect(holds({ amount: "50.00" }, facts({ amount: "50" }))).toBe(true);
  });

  it("fails every test on a missing value except ne", () => {
    for (const operator of ["lt", "lte", "gt", "gte", "eq"]) expect(holds({ amount: { [operator]: 1 } }, facts())).toBe(false);
    expect(holds({ amount: { in: [1] } }, facts())).toBe(false);
    expect(holds({ amount: { ne: 1 } }, facts())).toBe(true);
    expect(holds({ "customer.segment": { ne: "vip" } }, facts())).toBe(true);
    expect(holds({ "customer.segment": "vip" }, facts())).toBe(false);
  });

  it("compares text and booleans by equality", () => {
    const on = facts({ currency: "USD", channel: "chat", customer: { id: "cus_1", verified: true, segment: "vip" } });
    expect(holds({ currency: "USD", channel: { in: ["email", "chat"] } }, on)).toBe(true);
    expect(holds({ channel: { ne: "chat" } }, on)).toBe(false);
    expect(holds({ "customer.verified": true }, on)).toBe(true);
    expect(holds({ "customer.verified": { eq: false } }, on)).toBe(false);
    expect(holds({ "customer.verified": { in: [false] } }, on)).toBe(false);
    expect(holds({ "customer.id": "cus_1", "customer.segment": { eq: "vip" } }, on)).toBe(true);
    expect(holds({ "customer.verified": true }, facts({ customer: { id: undefined, verified: "true", segment: undefined } }))).toBe(false);
  });

  it("compares confidence as a number, at any precision", () => {
    expect(holds({ confidence: { gt: 0.8 } }, facts({ confidence: 0.81 }))).toBe(true);
    expect(holds({ confidence: { gte: 0.8, lt: 0.9 } }, facts({ confidence: 0.9 }))).toBe(false);
    expect(holds({ confidence: { lt: 0.2 } }, facts({ confidence: 0.123456789123 }))).toBe(true);
    expect(holds({ confidence: 0.5 }, facts({ confidence: 0.5 }))).toBe(true);
    expect(holds({ confidence: { lt: 1 } }, facts({ confidence: "0.5" as unknown as number }))).toBe(true);
    expect(holds({ confidence: { lt: 1 } }, facts({ confidence: "high" }))).toBe(false);
  });

  it("compares params by the operand's type", () => {
    const on = facts({ params: { quantity: "2.0", count: 3, code: "2", gift: true, delta: -5 } });
    expect(holds({ "params.quantity": { eq: 2 } }, on)).toBe(true);
    expect(holds({ "params.count": { gte: "3.00" } }, on)).toBe(true);
    expect(holds({ "params.delta": { lt: 0 } }, on)).toBe(true);
    expect(holds({ "params.code": "2" }, on)).toBe(true);
    expect(holds({ "params.code": { in: [1, 2] } }, on)).toBe(true);
    expect(holds({ "params.count": "3" }, on)).toBe(false);
    expect(holds({ "params.gift": true }, on)).toBe(true);
    expect(holds({ "params.gift": { gt: 0 } }, on)).toBe(false);
    expect(holds({ "params.missing": { lt: 10 } }, on)).toBe(false);
    expect(holds({ "params.toString": { ne: "x" } }, on)).toBe(true);
    expect(holds({ "params.constructor": { lt: 10 } }, on)).toBe(false);
  });

  it("treats params.amount and params.currency as amount and currency", () => {
    expect(holds({ "params.amount": { lte: 50 } }, facts({ amount: "50.00" }))).toBe(true);
    expect(holds({ "params.currency": "USD" }, facts({ currency: "USD" }))).toBe(true);
  });

  it("requires every key and every operator in a test", () => {
    expect(holds({ amount: { gt: 10, lte: 50 }, channel: "chat" }, facts({ amount: "30", channel: "chat" }))).toBe(true);
    expect(holds({ amount: { gt: 10, lte: 50 }, channel: "chat" }, facts({ amount: "30", channel: "email" }))).toBe(false);
    expect(holds({ amount: { gt: 10, lte: 50 } }, facts({ amount: "60" }))).toBe(false);
  });

  it("combines with all, any and not, nested", () => {
    const condition: Condition = {
      any: [
        { all: [{ "customer.verified": true }, { amount: { lte: 100 } }] },
        { not: { any: [{ channel: "voice" }, { amount: { gt: 10 } }] } },
      ],
    };
    expect(holds(condition, facts({ amount: "80", customer: { id: undefined, verified: true, segment: undefined } }))).toBe(true);
    expect(holds(condition, facts({ amount: "80" }))).toBe(false);
    expect(holds(condition, facts({ amount: "5", channel: "chat" }))).toBe(true);
    expect(holds(condition, facts({ amount: "5", channel: "voice" }))).toBe(false);
    expect(holds({ not: { amount: { lt: 5 } } }, facts())).toBe(true);
  });
});
