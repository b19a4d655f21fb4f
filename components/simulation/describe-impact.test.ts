import { describe, expect, it } from "vitest";
import type { SimulationImpact } from "@/lib/simulation/queries";
import { describeBaseline, describeImpact, summarizeImpact } from "./describe-impact";

const impact = (overrides: Partial<SimulationImpact> = {}): SimulationImpact => ({
  currency: "USD",
  inForceVersion: 3,
  total: 1000,
  changed: 40,
  kindChanged: 39,
  topChanges: [
    { action: "refund.issue", from: "hold", to: "allow", fromTier: "high", tier: "low", count: 38, amount: "2140.5" },
    { action: "order.cancel", from: "allow", to: "hold", fromTier: "medium", tier: null, count: 1, amount: "12" },
  ],
  money: { newlyAllowed: { count: 38, amount: "2140.5" }, noLongerAllowed: { count: 1, amount: "12" } },
  durationMs: 10,
  requestsPerSecond: 100_000,
  ...overrides,
});

describe("describeImpact", () => {
  it("says what moves, where, and the money that would move without a human", () => {
    expect(describeImpact(impact())).toEqual([
      "38 holds would become allows (refund.issue, low tier)",
      "1 allow would become a hold (order.cancel)",
      "$2,140.50 would move without a human",
      "$12.00 that moves without a human today would not any more",
    ]);
    expect(summarizeImpact(impact({ kindChanged: 45 }), 3)).toBe(
      "Compared with version 3, the policy in force: 38 holds would become allows (refund.issue, low tier); 1 allow would become a hold (order.cancel); 6 more would change; $2,140.50 would move without a human; $12.00 that moves without a human today would not any more",
    );
  });

  it("says when nothing would change", () => {
    expect(describeImpact(impact({ changed: 0, kindChanged: 0, topChanges: [] }))).toEqual(["No decision would change over 1,000 recorded requests"]);
    expect(describeImpact(impact({ changed: 3, kindChanged: 0, topChanges: [] }))[0]).toBe("No decision would change over 1,000 recorded requests; 3 would be decided at another tier");
    expect(describeImpact(impact({ total: 0 }))[0]).toMatch(/no recorded requests/);
  });

  it("says when a newer version is in force than the one the draft was compared with", () => {
    expect(describeBaseline(impact(), 4)).toEqual({ text: "Compared with version 3, but version 4 is in force now: simulate again to compare with it", stale: true });
    expect(summarizeImpact(impact(), 4)).toMatch(/^Compared with version 3, but version 4 is in force now/);
  });
});
