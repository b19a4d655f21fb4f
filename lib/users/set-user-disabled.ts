import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import { endUserSessions } from "@/lib/auth/console-sessions";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { lockAdministratorChanges } from "./admin-lock";
import { setUserDisabledSchema } from "./schemas";

/**
 * Disables a person (they cannot sign in, and every open session of theirs ends for good, so
 * enabling them again does not revive an old cookie) or enables them again, with the reason in the audit log. Nobody disables themselves,
 * and the last active administrator stays.
 */
export async function setUserDisabled(db: Db, actor: Actor, input: { userId: string; disabled: boolean; reason: string }) {
  authorize(actor, "users:manage");
  const data = parseOrThrow(setUserDisabledSchema, input);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: data.userId }, select: { id: true, email: true, name: true, roles: true, disabled: true } });
    if (!user) throw new AppError("not_found", "That user does not exist.");
    if (user.disabled === data.disabled) return user;
    if (data.disabled && actor.type === "user" && actor.id === user.id) {
      throw new AppError("conflict", "You cannot disable yourself: ask another administrator.");
    }
    if (data.disabled && user.roles.includes("admin")) {
      await lockAdministratorChanges(tx);
      const admins = await tx.user.count({ where: { roles: { has: "admin" }, disabled: false } });
      if (admins <= 1) throw new AppError("conflict", "This is the last active administrator: make someone else an administrator first.");
    }
    const updated = await tx.user.update({ where: { id: user.id }, data: { disabled: data.disabled }, select: { id: true, email: true, name: true, roles: true, disabled: true } });
    const sessionsEnded = data.disabled ? await endUserSessions(tx, user.id, "disabled") : 0;
    await recordAudit(tx, actor, {
      action: data.disabled ? "user.disable" : "user.enable",
      subjectType: "user",
      subjectId: user.id,
      data: { email: user.email, reason: data.reason, ...(data.disabled ? { sessions_ended: sessionsEnded } : {}) },
    });
    return updated;
  });
}
