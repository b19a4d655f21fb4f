import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import { hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { createUserSchema, type CreateUserInput } from "./schemas";
import { parseOrThrow } from "@/lib/validation";

export async function createUser(db: Db, actor: Actor, input: CreateUserInput) {
  authorize(actor, "users:manage");
  const data = parseOrThrow(createUserSchema, input);
  const existing = await db.user.findUnique({ where: { email: data.email }, select: { id: true } });
  if (existing) throw new AppError("conflict", `A user with the email ${data.email} already exists.`, [{ path: "email", message: "Already in use" }]);
  const passwordHash = await hashPassword(data.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: data.email, name: data.name, roles: data.roles, passwordHash },
      select: { id: true, email: true, name: true, roles: true },
    });
    await recordAudit(tx, actor, {
      action: "user.create",
      subjectType: "user",
      subjectId: user.id,
      data: { email: user.email, roles: user.roles },
    });
    return user;
  });
}
