import { describe, expect, it } from "vitest";
import { labelOf, labelOptions, NO_LABELS, policyLabels } from "./policy-labels";

describe("policyLabels", () => {
  const labels = policyLabels({
    actions: [{ key: "refund.issue", label: "Issue a refund" }],
    risk_tiers: [{ key: "high", label: "High risk" }],
    owners: [{ key: "finance-ops", name: "Finance operations" }],
    intents: [{ key: "return_request", label: "Return request" }],
    data_sources: [{ key: "orders", label: "Order system" }],
  } as never);

  it("reads each kind of key as the policy's words", () => {
    expect(labelOf(labels, "action", "refund.issue")).toBe("Issue a refund");
    expect(labelOf(labels, "tier", "high")).toBe("High risk");
    expect(labelOf(labels, "owner", "finance-ops")).toBe("Finance operations");
    expect(labelOf(labels, "intent", "return_request")).toBe("Return request");
    expect(labelOf(labels, "dataSource", "orders")).toBe("Order system");
  });

  it("keeps a key the policy does not name, and null for nothing; never an inherited property", () => {
    expect(labelOf(labels, "action", "order.cancel")).toBe("order.cancel");
    expect(labelOf(labels, "tier", null)).toBeNull();
    expect(labelOf(labels, "action", "constructor")).toBe("constructor");
    expect(labelOf(NO_LABELS, "owner", "finance-ops")).toBe("finance-ops");
  });

  it("makes filter options with the key as value and the label as text", () => {
    expect(labelOptions(labels, "action")).toEqual([{ value: "refund.issue", label: "Issue a refund" }]);
    expect(labelOptions(labels, "tier", ["high", "legacy"])).toEqual([
      { value: "high", label: "High risk" },
      { value: "legacy", label: "legacy" },
    ]);
  });
});
