import { describe, expect, it } from "vitest";
import type { Matrix } from "./replay";
import { directionsByKey, transitionDirections } from "./transition-direction";

function matrix(cells: [string, string, number][]): Matrix {
  const kinds = ["allow", "hold", "step_up", "escalate", "deny"] as const;
  const m = Object.fromEntries(kinds.map((f) => [f, Object.fromEntries(kinds.map((t) => [t, 0]))])) as Matrix;
  for (const [from, to, n] of cells) (m as Record<string, Record<string, number>>)[from]![to] = n;
  return m;
}

describe("transitionDirections", () => {
  it("counts the diagonal as the same, more human control as stricter and less as looser", () => {
    const m = matrix([["allow", "allow", 90], ["allow", "hold", 7], ["hold", "step_up", 2], ["deny", "allow", 1], ["step_up", "escalate", 3]]);
    expect(transitionDirections("refund.issue", m)).toEqual({ key: "refund.issue", same: 90, stricter: 10, looser: 3 });
  });

  it("orders rows by how much changes, drops empty ones", () => {
    const rows = directionsByKey({ a: matrix([["allow", "allow", 500]]), b: matrix([["allow", "deny", 4]]), c: matrix([]) });
    expect(rows.map((r) => r.key)).toEqual(["b", "a"]);
  });
});
