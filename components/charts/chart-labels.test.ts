import { describe, expect, it } from "vitest";
import { rankApprovers } from "./approver-scatter-chart";
import { wrapLabel } from "./category-bar-chart";

describe("wrapLabel", () => {
  // Issue #23, point 9: the denials chart cut "Data outside the action's scope" to "Data outside the action's …".
  it("keeps every word of a long label, on lines of at most 26 characters", () => {
    const lines = wrapLabel("Data outside the action's scope");
    expect(lines.join(" ")).toBe("Data outside the action's scope");
    expect(lines.every((l) => l.length <= 26)).toBe(true);
    expect(wrapLabel("Refund")).toEqual(["Refund"]);
  });
});

describe("rankApprovers", () => {
  it("numbers the flagged first, then the highest approval rate, then the fastest", () => {
    const ranked = rankApprovers([
      { name: "slow", decided: 10, approvalRate: 0.99, medianSeconds: 600, flagged: false },
      { name: "stamp", decided: 40, approvalRate: 0.98, medianSeconds: 3, flagged: true },
      { name: "fast", decided: 10, approvalRate: 0.99, medianSeconds: 20, flagged: false },
      { name: "careful", decided: 10, approvalRate: 0.5, medianSeconds: 300, flagged: false },
    ]);
    expect(ranked.map((p) => [p.rank, p.name])).toEqual([[1, "stamp"], [2, "fast"], [3, "slow"], [4, "careful"]]);
  });
});
