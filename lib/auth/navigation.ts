import type { Role } from "@/lib/policy/roles";
import { can, type Permission } from "./permissions";

export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
  /** Other paths that belong to this item's section (a draft belongs to Policy versions). */
  sections?: string[];
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

export const NAVIGATION: NavGroup[] = [
  { label: "Home", items: [{ href: "/", label: "Overview", permission: "overview:read" }] },
  {
    label: "Policy",
    items: [
      { href: "/permission-map", label: "Permission map", permission: "policy:read" },
      { href: "/risk-tiers", label: "Risk tiers", permission: "policy:read" },
      { href: "/owners", label: "Owners", permission: "policy:read" },
      { href: "/forbidden-actions", label: "Forbidden actions", permission: "policy:read" },
      { href: "/data-sources", label: "Data sources", permission: "policy:read" },
      { href: "/intents", label: "Intents", permission: "policy:read" },
      { href: "/policy-versions", label: "Policy versions", permission: "policy:read", sections: ["/drafts"] },
    ],
  },
  {
    label: "Oversight",
    items: [
      { href: "/dashboards", label: "Dashboards", permission: "dashboards:read" },
      { href: "/scorecards", label: "Scorecards", permission: "dashboards:read" },
      { href: "/recommendations", label: "Recommendations", permission: "dashboards:read" },
      { href: "/approvals", label: "Approvals", permission: "approvals:read" },
      { href: "/reviews", label: "Reviews", permission: "reviews:read" },
      { href: "/history", label: "History", permission: "history:read" },
      { href: "/evidence", label: "Evidence", permission: "audit:read" },
    ],
  },
  {
    label: "Administration",
    items: [
      { href: "/stop-switches", label: "Stop switches", permission: "stop:read" },
      { href: "/agents", label: "Agents & keys", permission: "agents:read" },
      { href: "/tool-servers", label: "Tool servers", permission: "tools:manage" },
      { href: "/users", label: "Users", permission: "users:read" },
    ],
  },
];

/** The navigation a person sees: only what their roles let them use. */
export function navigationFor(roles: readonly Role[]): { label: string; items: { href: string; label: string; sections?: string[] }[] }[] {
  return NAVIGATION.map((group) => ({
    label: group.label,
    items: group.items.filter((item) => can(roles, item.permission)).map(({ href, label, sections }) => ({ href, label, sections })),
  })).filter((group) => group.items.length > 0);
}
