import type { Actor } from "@/lib/audit/actor";
import { authorize } from "@/lib/auth/authorize";
import { AppError } from "@/lib/errors";

/**
 * Accepting or dismissing a recommendation is the oversight committee's call (an admin may
 * stand in). A CX lead may edit actions too, but deciding what authority agents have earned is
 * the committee's mandate, so `policy:edit:actions` alone is not enough. Operators at the
 * machine (CLI) keep full authority, as everywhere.
 */
export function authorizeCommittee(actor: Actor): void {
  authorize(actor, "policy:edit:actions");
  if (actor.type === "user" && !actor.roles.some((role) => role === "committee" || role === "admin")) {
    throw new AppError("forbidden", "Only the oversight committee or an administrator can accept or dismiss recommendations.");
  }
}

export function canDecideRecommendations(roles: readonly string[]): boolean {
  return roles.includes("committee") || roles.includes("admin");
}
