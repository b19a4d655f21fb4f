import type { Role } from "@/lib/policy/roles";

// Roles → permissions: the one table that the server enforces and the UI reads to hide what a
// person may not use. Hiding is a courtesy; can() on the server is the control.
const ALL: readonly Role[] = ["admin", "cx_lead", "legal", "it", "supervisor", "committee", "auditor"];

export const PERMISSIONS = {
  "overview:read": ALL,
  "policy:read": ALL,
  "policy:edit:actions": ["admin", "cx_lead", "committee"],
  "policy:edit:intents": ["admin", "cx_lead"],
  "policy:edit:owners": ["admin", "cx_lead"],
  "policy:edit:forbidden": ["admin", "legal"],
  "policy:edit:data_sources": ["admin", "it"],
  "policy:edit:tools": ["admin", "it"],
  "policy:edit:risk_tiers": ["admin", "committee"],
  "policy:review": ["admin", "cx_lead", "legal", "it", "committee"],
  // A draft's author may always discard it; these roles may discard anyone's.
  "policy:discard_any_draft": ["admin"],
  "approvals:read": ["admin", "supervisor", "committee", "cx_lead", "auditor"],
  "approvals:decide": ["admin", "supervisor", "committee"],
  "reviews:read": ["admin", "supervisor", "committee", "cx_lead", "legal", "auditor"],
  "reviews:work": ["admin", "supervisor", "committee", "cx_lead"],
  "history:read": ALL,
  "dashboards:read": ["admin", "committee", "cx_lead", "supervisor", "auditor"],
  "audit:read": ["admin", "auditor", "committee", "it"],
  "agents:read": ["admin", "it", "auditor"],
  "agents:manage": ["admin", "it"],
  "tools:manage": ["admin", "it"],
  // Deciding what authority agents have earned (accepting or dismissing a recommendation) is the
  // committee's mandate: a CX lead edits actions but does not grant autonomy.
  "autonomy:decide": ["admin", "committee"],
  // Owners' notification webhooks: operational config beside the reviewed owner list.
  "owners:notifications": ["admin", "it"],
  "stop:read": ALL,
  "stop:manage": ["admin", "it", "committee"],
  "users:read": ["admin", "auditor"],
  "users:manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => allowed.includes(role));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  cx_lead: "CX lead",
  legal: "Legal",
  it: "IT",
  supervisor: "Supervisor",
  committee: "Oversight committee",
  auditor: "Auditor (read-only)",
};

/** People-facing names of roles (a role the console does not know is shown as it is), joined. */
export function roleNames(roles: readonly string[], joiner = ", "): string {
  return roles.map((role) => ROLE_LABELS[role as Role] ?? role).join(joiner);
}
