import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db/prisma";
import type { Role } from "@/lib/policy/roles";

/** A session lives 12 hours from sign-in, whatever the person does; activity never extends it. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** A session nobody used for 30 minutes ends. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
// `last_seen_at` is written at most once a minute per session, so reading pages costs no writes.
const TOUCH_EVERY_MS = 60 * 1000;

export type SessionEndReason = "signed_out" | "signed_out_everywhere" | "expired" | "idle" | "disabled" | "roles_changed" | "password_changed" | "unknown";

export type SessionState =
  | { status: "active"; sessionId: string; user: { id: string; email: string; name: string; roles: Role[] } }
  | { status: "ended"; reason: SessionEndReason };

/** Starts a session at sign-in; the returned id is the only thing the session cookie carries. */
export async function startConsoleSession(db: Db, input: { userId: string; clientAddress: string | null; now?: Date }): Promise<string> {
  const now = input.now ?? new Date();
  const id = randomBytes(32).toString("base64url");
  await db.consoleSession.create({
    data: { id, userId: input.userId, clientAddress: input.clientAddress, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) },
  });
  return id;
}

interface SessionRow {
  id: string;
  user_id: string;
  last_seen_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  email: string;
  name: string;
  roles: Role[];
  disabled: boolean;
}

/**
 * The check every console request makes: one primary-key read of the session joined to its
 * user (no in-process cache, so an ended session stops at the very next request on every
 * server). A session past its lifetime or idle timeout is ended here, with the reason kept.
 */
export async function readConsoleSession(db: Db, sessionId: unknown, now = new Date()): Promise<SessionState> {
  if (typeof sessionId !== "string" || sessionId.length === 0 || sessionId.length > 100) return { status: "ended", reason: "unknown" };
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, s.ended_at, s.end_reason, u.email, u.name, u.roles::text[] AS roles, u.disabled
      FROM console_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ${sessionId}`;
  const row = rows[0];
  if (!row) return { status: "ended", reason: "unknown" };
  if (row.ended_at) return { status: "ended", reason: (row.end_reason as SessionEndReason | null) ?? "unknown" };
  // Disabling ends every session too; this is the belt to that pair of braces.
  if (row.disabled) return { status: "ended", reason: "disabled" };
  const expired: SessionEndReason | null = now >= row.expires_at ? "expired" : now.getTime() - row.last_seen_at.getTime() >= SESSION_IDLE_MS ? "idle" : null;
  if (expired) {
    await endConsoleSession(db, row.id, expired, now);
    return { status: "ended", reason: expired };
  }
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.consoleSession.updateMany({ where: { id: row.id, endedAt: null }, data: { lastSeenAt: now } });
  }
  return { status: "active", sessionId: row.id, user: { id: row.user_id, email: row.email, name: row.name, roles: row.roles } };
}

export async function endConsoleSession(db: Db | Tx, sessionId: string, reason: SessionEndReason, now = new Date()): Promise<boolean> {
  const ended = await db.consoleSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now, endReason: reason } });
  return ended.count > 0;
}

/** Ends every open session of a person (sign out everywhere, disabling, a role or password change). */
export async function endUserSessions(db: Db | Tx, userId: string, reason: SessionEndReason, now = new Date()): Promise<number> {
  const ended = await db.consoleSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: now, endReason: reason } });
  return ended.count;
}

/** The words the sign-in page shows to someone whose session ended. */
export const SIGNED_OUT_MESSAGES: Record<SessionEndReason, string> = {
  signed_out: "You were signed out. Sign in again to continue.",
  signed_out_everywhere: "You were signed out on every device. Sign in again to continue.",
  expired: "You were signed out because your session reached its 12-hour limit. Sign in again to continue.",
  idle: "You were signed out after 30 minutes without activity. Sign in again to continue.",
  disabled: "You were signed out: your account was disabled.",
  roles_changed: "You were signed out because your roles changed. Sign in again to continue with your new roles.",
  password_changed: "You were signed out because your password changed. Sign in with the new one.",
  unknown: "You were signed out. Sign in again to continue.",
};

export function isSessionEndReason(value: unknown): value is SessionEndReason {
  return typeof value === "string" && Object.hasOwn(SIGNED_OUT_MESSAGES, value);
}
