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
    const replay = createReplay(raisedThreshold);
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
    expect(result.changes).toEqual([{ action: "refund.issue", from: "hold", to: "allow", recordedTier: "high", tier: "low", count: 2, amount: "140.5" }]);
    expect(result.money).toEqual({ newlyAllowed: { count: 2, amount: "140.5" }, noLongerAllowed: { count: 0, amount: "0" } });
    expect(result.sample.map((s) => [s.id, s.recorded.decision, s.draft.decision, s.draft.reasons[0]?.code])).toEqual([
      ["dec_0001", "hold", "allow", "allowed"],
      ["dec_0002", "hold", "allow", "allowed"],
    ]);
  });

  it("applies the draft's limits with the usage at the time: seeded before the period, grown by what the draft allows, sliding out of the window", () => {
    const replay = createReplay(raisedThreshold);
    // Before the period: one refund that counted (20 days before), one that did not (a denied one is never seeded by the caller).
    replay.seed({ at: T0 - 20 * DAY, action: "refund.issue", customerId: "cus_1", agentId: "agent-1", amount: "10" });
    // Day 1: the draft allows it (usage 1 of 2).
    replay.step(refund(T0 + 1 * DAY, "50"));
    // Day 2: usage 2 of 2, so the draft holds it on the limit, whatever was recorded.
    replay.step(refund(T0 + 2 * DAY, "50"));
    // Day 11: the seeded refund left the 30-day window (it was 31 days ago): allowed again.
    replay.step(refund(T0 + 11 * DAY, "50"));
    // Another customer is not affected by cus_1's usage.
    replay.step(refund(T0 + 11 * DAY + 1, "50", {}, "cus_2"));
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
    expect(result.changes.find((c) => c.from === "hold" && c.to === "hold")).toMatchObject({ recordedTier: "high", tier: "low", count: 1 });
  });

  it("counts a draft's hold toward limits only when the recorded hold was approved", () => {
    // Per customer at most 1 refund per 30 days, and every refund needs approval.
    const strict = draftPolicy((d) => {
      const refund = d.actions.find((a) => a.key === "refund.issue")!;
      refund.risk = [{ tier: "high" }];
      refund.limits = [{ scope: "customer", window: "30d", max_count: 1, on_exceed: "deny" }];
    });
    const replay = createReplay(strict);
    replay.step(refund(T0 + 1, "10", { decision: "hold", countsToLimits: false })); // rejected by a person: does not count
    replay.step(refund(T0 + 2, "10", { decision: "hold", countsToLimits: true })); // approved: counts
    replay.step(refund(T0 + 3, "10", { decision: "hold", countsToLimits: true })); // over the limit now
    const result = finish(replay);
    expect(result.matrix.hold).toMatchObject({ hold: 2, deny: 1 });
  });

  it("keeps stop-switch denials denied and sums amounts over an agent's sliding hour exactly", () => {
    const replay = createReplay(raisedThreshold);
    replay.step(refund(T0, "5", { decision: "deny", tier: null, paused: true }));
    // The example's agent limit: 2000 USD per hour, deny. 99.99 + 1900.01 = 2000 fits; 0.01 more does not.
    replay.step(refund(T0 + 1000, "99.99", {}, "c1"));
    // Critical under the draft too, so held; a person approved the recorded hold, so it counts.
    replay.step(refund(T0 + 2000, "1900.01", { decision: "hold", tier: "critical", countsToLimits: true }, "c2"));
    replay.step(refund(T0 + 3000, "0.01", {}, "c3"));
    // An hour after the first, its 99.99 left the window.
    replay.step(refund(T0 + 1000 + 3_600_000, "0.01", {}, "c4"));
    const result = finish(replay);
    expect(result.matrix.deny.deny).toBe(1);
    const decisions = result.sample.map((s) => `${s.amount}:${s.draft.decision}`);
    expect(decisions).toEqual(["99.99:allow", "0.01:deny", "0.01:allow"]);
    expect(result.matrix.hold.hold).toBe(1);
    expect(result.money.newlyAllowed).toEqual({ count: 2, amount: "100" });
  });

  it("counts a request the draft cannot decide without customer.id as a deny", () => {
    const replay = createReplay(raisedThreshold);
    const row = refund(T0, "5");
    row.request = { action: "refund.issue", params: { amount: "5" } };
    replay.step(row);
    expect(finish(replay).sample[0]!.draft).toMatchObject({ decision: "deny", reasons: [{ code: "customer_id_required" }] });
  });
});

describe("scaled amounts", () => {
  it("round-trips exact decimals", () => {
    for (const text of ["0", "42.5", "0.00000001", "123456789012345678.12345678", "-3.25"]) expect(formatScaled(parseScaled(text))).toBe(text);
    expect(formatScaled(parseScaled("42.50") + parseScaled("0.5"))).toBe("43");
  });
});
