import type { Db } from "@/lib/db/prisma";

/**
 * Failed sign-ins slow the guesser down, never the person who types the right password:
 * only failures count, and each count forgets after an hour without failures.
 *
 * - account + address: 5 free failures, then 1, 2, 4, 8 and at most 15 minutes between tries.
 *   This is what stops one client guessing one account.
 * - address: 20 free failures over any accounts (an office behind one address mistypes too),
 *   then the same delays. This stops one client spraying many accounts.
 * - account, from every address: 20 free failures, then the same delays, but only for addresses
 *   that never held a session of this account. An attacker spread over many addresses can slow
 *   strangers down, never keep the supervisor at their usual desk out: a lockout by account
 *   alone would be a lever for anyone to lock out anyone.
 *
 * At 10 failures on one account an audit entry is written and the Users page warns administrators.
 */
export const THROTTLE_RULES = {
  accountAddress: { free: 5 },
  address: { free: 20 },
  account: { free: 20 },
} as const;
export const ATTACK_ALERT_FAILURES = 10;
const FORGET_AFTER_MS = 60 * 60 * 1000;
const MAX_DELAY_MS = 15 * 60 * 1000;

type Scope = keyof typeof THROTTLE_RULES;

function keysFor(email: string, address: string): Record<Scope, string> {
  return { accountAddress: `account+address:${email}|${address}`, address: `address:${address}`, account: `account:${email}` };
}

/** The pause after `failures` failures once `free` are used up: 1 minute, doubling, at most 15. */
export function throttleDelayMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 60_000 * 2 ** (failures - free));
}

export type ThrottleCheck = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/** Whether this client may try this account now. Reads at most three rows by primary key. */
export async function checkSignInThrottle(db: Db, input: { email: string; address: string; userId: string | null; now?: Date }): Promise<ThrottleCheck> {
  const now = input.now ?? new Date();
  const keys = keysFor(input.email, input.address);
  const rows = await db.signInThrottle.findMany({ where: { key: { in: Object.values(keys) }, blockedUntil: { gt: now } }, select: { key: true, blockedUntil: true } });
  let until = 0;
  for (const row of rows) {
    if (row.key === keys.account && (await isKnownAddress(db, input.userId, input.address))) continue;
    until = Math.max(until, row.blockedUntil!.getTime());
  }
  return until > now.getTime() ? { blocked: true, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) } : { blocked: false };
}

async function isKnownAddress(db: Db, userId: string | null, address: string): Promise<boolean> {
  if (!userId) return false;
  return (await db.consoleSession.count({ where: { userId, clientAddress: address } })) > 0;
}

/**
 * Counts one failure under every key and starts a pause where a count passed its free tries.
 * Returns the account's count (all addresses), so the caller can raise the alert once.
 */
export async function recordSignInFailure(db: Db, input: { email: string; address: string; now?: Date }): Promise<{ accountFailures: number }> {
  const now = input.now ?? new Date();
  const keys = keysFor(input.email, input.address);
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  let accountFailures = 0;
  for (const scope of Object.keys(keys) as Scope[]) {
    const rows = await db.$queryRaw<{ failures: number }[]>`
      INSERT INTO sign_in_throttles (key, failures, last_failure_at) VALUES (${keys[scope]}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN sign_in_throttles.last_failure_at < ${forgetBefore} THEN 1 ELSE sign_in_throttles.failures + 1 END,
        last_failure_at = EXCLUDED.last_failure_at
      RETURNING failures`;
    const failures = rows[0]!.failures;
    if (scope === "account") accountFailures = failures;
    const delay = throttleDelayMs(failures, THROTTLE_RULES[scope].free);
    if (delay > 0) await db.signInThrottle.update({ where: { key: keys[scope] }, data: { blockedUntil: new Date(now.getTime() + delay) } });
  }
  return { accountFailures };
}

/** A correct password clears this client's count for this account (never the address's or the account's). */
export async function clearSignInFailures(db: Db, input: { email: string; address: string }): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: keysFor(input.email, input.address).accountAddress } });
}

/** Accounts with many recent failed sign-ins, for the administrators' alert. */
export async function listAccountsUnderAttack(db: Db, now = new Date()): Promise<{ email: string; failures: number; lastFailureAt: Date }[]> {
  const rows = await db.signInThrottle.findMany({
    where: { key: { startsWith: "account:" }, failures: { gte: ATTACK_ALERT_FAILURES }, lastFailureAt: { gte: new Date(now.getTime() - FORGET_AFTER_MS) } },
    orderBy: { lastFailureAt: "desc" },
    take: 20,
  });
  return rows.map((row) => ({ email: row.key.slice("account:".length), failures: row.failures, lastFailureAt: row.lastFailureAt }));
}
