import { describe, expect, it } from "vitest";
import { compilePolicy, Decimal, evaluate, type DecisionRequest } from "@/lib/engine";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { exampleDocument } from "@/lib/policy/fixtures/example-policy";
import type { PolicyDocumentInput } from "@/lib/policy/document-schema";
import { explainHold } from "./explain-hold";

function compiled(edit: (doc: PolicyDocumentInput) => void = () => {}) {
  const doc = exampleDocument();
  edit(doc);
  const validated = validatePolicyDocument(doc);
  if (!validated.ok) throw new Error(validated.errors[0]?.message);
  return compilePolicy(validated.document, 7);
}

/** Decides the request with the real engine, then explains the hold it produced. */
function explain(policy: ReturnType<typeof compiled>, request: DecisionRequest, usage: Record<string, { count: number; amount: string }> = {}) {
  const result = evaluate(policy, request, { limitUsage: Object.fromEntries(Object.entries(usage).map(([id, u]) => [id, { count: u.count, amount: new Decimal(u.amount) }])), sampleDraw: 0.5 });
  expect(result.decision).toBe("hold");
  return explainHold(policy, request, { tier: result.tier, reasons: result.reasons, approval: result.approval });
}

describe("why a request was held, in words", () => {
  it("says which tier limit the amount went over and which tier the action lacks", () => {
    const { why, weighed } = explain(compiled(), { action: "refund.issue", intent: "return_request", customer: { id: "c1", verified: true }, params: { amount: 95, currency: "USD", order_id: "o1" }, data_sources: ["orders", "payments"] });
    expect(why).toEqual([
      "$95 is over the $50 limit of the low tier for “Issue a refund”; “Issue a refund” has no medium tier, so it falls in the high tier, for amounts up to $500, which needs 1 approval by a supervisor.",
    ]);
    expect(weighed).toEqual([
      "Within the action's limit of 2 times per customer per 30d.",
      "Within the action's limit of $2,000 per agent per 1h.",
      "The high tier does not ask for customer verification (this customer is verified).",
      "Intent “Return request” includes “Issue a refund”.",
      "It reads Order history and Payment records, all within what “Issue a refund” may read.",
    ]);
  });

  it("walks every band an amount passed and names the two-person requirement of the critical tier", () => {
    const { why, weighed } = explain(compiled(), { action: "refund.issue", customer: { id: "c1", verified: true }, params: { amount: "750.50" } });
    expect(why).toEqual([
      "$750.50 is over the $50 limit of the low tier for “Issue a refund”; $750.50 is over the $500 limit of the high tier for “Issue a refund”; “Issue a refund” has no medium tier, so it falls in the critical tier, which needs 1 approval by a supervisor and 1 by a member of the oversight committee (in any order, from 2 different people).",
    ]);
    expect(weighed).toContain("The critical tier also requires a verified customer: this customer is verified.");
  });

  it("explains an action that is always in one tier", () => {
    const { why } = explain(compiled(), { action: "account.recover", customer: { id: "c1", verified: true } });
    expect(why).toEqual(["“Recover an account” is always in the critical tier, which needs 1 approval by a supervisor and 1 by a member of the oversight committee (in any order, from 2 different people)."]);
  });

  it("explains a band that needs a verified customer, and a tier that samples", () => {
    const policy = compiled((doc) => {
      const reroute = doc.actions.find((a) => a.key === "shipment.reroute")!;
      reroute.risk = [{ if: { "customer.verified": true }, tier: "low" }, { if: { "customer.segment": "vip" }, tier: "medium" }, { tier: "high" }];
      doc.risk_tiers.find((t) => t.key === "high")!.controls.push("review_sample");
      doc.risk_tiers.find((t) => t.key === "high")!.sample_rate = 0.1;
    });
    const { why, weighed } = explain(policy, { action: "shipment.reroute", customer: { id: "c2", verified: false, segment: "retail" } });
    expect(why).toEqual([
      "The low tier for “Reroute a package” is only for verified customers, and this customer is not verified; the medium tier for “Reroute a package” is for customers in segment vip, but the customer's segment is retail, so it falls in the high tier, which needs 1 approval by a supervisor.",
    ]);
    expect(weighed).toContain("The high tier sends 10% of allowed decisions to quality review.");
    expect(weighed).toContain("The high tier does not ask for customer verification (this customer is not verified).");
  });

  it("says which limit held a request whose tier alone needs no approval", () => {
    const policy = compiled();
    const { why, weighed } = explain(policy, { action: "refund.issue", customer: { id: "c3", verified: true }, params: { amount: 20 } }, { "refund.issue#limits[0]": { count: 2, amount: "60" } });
    expect(why).toEqual([
      "“Issue a refund” is limited to 2 times per customer per 30d and this would go over it (2 already in the last 30d); that limit holds the request for a person: it needs 1 approval by a supervisor.",
    ]);
    expect(weighed[0]).toBe("“Issue a refund” is in the low tier for amounts up to $50, which alone needs no approval.");
    expect(weighed).toContain("Within the action's limit of $2,000 per agent per 1h.");
  });

  it("names both causes when a limit held a request whose tier needs approval anyway", () => {
    const policy = compiled();
    const { why } = explain(policy, { action: "refund.issue", customer: { id: "c4", verified: true }, params: { amount: 180 } }, { "refund.issue#limits[0]": { count: 2, amount: "17.50" } });
    expect(why).toEqual([
      "$180 is over the $50 limit of the low tier for “Issue a refund”; “Issue a refund” has no medium tier, so it falls in the high tier, for amounts up to $500, which needs 1 approval by a supervisor.",
      "“Issue a refund” is limited to 2 times per customer per 30d and this would go over it (2 already in the last 30d); that limit holds the request for a person.",
    ]);
  });

  it("falls back to the engine's reasons when the stored tier does not match a fresh reading", () => {
    const policy = compiled();
    const reasons = [{ code: "tier_requires_approval", rule: "risk_tiers.high", message: "Tier high requires 1 approval by supervisor" }];
    expect(explainHold(policy, { action: "refund.issue", params: { amount: 10 } }, { tier: "high", reasons, approval: { required: 1, roles: ["supervisor"] } })).toEqual({
      why: ["Tier high requires 1 approval by supervisor"],
      weighed: [],
    });
  });
});
