import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import { canEditSection, POLICY_SECTIONS, policySection, SECTION_KEYS, sectionsChanged } from "./sections";
import { validatePolicyDocument } from "./validate-policy";

function example(): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.document;
}

describe("POLICY_SECTIONS", () => {
  it("lists every section once, with a label for people", () => {
    expect(POLICY_SECTIONS.map((section) => section.key).sort()).toEqual([...SECTION_KEYS].sort());
    expect(policySection("actions").label).toBe("Permission map");
    expect(policySection("forbidden").label).toBe("Forbidden actions");
    expect(policySection("settings").label).toBe("Settings");
    expect(policySection("tools")).toEqual({ key: "tools", label: "Tool mappings", permission: "policy:edit:tools" });
  });
});

describe("canEditSection", () => {
  it("follows the permission table: each team edits its own section", () => {
    expect(canEditSection(["legal"], "forbidden")).toBe(true);
    expect(canEditSection(["legal"], "actions")).toBe(false);
    expect(canEditSection(["it"], "data_sources")).toBe(true);
    expect(canEditSection(["it"], "intents")).toBe(false);
    expect(canEditSection(["cx_lead"], "actions")).toBe(true);
    expect(canEditSection(["cx_lead"], "owners")).toBe(true);
    expect(canEditSection(["cx_lead"], "risk_tiers")).toBe(false);
    expect(canEditSection(["committee"], "risk_tiers")).toBe(true);
    // The committee sets authority and risk bands, which live in the actions.
    expect(canEditSection(["committee"], "actions")).toBe(true);
    expect(canEditSection(["auditor", "supervisor"], "actions")).toBe(false);
  });

  it("gives the tool mappings to IT and admins only", () => {
    expect(canEditSection(["it"], "tools")).toBe(true);
    expect(canEditSection(["admin"], "tools")).toBe(true);
    for (const role of ["legal", "cx_lead", "committee", "supervisor", "auditor"] as const) expect(canEditSection([role], "tools")).toBe(false);
  });

  it("keeps settings to admins", () => {
    expect(canEditSection(["admin"], "settings")).toBe(true);
    expect(canEditSection(["cx_lead", "legal", "it", "committee"], "settings")).toBe(false);
  });
});

describe("sectionsChanged", () => {
  it("is empty for an unchanged document", () => {
    expect(sectionsChanged(example(), example())).toEqual([]);
  });

  it("names each section touched, in display order", () => {
    const after = example();
    after.name = "Renamed";
    after.forbidden.push({ action: "contract.renew", reason: "Legal only." });
    after.actions[2]!.authority = "recommend";
    expect(sectionsChanged(example(), after)).toEqual(["actions", "forbidden", "settings"]);
  });

  it("names the tool mappings, and reads a version stored before they existed as having none", () => {
    const after = example();
    after.tools = [{ server: "payments", tool: "issue_refund", action: "refund.issue", params: {}, data_sources: [] }];
    expect(sectionsChanged(example(), after)).toEqual(["tools"]);
    const old = example() as Partial<PolicyDocument>;
    delete old.tools;
    const current = example();
    current.tools = [];
    expect(sectionsChanged(old as PolicyDocument, current)).toEqual([]);
  });

  it("counts edits that keep the meaning, such as a reordered list", () => {
    const after = example();
    after.owners.reverse();
    expect(sectionsChanged(example(), after)).toEqual(["owners"]);
  });
});
