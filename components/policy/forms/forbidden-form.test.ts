import { describe, expect, it } from "vitest";
import example from "@/lib/demo/example-policy.json";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { actionChoices } from "./forbidden-form";

const doc = example as unknown as PolicyDocument;

describe("actionChoices", () => {
  // Issue #23, point 4: legal was offered only the permission map's keys, never what agents asked for.
  it("offers what agents asked for first, by label, then the permission map's other actions, without those already forbidden", () => {
    const choices = actionChoices(doc, [{ key: "contract.renew", count: 7 }, { key: "refund.issue", count: 3 }], new Set(["order.cancel"]));
    expect(choices[0]).toEqual({ key: "contract.renew", label: "contract renew", count: 7, inMap: false });
    expect(choices[1]).toEqual({ key: "refund.issue", label: "Issue a refund", count: 3, inMap: true });
    expect(choices.find((c) => c.key === "billing.adjust")).toEqual({ key: "billing.adjust", label: "Adjust billing", count: 0, inMap: true });
    expect(choices.some((c) => c.key === "order.cancel")).toBe(false);
    expect(new Set(choices.map((c) => c.key)).size).toBe(choices.length);
  });
});
