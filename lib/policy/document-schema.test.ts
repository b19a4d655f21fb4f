import { describe, expect, it } from "vitest";
import {
  actionSchema,
  dataSourceSchema,
  forbiddenSchema,
  intentSchema,
  limitSchema,
  ownerSchema,
  policyDocumentSchema,
  riskTierSchema,
} from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import { isRole, ROLES } from "./roles";

// Console forms parse one section at a time with these schemas.
describe("section schemas", () => {
  it("parse the example's sections on their own", () => {
    const document = exampleDocument();
    for (const tier of document.risk_tiers) expect(riskTierSchema.safeParse(tier).success).toBe(true);
    for (const owner of document.owners) expect(ownerSchema.safeParse(owner).success).toBe(true);
    for (const source of document.data_sources ?? []) expect(dataSourceSchema.safeParse(source).success).toBe(true);
    for (const action of document.actions) expect(actionSchema.safeParse(action).success).toBe(true);
    for (const entry of document.forbidden ?? []) expect(forbiddenSchema.safeParse(entry).success).toBe(true);
    for (const intent of document.intents ?? []) expect(intentSchema.safeParse(intent).success).toBe(true);
  });

  it("are strict", () => {
    expect(ownerSchema.safeParse({ key: "ops", name: "Ops", contact: "x", remediation: "y", email: "z" }).success).toBe(false);
    expect(intentSchema.safeParse({ key: "a", label: "A", handling: "human", action: [] }).success).toBe(false);
  });

  it("apply defaults", () => {
    expect(intentSchema.parse({ key: "a", label: "A", handling: "autonomous" }).actions).toEqual([]);
    expect(limitSchema.parse({ scope: "agent", window: "1h", max_amount: "10.50" })).toEqual({
      scope: "agent",
      window: "1h",
      max_amount: "10.50",
      on_exceed: "hold",
    });
  });

  it("keep cross-field tier rules", () => {
    const result = riskTierSchema.safeParse({ key: "x", label: "X", controls: ["review_sample"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["sample_rate"]);
  });

  it("expose the whole document schema", () => {
    expect(policyDocumentSchema.safeParse(exampleDocument()).success).toBe(true);
  });
});

describe("roles", () => {
  it("lists the console roles", () => {
    expect(ROLES).toEqual(["admin", "cx_lead", "legal", "it", "supervisor", "committee", "auditor"]);
    expect(isRole("supervisor")).toBe(true);
    expect(isRole("manager")).toBe(false);
    expect(isRole(1)).toBe(false);
  });
});
