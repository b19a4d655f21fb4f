import { describe, expect, it } from "vitest";
import { conditionToRows, rowsToCondition } from "./condition-clauses";

describe("condition rows", () => {
  it("round-trips the common conditions of the example policy", () => {
    for (const condition of [{ amount: { lte: 50 } }, { "customer.verified": true }, { "customer.segment": { in: ["vip", "gold"] }, amount: { gt: 10 } }, { amount: { lte: "0.10000000000000000555" } }]) {
      expect(rowsToCondition(conditionToRows(condition))).toEqual(condition);
    }
  });

  it("keeps complex conditions as JSON and reports JSON it cannot read", () => {
    const complex = { any: [{ amount: { lte: 5 } }, { "customer.verified": true }] };
    const rows = conditionToRows(complex);
    expect(rows.mode).toBe("advanced");
    expect(rowsToCondition(rows)).toEqual(complex);
    expect(rowsToCondition({ mode: "advanced", json: "{ nope" })).toEqual({ invalidJson: "{ nope" });
  });

  it("turns no rows into a fallback band and types values by field", () => {
    expect(rowsToCondition({ mode: "rows", clauses: [] })).toBeUndefined();
    expect(rowsToCondition({ mode: "rows", clauses: [{ field: "amount", op: "lte", value: " 100 " }, { field: "customer.verified", op: "eq", value: "no" }] })).toEqual({
      amount: { lte: 100 },
      "customer.verified": false,
    });
  });
});
