import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { exampleDocument } from "@/lib/policy/fixtures/example-policy";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { friendlyAtOrBelow, friendlyGrid } from "./friendly-amounts";
import { evaluateRules, limitPressure, lowerAuthority, minDecidedFor, raiseThreshold, type RuleInput } from "./recommendation-rules";
import type { HeldAmountBucket, Scorecard } from "./scorecard-types";

function example(edit?: (document: PolicyDocument) => void): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  edit?.(result.document);
  return result.document;
}

function scorecard(overrides: Partial<Scorecard> = {}): Scorecard {
  return {
    action: "refund.issue",
    agentId: null,
    windowDays: 60,
    since: "2026-01-01T00:00:00.000Z",
    until: "2026-03-01T12:00:00.000Z",
    totals: { volume: 0, allowed: 0, denied: 0, stepUp: 0, escalated: 0, held: 0, approved: 0, rejected: 0, expired: 0, pending: 0, executed: 0, failed: 0, reverted: 0, limitBreaches: 0 },
    heldShare: null,
    approvalRate: null,
    reversalRate: null,
    failureRate: null,
    timeToApprove: null,
    weekly: [],
    heldAmounts: [],
    agents: [],
    reviewCases: { total: 0, byLabel: [], bySource: [] },
    limits: { breaches: 0, customers: 0, topCustomers: [], byLimit: [] },
    recent: { days: 7, failed: 0, reverted: 0, executions: 0, incidents: [] },
    ...overrides,
  };
}

/** A held-amount slice: `approved` of `decided` approved, the rest rejected; approved ones executed. */
function slice(from: string, to: string | null, decided: number, approved: number, extra: Partial<HeldAmountBucket> = {}): HeldAmountBucket {
  return { from, to, held: decided, approved, rejected: decided - approved, expired: 0, pending: 0, executed: approved, failed: 0, reverted: 0, ...extra };
}

function refundInput(card: Partial<Scorecard>, document = example()): RuleInput {
  return { document, action: document.actions.find((a) => a.key === "refund.issue")!, scorecard: scorecard(card) };
}

describe("friendly amounts", () => {
  it("are 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 and 7.5 times a power of ten", () => {
    expect(friendlyGrid(300).map((d) => d.toNumber())).toEqual([
      1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 12.5, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300,
    ]);
    expect(friendlyAtOrBelow(180)?.toNumber()).toBe(150);
    expect(friendlyAtOrBelow(25)?.toNumber()).toBe(25);
    expect(friendlyAtOrBelow(0.5)).toBeNull();
  });
});

describe("RAISE_THRESHOLD", () => {
  it("proposes the top of the approved range when every slice holds up (the issue's example)", () => {
    const finding = raiseThreshold(
      refundInput({
        heldAmounts: [slice("50", "60", 240, 238), slice("60", "75", 300, 297), slice("75", "100", 380, 376), slice("100", "125", 190, 187), slice("125", "150", 130, 128), slice("150", "200", 140, 137), slice("200", "250", 60, 50)],
      }),
    );
    expect(finding).not.toBeNull();
    expect(finding!.proposal).toEqual({ kind: "band_threshold", action: "refund.issue", band: 0, field: "amount", operator: "lte", from: "50", to: "200" });
    expect(finding!.title).toBe(
      "Issue a refund: held requests over $50 up to $200 were approved 98.7% of 1,380 times with no reversal in 60 days: consider raising the low-tier threshold to $200",
    );
    expect(finding!.change).toBe("Issue a refund: low tier raised from $50 to $200");
    expect(finding!.numbers).toMatchObject({ decided: 1380, approved: 1363, rejected: 17, reverted: 0, minDecided: 200 });
  });

  it("stops below the first reversal, however good the approval rate", () => {
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "75", 150, 149), slice("75", "100", 150, 150), slice("100", "125", 150, 150, { reverted: 1 }), slice("125", "150", 150, 150)] }));
    expect(finding?.proposal).toMatchObject({ to: "100" });
  });

  it("needs enough decided holds: 200 per 60 days, prorated to the window", () => {
    expect(minDecidedFor(60)).toBe(200);
    expect(minDecidedFor(90)).toBe(300);
    expect(minDecidedFor(7)).toBe(50);
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "60", 90, 90), slice("60", "75", 100, 100)] }))).toBeNull();
    expect(raiseThreshold(refundInput({ windowDays: 30, heldAmounts: [slice("50", "60", 90, 90), slice("60", "75", 100, 100)] }))?.proposal).toMatchObject({ to: "75" });
  });

  it("does not fire below 98%, and a slice under 95% ends the range even when the whole would pass", () => {
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 400, 388)] }))).toBeNull();
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 400, 400), slice("100", "125", 40, 37), slice("125", "150", 400, 400)] }));
    expect(finding?.proposal).toMatchObject({ to: "100" });
  });

  it("judges the range as a whole: an early slice at 97.5% is fine once later ones lift the range over 98%", () => {
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "60", 40, 39), slice("60", "75", 200, 200)] }));
    expect(finding?.proposal).toMatchObject({ to: "75" });
    expect(finding?.numbers).toMatchObject({ decided: 240, approved: 239 });
  });

  it("treats a missing slice (no holds at all there) as missing evidence", () => {
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 400, 400), slice("125", "150", 400, 400)] }));
    expect(finding?.proposal).toMatchObject({ to: "100" });
  });

  it("never proposes the next band's own bound, which would empty the held band", () => {
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "250", 400, 400), slice("250", "400", 400, 400), slice("400", "500", 400, 400)] }));
    expect(finding?.proposal).toMatchObject({ to: "400" });
  });

  it("counts expired holds apart: nobody judged them", () => {
    const finding = raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 300, 300, { expired: 40 })] }));
    expect(finding?.numbers).toMatchObject({ decided: 300, expired: 40 });
  });

  it("allows at most 1% failures among the approved holds' executions", () => {
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 300, 300, { failed: 3 })] }))).not.toBeNull();
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 300, 300, { failed: 4 })] }))).toBeNull();
  });

  it("only reads actions that execute, with an auto-approved amount band followed by a held one", () => {
    const recommendOnly = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.authority = "recommend";
    });
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 400, 400)] }, recommendOnly))).toBeNull();
    const noHoldAbove = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.risk = [{ if: { amount: { lte: 50 } }, tier: "low" }, { tier: "medium" }];
    });
    expect(raiseThreshold(refundInput({ heldAmounts: [slice("50", "100", 400, 400)] }, noHoldAbove))).toBeNull();
  });
});

describe("LOWER_AUTHORITY", () => {
  const incident = (amount: string, decision = "allow", tier = "low") => ({ decisionId: `dec_${amount}`, status: "reverted" as const, at: "2026-02-27T10:00:00.000Z", decision, tier, amount, agentName: "chat-assistant" });

  it("halves the auto-approve threshold when the reversals were auto-approved in that band", () => {
    const finding = lowerAuthority(refundInput({ recent: { days: 7, failed: 0, reverted: 3, executions: 120, incidents: [incident("40"), incident("45"), incident("22")] } }));
    expect(finding?.proposal).toEqual({ kind: "band_threshold", action: "refund.issue", band: 0, field: "amount", operator: "lte", from: "50", to: "25" });
    expect(finding?.title).toBe("Issue a refund: 3 reversals in 7 days (2.5% of 120 executions): consider lowering the low-tier threshold to $25");
    expect(finding?.change).toBe("Issue a refund: low tier lowered from $50 to $25");
  });

  it("lowers the authority to recommend when the incidents were not auto-approved amounts", () => {
    const document = example();
    const reroute = document.actions.find((a) => a.key === "shipment.reroute")!;
    const finding = lowerAuthority({
      document,
      action: reroute,
      scorecard: scorecard({ action: reroute.key, recent: { days: 7, failed: 2, reverted: 1, executions: 100, incidents: [incident("0"), incident("0"), incident("0")] } }),
    });
    expect(finding?.proposal).toEqual({ kind: "authority", action: "shipment.reroute", from: "execute", to: "recommend" });
    expect(finding?.change).toBe("Reroute a package: authority lowered from execute to recommend");
  });

  it("needs 3 incidents, 1% of the week's executions and twice the usual rate", () => {
    const three = [incident("40"), incident("45"), incident("22")];
    expect(lowerAuthority(refundInput({ recent: { days: 7, failed: 0, reverted: 2, executions: 50, incidents: three.slice(0, 2) } }))).toBeNull();
    expect(lowerAuthority(refundInput({ recent: { days: 7, failed: 0, reverted: 3, executions: 400, incidents: three } }))).toBeNull();
    // 3 of 200 (1.5%) against a usual 1% of 2,000 earlier executions: not a spike.
    const usual = { executed: 2200, failed: 0, reverted: 23 } as const;
    expect(lowerAuthority(refundInput({ totals: { ...scorecard().totals, ...usual }, recent: { days: 7, failed: 0, reverted: 3, executions: 200, incidents: three } }))).toBeNull();
    // The same week against a quiet history is one.
    expect(lowerAuthority(refundInput({ totals: { ...scorecard().totals, executed: 2200, reverted: 3 }, recent: { days: 7, failed: 0, reverted: 3, executions: 200, incidents: three } }))).not.toBeNull();
  });

  it("wins over a raise: authority is not extended while it is failing", () => {
    const findings = evaluateRules(
      refundInput({ heldAmounts: [slice("50", "100", 400, 400)], recent: { days: 7, failed: 0, reverted: 3, executions: 120, incidents: [incident("40"), incident("45"), incident("22")] } }),
    );
    expect(findings.map((f) => f.rule)).toEqual(["LOWER_AUTHORITY"]);
  });
});

describe("LIMIT_PRESSURE", () => {
  const limits = (breaches: number, customers: number) => ({
    breaches,
    customers,
    topCustomers: [{ customerId: "cus_900001", count: 12 }],
    byLimit: [{ rule: "actions.refund.issue.limits[0]", index: 0, count: breaches }],
  });

  it("lowers the per-customer count when few customers keep breaching it", () => {
    const finding = limitPressure(refundInput({ limits: limits(48, 9) }));
    expect(finding?.proposal).toEqual({ kind: "limit_count", action: "refund.issue", limit: 0, from: 2, to: 1 });
    expect(finding?.change).toBe("Issue a refund: customer limit lowered from 2 to 1 per 30d");
    expect(finding?.title).toContain("48 limit breaches by 9 customers in 60 days (5.3 each)");
  });

  it("stays quiet when breaches are spread over many customers, or few", () => {
    expect(limitPressure(refundInput({ limits: limits(60, 40) }))).toBeNull();
    expect(limitPressure(refundInput({ limits: limits(12, 2) }))).toBeNull();
  });

  it("turns hold into deny once the count is already one", () => {
    const document = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.limits[0]!.max_count = 1;
    });
    expect(limitPressure(refundInput({ limits: limits(48, 9) }, document))?.proposal).toEqual({ kind: "limit_on_exceed", action: "refund.issue", limit: 0, from: "hold", to: "deny" });
  });

  it("ignores breaches of limits that are not per customer", () => {
    const pressure = { ...limits(48, 9), byLimit: [{ rule: "actions.refund.issue.limits[1]", index: 1, count: 48 }] };
    expect(limitPressure(refundInput({ limits: pressure }))).toBeNull();
  });
});
