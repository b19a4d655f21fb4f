import type { Role } from "@/lib/policy/roles";

/** Who did something. Passed explicitly to every domain function and written to the audit log. */
export type Actor =
  | { type: "user"; id: string; label: string; roles: readonly Role[] }
  | { type: "agent"; id: string; label: string }
  | { type: "cli"; id: null; label: string }
  | { type: "system"; id: null; label: string };

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "system" };

export function cliActor(osUser: string): Actor {
  return { type: "cli", id: null, label: `cli:${osUser}` };
}
