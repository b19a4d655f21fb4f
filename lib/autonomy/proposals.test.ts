import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { exampleDocument } from "@/lib/policy/fixtures/example-policy";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { applyProposal, proposalKey, type Proposal } from "./proposals";

function example(edit?: (document: PolicyDocument) => void): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  edit?.(result.document);
  return result.document;
}

const raise: Proposal = { kind: "band_threshold", action: "refund.issue", band: 0, field: "amount", operator: "lte", from: "50", to: "200" };

describe("applyProposal", () => {
  // Bug: an accepted recommendation wrote its amount through a binary float (Decimal#toNumber),
  // so a cap or threshold a double cannot hold was rounded in the published policy.
  it("writes an amount a double cannot hold as its exact decimal string", () => {
    const document = example((d) => {
      const refund = d.actions.find((a) => a.key === "refund.issue")!;
      refund.risk[0] = { if: { amount: { lte: "123456789012345670" } }, tier: "low" };
      refund.risk[1] = { if: { amount: { lte: "999999999999999999" } }, tier: "high" };
      refund.limits = [{ scope: "customer", window: "30d", max_amount: "999999999999999999", on_exceed: "hold" }];
    });
    const band = applyProposal(document, { ...raise, from: "123456789012345670", to: "123456789012345678.5" });
    expect(band.risk[0]).toEqual({ if: { amount: { lte: "123456789012345678.5" } }, tier: "low" });
    const cap = applyProposal(document, { kind: "limit_amount", action: "refund.issue", limit: 0, from: "999999999999999999", to: "123456789012345678" });
    expect(cap.limits![0]!.max_amount).toBe("123456789012345678");
    expect(applyProposal(example(), raise).risk[0]).toEqual({ if: { amount: { lte: 200 } }, tier: "low" }); // plain amounts stay numbers
  });

  it("moves only the proposed bound and keeps the rest of the action", () => {
    const action = applyProposal(example(), raise);
    expect(action.risk).toEqual([{ if: { amount: { lte: 200 } }, tier: "low" }, { if: { amount: { lte: 500 } }, tier: "high" }, { tier: "critical" }]);
    expect(action.limits).toEqual(example().actions.find((a) => a.key === "refund.issue")!.limits);
  });

  it("still applies when the policy moved the same way but not as far (the diff then names the real starting point)", () => {
    const document = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
    });
    expect(applyProposal(document, raise).risk[0]).toEqual({ if: { amount: { lte: 200 } }, tier: "low" });
  });

  it("refuses once the change already happened or the band is gone", () => {
    const raised = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.risk[0] = { if: { amount: { lte: 250 } }, tier: "low" };
    });
    expect(() => applyProposal(raised, raise)).toThrow(/already 250/);
    const reshaped = example((d) => {
      d.actions.find((a) => a.key === "refund.issue")!.risk = [{ tier: "high" }];
    });
    expect(() => applyProposal(reshaped, raise)).toThrow(expect.objectContaining({ code: "conflict" }));
    expect(() => applyProposal(example(), { ...raise, action: "refund.gone" })).toThrow(/no longer in the policy/);
  });

  it("lowers authority and tightens per-customer limits", () => {
    expect(applyProposal(example(), { kind: "authority", action: "shipment.reroute", from: "execute", to: "recommend" }).authority).toBe("recommend");
    expect(applyProposal(example(), { kind: "limit_count", action: "refund.issue", limit: 0, from: 2, to: 1 }).limits[0]).toMatchObject({ scope: "customer", max_count: 1 });
    expect(() => applyProposal(example(), { kind: "limit_count", action: "refund.issue", limit: 1, from: 2, to: 1 })).toThrow(/per-customer limit changed/);
  });

  it("names the same change the same way across runs", () => {
    expect(proposalKey(raise)).toBe("risk[0].amount.lte:50->200");
  });
});
