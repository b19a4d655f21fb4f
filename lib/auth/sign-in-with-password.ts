import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { signInSchema } from "@/lib/users/schemas";
import { startConsoleSession } from "./console-sessions";
import { generatePassword, hashPassword, verifyPassword } from "./password";
import { ATTACK_ALERT_FAILURES, checkSignInThrottle, clearSignInFailures, recordSignInFailure } from "./sign-in-throttle";
import { tooManyAttemptsMessage } from "./throttle-message";

// An unknown email is checked against a decoy hash so it costs as much as a wrong password.
let decoyHash: Promise<string> | null = null;
function getDecoyHash(): Promise<string> {
  return (decoyHash ??= hashPassword(generatePassword()));
}

export type PasswordSignIn =
  | { ok: true; user: { id: string; email: string; name: string }; sessionId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number; message: string };

/**
 * A sign-in with email and password from one client address: refused without a look at the
 * password while the client is throttled (lib/auth/sign-in-throttle.ts); otherwise checked,
 * counted when wrong, and on success a new console session is started.
 */
export async function signInWithPassword(db: Db, input: { email: unknown; password: unknown; clientAddress: string }): Promise<PasswordSignIn> {
  const parsed = signInSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, roles: true, disabled: true, passwordHash: true } });

  const throttle = await checkSignInThrottle(db, { email, address: input.clientAddress, userId: user?.id ?? null });
  if (throttle.blocked) {
    return { ok: false, reason: "throttled", retryAfterSeconds: throttle.retryAfterSeconds, message: tooManyAttemptsMessage(throttle.retryAfterSeconds) };
  }

  const matches = await verifyPassword(user?.passwordHash ?? (await getDecoyHash()), password);
  if (!user || !matches || user.disabled) {
    // A disabled account with the right password is not a guess: it is not counted.
    const counted = !matches ? await recordSignInFailure(db, { email, address: input.clientAddress }) : null;
    if (user) {
      await db.$transaction(async (tx) => {
        await recordAudit(tx, SYSTEM_ACTOR, {
          action: "user.sign_in_failed",
          subjectType: "user",
          subjectId: user.id,
          data: { reason: user.disabled ? "disabled" : "bad_password", address: input.clientAddress },
        });
        if (counted?.accountFailures === ATTACK_ALERT_FAILURES) {
          await recordAudit(tx, SYSTEM_ACTOR, {
            action: "user.sign_in_under_attack",
            subjectType: "user",
            subjectId: user.id,
            data: { email: user.email, failures: counted.accountFailures, last_address: input.clientAddress },
          });
        }
      });
    }
    return { ok: false, reason: "invalid" };
  }

  await clearSignInFailures(db, { email, address: input.clientAddress });
  const sessionId = await recordSignIn(db, { userId: user.id, email: user.email, method: "password", clientAddress: input.clientAddress });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name }, sessionId };
}

/** Records a successful sign-in (any method) and starts its session. */
export async function recordSignIn(db: Db, input: { userId: string; email: string; method: string; clientAddress: string | null }): Promise<string> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: input.userId }, data: { lastLoginAt: new Date() }, select: { roles: true } });
    await recordAudit(tx, { type: "user", id: input.userId, label: input.email, roles: user.roles }, {
      action: "user.sign_in",
      subjectType: "user",
      subjectId: input.userId,
      data: { method: input.method },
    });
  });
  return startConsoleSession(db, { userId: input.userId, clientAddress: input.clientAddress });
}
