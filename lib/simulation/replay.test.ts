import { describe, expect, it } from "vitest";
import { compilePolicy, type DecisionRequest } from "../engine";
import type { PolicyDocument, PolicyDocumentInput } from "../policy/document-schema";
import { exampleDocument } from "../policy/fixtures/example-policy";
import { createReplay, type RecordedDecision } from "./replay";
import { formatScaled, parseScaled } from "./scaled-amount";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T00:00:00.000Z");

function draftPolicy(edit?: (document: PolicyDocumentInput) => void) {
  const document = exampleDocument();
  edit?.(document);
  return compilePolicy(document as PolicyDocument, 0);
}

/** The policy in force in these tests: the example, as version 3. */
const example = compilePolicy(exampleDocument() as PolicyDocument, 3);
const replayOf = (draft: ReturnType<typeof draftPolicy>, inForce: ReturnType<typeof draftPolicy> | null = example) => createReplay({ draft, inForce });

/** Refunds up to 100 become low tier (no approval); the customer limit stays 2 per 30 days. */
const raisedThreshold = draftPolicy((d) => {
  const refund = d.actions.find((a) => a.key === "refund.issue")!;
  refund.risk = [{ if: { amount: { lte: 100 } }, tier: "low" }, ...(refund.risk ?? []).slice(1)];
});

let seq = 0;
function refund(at: number, amount: string, recorded: Partial<RecordedDecision> = {}, customer = "cus_1"): RecordedDecision {
  const request: DecisionRequest = { action: "refund.issue", customer: { id: customer, verified: true }, params: { amount, currency: "USD" } };
  return { id: `dec_${String(++seq).padStart(4, "0")}`, at, action: "refund.issue", request, decision: "hold", tier: "high", agentId: "agent-1", amount, countsToLimits: false, paused: false, ...recorded };
}

const finish = (replay: ReturnType<typeof createReplay>) => replay.finish({ periodStart: new Date(T0), periodEnd: new Date(T0 + 30 * DAY), durationMs: 10 }).result;

describe("replay", () => {

  it("counts holds that the draft would allow, per action and tier, with the money that moves", () => {
    const replay = replayOf(raisedThreshold);
    replay.step(refund(T0 + 1, "80.00", {}, "cus_a"));
    replay.step(refund(T0 + 2, "60.50", {}, "cus_b"));
    replay.step(refund(T0 + 3, "300.00", {}, "cus_c")); // still high tier: unchanged
    replay.step(refund(T0 + 4, "20.00", { decision: "allow", tier: "low", countsToLimits: true }, "cus_d"));
    const result = finish(replay);

    expect(result.total).toBe(4);
    expect(result.changed).toBe(2);
    expect(result.matrix.hold).toMatchObject({ allow: 2, hold: 1 });
    expect(result.matrix.allow.allow).toBe(1);
    expect(result.byAction["refund.issue"]!.hold.allow).toBe(2);
    expect(result.byTier.low!.hold.allow).toBe(2);
    expect(result.byTier.high!.hold.hold).toBe(1);
    expect(result.changes).toEqual([{ action: "refund.issue", from: "hold", to: "allow", fromTier: "high", tier: "low", count: 2, amount: "140.5" }]);
    expect(result.money).toEqual({ newlyAllowed: { count: 2, amount: "140.5" }, noLongerAllowed: { count: 0, amount: "0" } });
    expect(result.sample.map((s) => [s.id, s.inForce.decision, s.inForce.reasons[0]?.code, s.draft.decision, s.draft.reasons[0]?.code])).toEqual([
      ["dec_0001", "hold", "tier_requires_approval", "allow", "allowed"],
      ["dec_0002", "hold", "tier_requires_approval", "allow", "allowed"],
    ]);
    expect(result.inForceVersion).toBe(3);
    expect(result.differingActions).toEqual(["refund.issue"]);
  });

  it("applies the draft's limits with the usage at the time: seeded before the period, grown by what the draft allows, sliding out of the window", () => {
    const replay = replayOf(raisedThreshold);
    // Before the period: one refund that counted (20 days before), one that did not (a denied one is never seeded by the caller).
    replay.seed({ at: T0 - 20 * DAY, action: "refund.issue", customerId: "cus_1", agentId: "agent-1", amount: "10" });
    // Day 1: the draft allows it (usage 1 of 2); the policy in force holds it for approval (high tier).
    replay.step(refund(T0 + 1 * DAY, "60"));
    // Day 2: usage 2 of 2 under the draft, so it holds it on the limit; the policy in force (usage 1, its hold was never approved) on the tier.
    replay.step(refund(T0 + 2 * DAY, "60"));
    // Day 11: the seeded refund left the 30-day window (it was 31 days ago): allowed again.
    replay.step(refund(T0 + 11 * DAY, "60"));
    // Another customer is not affected by cus_1's usage.
    replay.step(refund(T0 + 11 * DAY + 1, "60", {}, "cus_2"));
    const result = finish(replay);

    expect(result.seededUsageEvents).toBe(1);
    expect(result.sample.map((s) => [s.id.slice(-1), s.draft.decision, s.draft.reasons[0]?.code])).toEqual([
      ["5", "allow", "allowed"],
      ["6", "hold", "limit_exceeded"],
      ["7", "allow", "allowed"],
      ["8", "allow", "allowed"],
    ]);
    expect(result.matrix.hold).toMatchObject({ allow: 3, hold: 1 });
    // Held on the limit instead of on the tier: the same kind, at another tier.
    expect(result.kindChanged).toBe(3);
    expect(result.changes.find((c) => c.from === "hold" && c.to === "hold")).toMatchObject({ fromTier: "high", tier: "low", count: 1 });
  });

  it("counts a replayed hold toward limits only when the recorded hold was approved, and an allow always", () => {
    // Per customer at most 1 refund per 30 days, and every refund needs approval.
    const strict = draftPolicy((d) => {
      const refund = d.actions.find((a) => a.key === "refund.issue")!;
      refund.risk = [{ tier: "high" }];
      refund.limits = [{ scope: "customer", window: "30d", max_count: 1, on_exceed: "deny" }];
    });
    const replay = replayOf(strict);
    // The policy in force allows $10 refunds (low tier) until its limit of 2 per customer, whatever was recorded.
    replay.step(refund(T0 + 1, "10", { decision: "hold", countsToLimits: false })); // draft: held; rejected by a person, so it does not count
    replay.step(refund(T0 + 2, "10", { decision: "hold", countsToLimits: true })); // draft: held; approved, so it counts
    replay.step(refund(T0 + 3, "10", { decision: "hold", countsToLimits: true })); // draft: over its limit; in force: over its limit, held
    const result = finish(replay);
    expect(result.matrix.allow).toMatchObject({ hold: 2 });
    expect(result.matrix.hold).toMatchObject({ deny: 1 });
    expect(result.sample.find((s) => s.draft.decision === "deny")!.inForce.reasons[0]!.code).toBe("limit_exceeded");
    // What was decided at the time is its own view: three holds, one the draft denies.
    expect(result.recorded.matrix.hold).toMatchObject({ hold: 2, deny: 1 });
  });

  it("keeps stop-switch denials denied and sums amounts over an agent's sliding hour exactly", () => {
    const replay = replayOf(raisedThreshold);
    replay.step(refund(T0, "5", { decision: "deny", tier: null, paused: true }));
    // The example's agent limit: 2000 USD per hour, deny. 99.99 + 1900.01 = 2000 fits; 0.01 more does not.
    replay.step(refund(T0 + 1000, "99.99", {}, "c1"));
    // Critical under both, so held; a person approved the recorded hold, so it counts on both sides.
    replay.step(refund(T0 + 2000, "1900.01", { decision: "hold", tier: "critical", countsToLimits: true }, "c2"));
    // The draft's hour holds 2000.00 now, the policy in force's 1900.01 (it held the 99.99).
    replay.step(refund(T0 + 3000, "0.01", {}, "c3"));
    // An hour after the first, its 99.99 left the draft's window: both allow it.
    replay.step(refund(T0 + 1000 + 3_600_000, "0.01", {}, "c4"));
    const result = finish(replay);
    expect(result.matrix.deny.deny).toBe(1);
    const decisions = result.sample.map((s) => `${s.amount}:${s.inForce.decision}>${s.draft.decision}`);
    expect(decisions).toEqual(["99.99:hold>allow", "0.01:allow>deny"]);
    expect(result.matrix.hold.hold).toBe(1);
    expect(result.matrix.allow.allow).toBe(1);
    expect(result.money).toEqual({ newlyAllowed: { count: 1, amount: "99.99" }, noLongerAllowed: { count: 1, amount: "0.01" } });
  });

  it("counts a request the draft cannot decide without customer.id as a deny", () => {
    // Cancellations get a per-customer limit: one without a customer can no longer be decided.
    const perCustomer = draftPolicy((d) => void (d.actions.find((a) => a.key === "order.cancel")!.limits = [{ scope: "customer", window: "24h", max_count: 3 }]));
    const replay = replayOf(perCustomer);
    replay.step({ ...refund(T0, "5"), action: "order.cancel", request: { action: "order.cancel", params: { amount: "5" } }, decision: "allow", tier: "medium" });
    expect(finish(replay).sample[0]).toMatchObject({ inForce: { decision: "allow", tier: "medium" }, draft: { decision: "deny", reasons: [{ code: "customer_id_required" }] } });
  });

  // Issue #19: a draft that changed only billing was credited with a refund change published
  // before it, because the replay compared it with what was recorded under the older version.
  it("credits the draft only with what it changes, not with what versions since the recorded decisions changed", () => {
    const raised = (d: PolicyDocumentInput) => {
      d.actions.find((a) => a.key === "refund.issue")!.risk![0] = { if: { amount: { lte: 100 } }, tier: "low" };
    };
    const inForce = compilePolicy(draftPolicy(raised).document, 4);
    const billingOnly = draftPolicy((d) => {
      raised(d);
      d.actions.find((a) => a.key === "billing.adjust")!.authority = "execute";
    });
    const replay = replayOf(billingOnly, inForce);
    // Recorded under the example (version 3): $80 refunds were held at the high tier.
    replay.step(refund(T0 + 1, "80", { decision: "hold", tier: "high" }, "cus_a"));
    replay.step(refund(T0 + 2, "80", { decision: "hold", tier: "high" }, "cus_b"));
    replay.step({ ...refund(T0 + 3, "40"), action: "billing.adjust", request: { action: "billing.adjust", customer: { id: "cus_c" }, params: { amount: "40", currency: "USD" } }, decision: "escalate", tier: null });
    const result = finish(replay);
    expect(result.differingActions).toEqual(["billing.adjust"]);
    expect(result.changes).toEqual([{ action: "billing.adjust", from: "escalate", to: "hold", fromTier: null, tier: "high", count: 1, amount: "40" }]);
    expect(result.money.newlyAllowed.count).toBe(0);
    expect(result.byAction["refund.issue"]!.allow.allow).toBe(2);
    // The separate view still shows what moved since the requests were decided.
    expect(result.recorded.matrix.hold.allow).toBe(2);
  });
});

describe("scaled amounts", () => {
  it("round-trips exact decimals", () => {
    for (const text of ["0", "42.5", "0.00000001", "123456789012345678.12345678", "-3.25"]) expect(formatScaled(parseScaled(text))).toBe(text);
    expect(formatScaled(parseScaled("42.50") + parseScaled("0.5"))).toBe("43");
  });
});

// Last in the file: the other tests pin the ids of their recorded decisions.
describe("replay of authority per intent", () => {
  it("shows a draft's change to an intent's authority as transitions of that intent's requests only", () => {
    // The example makes refunds recommend-only for a billing dispute; in force here, a version without that override.
    // Refunds for a shipping error keep the action's execute in both.
    const draft = draftPolicy();
    const replay = replayOf(draft, draftPolicy((d) => void delete d.intents!.find((i) => i.key === "billing_dispute")!.authority));
    const asked = (intent: string, amount: string): Partial<RecordedDecision> => ({
      decision: "allow",
      tier: "low",
      countsToLimits: true,
      request: { action: "refund.issue", intent, customer: { id: `cus_${intent}_${amount}`, verified: true }, params: { amount, currency: "USD" } },
    });
    replay.step(refund(T0 + 1, "20.00", asked("billing_dispute", "20.00"), "cus_x"));
    replay.step(refund(T0 + 2, "30.00", asked("billing_dispute", "30.00"), "cus_y"));
    replay.step(refund(T0 + 3, "25.00", asked("shipping_error", "25.00"), "cus_z"));
    const result = finish(replay);

    expect(result.changed).toBe(2);
    expect(result.matrix.allow).toMatchObject({ allow: 1, escalate: 2 });
    expect(result.changes).toEqual([expect.objectContaining({ action: "refund.issue", from: "allow", to: "escalate", count: 2 })]);
    expect(result.money.noLongerAllowed).toEqual({ count: 2, amount: "50" });
    expect(result.sample.map((s) => s.draft.reasons[0]?.message)).toEqual([
      'Issue a refund (refund.issue) is recommend-only for the intent "Billing dispute": the agent may suggest it, a person decides and carries it out',
      'Issue a refund (refund.issue) is recommend-only for the intent "Billing dispute": the agent may suggest it, a person decides and carries it out',
    ]);
    expect(result.differingActions).toEqual(["refund.issue"]);
  });
});
