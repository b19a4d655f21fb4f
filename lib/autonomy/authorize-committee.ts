import type { Actor } from "@/lib/audit/actor";
import { authorize } from "@/lib/auth/authorize";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/policy/roles";

/**
 * Accepting or dismissing a recommendation is the oversight committee's call (an admin may
 * stand in): `autonomy:decide` in the permission table. Operators at the machine (CLI) keep full
 * authority, as everywhere.
 */
export function authorizeCommittee(actor: Actor): void {
  authorize(actor, "autonomy:decide");
}

export function canDecideRecommendations(roles: readonly Role[]): boolean {
  return can(roles, "autonomy:decide");
}
