import type { Actor } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import { can, type Permission } from "./permissions";

/**
 * The server-side check every mutation starts with. Operators at the machine (CLI) and the
 * system itself act with full authority; agents never hold console permissions.
 */
export function authorize(actor: Actor, permission: Permission): void {
  if (actor.type === "cli" || actor.type === "system") return;
  if (actor.type === "user" && can(actor.roles, permission)) return;
  throw new AppError("forbidden", "You are not permitted to do this.");
}
