import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/prisma";
import { isDemoWorkspace } from "@/lib/demo/demo-workspace";

/**
 * On first start (no user at all), creates the first administrator from the given credentials or
 * a generated one-time password that the caller prints once. Returns null when users exist, and
 * in the demo workspace, which has its own administrator (README, "Demo accounts").
 */
export async function bootstrapAdmin(
  db: Db,
  credentials: { email?: string; password?: string },
): Promise<{ email: string; generatedPassword: string | null } | null> {
  if ((await db.user.count()) > 0 || (await isDemoWorkspace(db))) return null;
  const email = (credentials.email ?? "admin@mandate.local").toLowerCase();
  const generatedPassword = credentials.password ? null : generatePassword();
  const passwordHash = await hashPassword(credentials.password ?? generatedPassword!);
  return db.$transaction(async (tx) => {
    // Another process may have bootstrapped meanwhile.
    if ((await tx.user.count()) > 0) return null;
    const user = await tx.user.create({ data: { email, name: "Administrator", roles: ["admin"], passwordHash } });
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "user.bootstrap_admin",
      subjectType: "user",
      subjectId: user.id,
      data: { email, generated: generatedPassword !== null },
    });
    return { email, generatedPassword };
  });
}
