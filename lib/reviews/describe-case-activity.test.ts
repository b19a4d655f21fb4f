import { describe, expect, it } from "vitest";
import { describeCaseActivity } from "./describe-case-activity";

// Regression: the case page's activity read "supervisor@…: review.label" (issue #23, point 6).
describe("describeCaseActivity", () => {
  const names = new Map([["usr_sam", "Sam Supervisor"], ["usr_ola", "Ola Lead"]]);

  it("says what a label change did, with the label's words", () => {
    expect(describeCaseActivity({ action: "review.label", actor: "Sam Supervisor", data: { added: ["policy_gap"], removed: [], labels: ["policy_gap"] } })).toBe("Sam Supervisor labelled it policy gap");
    expect(describeCaseActivity({ action: "review.label", actor: "Sam Supervisor", data: { added: ["agent_error", "fraud"], removed: ["correct"] } })).toBe(
      "Sam Supervisor labelled it agent error and fraud and removed the label correct",
    );
  });

  it("names who took or was given the case, and marks bulk changes", () => {
    expect(describeCaseActivity({ action: "review.assign", actor: "Sam Supervisor", data: { from: null, to: "usr_sam" } }, names)).toBe("Sam Supervisor took the case");
    expect(describeCaseActivity({ action: "review.assign", actor: "Sam Supervisor", data: { from: null, to: "usr_ola" } }, names)).toBe("Sam Supervisor assigned the case to Ola Lead");
    expect(describeCaseActivity({ action: "review.unassign", actor: "Ola Lead", data: { from: "usr_ola", to: null } })).toBe("Ola Lead handed the case back");
    expect(describeCaseActivity({ action: "review.dismiss", actor: "Ola Lead", data: { outcome: "duplicate", bulk: true } })).toBe("Ola Lead dismissed the case (with other cases)");
  });

  it("describes notes, closing and drafts, and keeps an unknown action's key rather than hiding it", () => {
    expect(describeCaseActivity({ action: "review.note", actor: "Ola Lead", data: { body: "x" } })).toBe("Ola Lead added a note");
    expect(describeCaseActivity({ action: "review.resolve", actor: "Ola Lead", data: { outcome: "fixed" } })).toBe("Ola Lead resolved the case");
    expect(describeCaseActivity({ action: "review.draft_start", actor: "Ola Lead", data: { title: "Refund limits" } })).toBe("Ola Lead started a policy draft “Refund limits”");
    expect(describeCaseActivity({ action: "review.teleport", actor: "system", data: null })).toBe("system: review.teleport");
  });
});
