import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import { endUserSessions } from "@/lib/auth/console-sessions";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/policy/roles";
import { parseOrThrow } from "@/lib/validation";
import { lockAdministratorChanges } from "./admin-lock";
import { updateUserRolesSchema } from "./schemas";

/** Sets a person's roles. A change ends their open sessions: they sign in again under the new roles. */
export async function updateUserRoles(db: Db, actor: Actor, input: { userId: string; roles: Role[] }) {
  authorize(actor, "users:manage");
  const data = parseOrThrow(updateUserRolesSchema, input);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: data.userId }, select: { id: true, roles: true, email: true } });
    if (!user) throw new AppError("not_found", "That user does not exist.");
    if (user.roles.includes("admin") && !data.roles.includes("admin")) {
      await lockAdministratorChanges(tx);
      const admins = await tx.user.count({ where: { roles: { has: "admin" }, disabled: false } });
      if (admins <= 1) throw new AppError("conflict", "This is the last administrator: grant admin to someone else first.", [{ path: "roles", message: "Keep at least one administrator" }]);
    }
    await tx.user.update({ where: { id: user.id }, data: { roles: data.roles } });
    const changed = user.roles.length !== data.roles.length || user.roles.some((role) => !data.roles.includes(role));
    const sessionsEnded = changed ? await endUserSessions(tx, user.id, "roles_changed") : 0;
    await recordAudit(tx, actor, {
      action: "user.roles_change",
      subjectType: "user",
      subjectId: user.id,
      data: { email: user.email, from: user.roles, to: data.roles, sessions_ended: sessionsEnded },
    });
  });
}
