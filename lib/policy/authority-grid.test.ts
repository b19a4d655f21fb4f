import { describe, expect, it } from "vitest";
import { authorityGrid } from "./authority-grid";
import type { PolicyDocument } from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import { validatePolicyDocument } from "./validate-policy";

function example(edit?: (document: PolicyDocument) => void): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  edit?.(result.document);
  return result.document;
}

describe("authorityGrid", () => {
  const grid = authorityGrid(example());
  const cell = (action: string, intent: string) => grid.rows.find((row) => row.key === action)!.cells[grid.intents.findIndex((i) => i.key === intent)];

  it("has a row per action and a column per intent, in the document's order, with labels", () => {
    expect(grid.rows.map((row) => row.label)).toEqual(example().actions.map((action) => action.label));
    expect(grid.intents.map((intent) => intent.label)).toEqual(["Shipping error", "Return request", "Account access", "Billing dispute", "Legal dispute"]);
  });

  it("marks the intent's override, keeps the action's own elsewhere, and says when the intent excludes the action or goes to a person", () => {
    expect(cell("refund.issue", "billing_dispute")).toEqual({ kind: "authority", authority: "recommend", overridden: true });
    expect(cell("refund.issue", "shipping_error")).toEqual({ kind: "authority", authority: "execute", overridden: false });
    expect(grid.rows.find((row) => row.key === "refund.issue")!.own).toEqual({ kind: "authority", authority: "execute", overridden: false });
    expect(cell("account.recover", "shipping_error")).toEqual({ kind: "not_in_intent" });
    expect(cell("refund.issue", "legal_dispute")).toEqual({ kind: "human" });
  });

  it("reads an intent listing no actions as allowing every action", () => {
    const open = authorityGrid(example((document) => void (document.intents[3]!.actions = [])));
    const column = open.intents.findIndex((intent) => intent.key === "billing_dispute");
    expect(open.rows.map((row) => row.cells[column]!.kind)).toEqual(open.rows.map(() => "authority"));
  });

  it("shows a forbidden action as forbidden for every intent", () => {
    const forbidden = authorityGrid(example((document) => void document.forbidden.push({ action: "refund.issue", reason: "Frozen." })));
    const row = forbidden.rows.find((candidate) => candidate.key === "refund.issue")!;
    expect([row.own, ...row.cells]).toEqual(Array.from({ length: 6 }, () => ({ kind: "forbidden" })));
  });
});
