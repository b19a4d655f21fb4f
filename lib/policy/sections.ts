import { can, type Permission } from "@/lib/auth/permissions";
import { canonicalJson } from "../engine/canonical";
import type { PolicyDocument } from "./document-schema";
import type { Role } from "./roles";

/**
 * The parts of the policy document the console edits separately. `settings` is the
 * document-level name and currency; `schema` is a constant and belongs to no section.
 */
export const SECTION_KEYS = ["actions", "risk_tiers", "owners", "data_sources", "intents", "forbidden", "tools", "settings"] as const;

export type SectionKey = (typeof SECTION_KEYS)[number];

export interface PolicySection {
  key: SectionKey;
  /** What people call the section in the console and in diffs. */
  label: string;
  /** The one permission that lets a person change this section of a draft. */
  permission: Permission;
}

/**
 * In display order. Settings are admin-only: the currency re-reads every amount threshold
 * and limit, so it is not any one team's section; `users:manage` is the admin-only
 * permission in the table.
 */
export const POLICY_SECTIONS: readonly PolicySection[] = [
  { key: "actions", label: "Permission map", permission: "policy:edit:actions" },
  { key: "risk_tiers", label: "Risk tiers", permission: "policy:edit:risk_tiers" },
  { key: "owners", label: "Owners", permission: "policy:edit:owners" },
  { key: "data_sources", label: "Data sources", permission: "policy:edit:data_sources" },
  { key: "intents", label: "Intents", permission: "policy:edit:intents" },
  { key: "forbidden", label: "Forbidden actions", permission: "policy:edit:forbidden" },
  // Which MCP tool is which action: IT's, like the data sources, since it is about the systems.
  { key: "tools", label: "Tool mappings", permission: "policy:edit:tools" },
  { key: "settings", label: "Settings", permission: "users:manage" },
];

export function isSectionKey(value: unknown): value is SectionKey {
  return typeof value === "string" && (SECTION_KEYS as readonly string[]).includes(value);
}

export function policySection(key: SectionKey): PolicySection {
  const section = POLICY_SECTIONS.find((candidate) => candidate.key === key);
  // POLICY_SECTIONS lists every SectionKey; the test pins it.
  if (!section) throw new Error(`Unknown policy section "${key}"`);
  return section;
}

/** The part of the document that a section covers, as a plain value for comparison or display. */
export function sectionContent(document: PolicyDocument, key: SectionKey): unknown {
  if (key === "settings") return { name: document.name, currency: document.currency };
  // Versions stored before the tools section existed have none: the same as an empty list.
  if (key === "tools") return document.tools ?? [];
  return document[key];
}

/**
 * The sections whose content differs, in POLICY_SECTIONS order. Compares canonical JSON, so
 * any edit counts, even one that keeps the meaning (reordered actions, "50" for 50): whoever
 * makes it still needs the section's permission.
 */
export function sectionsChanged(before: PolicyDocument, after: PolicyDocument): SectionKey[] {
  return POLICY_SECTIONS.filter(
    ({ key }) => canonicalJson(sectionContent(before, key)) !== canonicalJson(sectionContent(after, key)),
  ).map(({ key }) => key);
}

export function canEditSection(roles: readonly Role[], section: SectionKey): boolean {
  return can(roles, policySection(section).permission);
}
