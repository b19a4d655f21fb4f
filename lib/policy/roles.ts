/** Console roles. Policy approvals name them, and auth maps them to permissions. */
export const ROLES = ["admin", "cx_lead", "legal", "it", "supervisor", "committee", "auditor"] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
