import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "@/lib/audit/actor";
import { getPrisma } from "@/lib/db/prisma";
import { getEnv } from "@/lib/env";
import { readConsoleSession, type SessionEndReason } from "./console-sessions";
import { can, type Permission } from "./permissions";

export type UserActor = Extract<Actor, { type: "user" }> & { email: string; name: string; sessionId: string };

type ConsoleSessionState = { status: "none" } | { status: "ended"; reason: SessionEndReason } | { status: "active"; actor: UserActor };

/**
 * The session behind this request's cookie: one primary-key read of its console_sessions row
 * joined to the user (fresh roles, disabled accounts refused), once per request.
 */
export const getConsoleSession = cache(async (): Promise<ConsoleSessionState> => {
  const secret = getEnv().NEXTAUTH_SECRET;
  const token = await getToken({ req: { cookies: await cookies(), headers: {} } as never, secret });
  if (!token) return { status: "none" };
  const state = await readConsoleSession(getPrisma(), token.sid);
  if (state.status !== "active") return state;
  const { user } = state;
  return { status: "active", actor: { type: "user", id: user.id, label: user.email, email: user.email, name: user.name, roles: user.roles, sessionId: state.sessionId } };
});

/** The signed-in person, or null. */
export async function getSessionActor(): Promise<UserActor | null> {
  const state = await getConsoleSession();
  return state.status === "active" ? state.actor : null;
}

/** A page or action without a live session goes to sign-in, saying why when the session ended. */
export async function requireUser(): Promise<UserActor> {
  const state = await getConsoleSession();
  if (state.status === "active") return state.actor;
  redirect(state.status === "ended" ? `/login?signedOut=${state.reason}` : "/login");
}

/** For pages: a person without the permission gets the "not permitted" page (HTTP 403). */
export async function requirePermission(permission: Permission): Promise<UserActor> {
  const actor = await requireUser();
  if (!can(actor.roles, permission)) forbidden();
  return actor;
}
