import { describe, expect, it } from "vitest";
import { largestValue, niceTicks } from "./axis-format";

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten from zero past the largest value", () => {
    expect(niceTicks(140)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(285)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(1300)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(9)).toEqual([0, 5, 10]);
  });

  it("keeps counts whole, and leaves an empty axis to the chart", () => {
    expect(niceTicks(3, { whole: true })).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1, { whole: true })).toEqual([0, 1]);
    expect(niceTicks(0)).toBeUndefined();
    expect(niceTicks(Number.NaN)).toBeUndefined();
  });
});

describe("largestValue", () => {
  it("sums stacked series per point and takes the largest series otherwise; gaps count as zero", () => {
    const points = [{ a: 3, b: 4 }, { a: 6, b: null }, { a: "2", b: 1 }];
    expect(largestValue(points, ["a", "b"], true)).toBe(7);
    expect(largestValue(points, ["a", "b"], false)).toBe(6);
    expect(largestValue([], ["a"], true)).toBe(0);
  });
});
