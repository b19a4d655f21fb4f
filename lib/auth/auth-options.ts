import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { recordAudit } from "@/lib/audit/record-audit";
import { getPrisma } from "@/lib/db/prisma";
import { getEnv } from "@/lib/env";
import { clientAddressFrom } from "@/lib/server/client-address";
import { safeCallbackUrl } from "./callback-url";
import { endConsoleSession, readConsoleSession, SESSION_LIFETIME_MS } from "./console-sessions";
import { checkSignInThrottle, recordSignInFailure } from "./sign-in-throttle";
import { recordSignIn, signInWithPassword } from "./sign-in-with-password";
import { tooManyAttemptsMessage } from "./throttle-message";
import { componentLogger } from "@/lib/logger";

/** Thrown by the jwt callback for a cookie whose session ended: next-auth then clears the cookie. */
class SessionEndedError extends Error {}

function oidcProvider() {
  const env = getEnv();
  if (!env.oidcEnabled) return [];
  return [
    {
      id: "oidc",
      name: env.OIDC_NAME,
      type: "oauth" as const,
      wellKnown: `${env.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce" as const, "state" as const],
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? profile.sub };
      },
    },
  ];
}

async function requestAddress(): Promise<string> {
  try {
    return clientAddressFrom(await headers());
  } catch {
    return "unknown";
  }
}

/**
 * The session cookie is next-auth's encrypted JWT holding only the user id and the id of a row
 * in console_sessions (lib/auth/console-sessions.ts). That row, not the cookie, decides whether
 * the session is alive: the jwt callback refuses a cookie whose row ended.
 */
export function getAuthOptions(): AuthOptions {
  return {
    // The cookie may outlive the session; the session row's own lifetime is what counts.
    session: { strategy: "jwt", maxAge: SESSION_LIFETIME_MS / 1000 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const result = await signInWithPassword(getPrisma(), {
            email: credentials?.email,
            password: credentials?.password,
            clientAddress: clientAddressFrom(req?.headers as Record<string, string> | undefined),
          });
          // next-auth hands a thrown message to the sign-in form as the error.
          if (!result.ok && result.reason === "throttled") throw new Error(result.message);
          if (!result.ok) return null;
          return { id: result.user.id, email: result.user.email, name: result.user.name, sid: result.sessionId };
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        // SSO signs in people an administrator has already added (by email), never strangers.
        const email = user.email?.toLowerCase();
        if (!email) return "/login?error=NoEmail";
        const db = getPrisma();
        const existing = await db.user.findUnique({ where: { email } });
        // An SSO callback for someone without access counts as a failed sign-in, like a wrong password.
        const address = await requestAddress();
        const throttle = await checkSignInThrottle(db, { email, address, userId: existing?.id ?? null });
        if (throttle.blocked) return `/login?error=${encodeURIComponent(tooManyAttemptsMessage(throttle.retryAfterSeconds))}`;
        if (!existing || existing.disabled) {
          await recordSignInFailure(db, { email, address });
          return "/login?error=NotProvisioned";
        }
        (user as { sid?: string }).sid = await recordSignIn(db, { userId: existing.id, email, method: "oidc", clientAddress: address });
        (user as { uid?: string }).uid = existing.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const signedIn = user as { id: string; uid?: string; sid?: string };
          return { ...token, uid: signedIn.uid ?? signedIn.id, sid: signedIn.sid, sessionEndsAt: Date.now() + SESSION_LIFETIME_MS };
        }
        const state = await readConsoleSession(getPrisma(), token.sid);
        if (state.status !== "active") throw new SessionEndedError(state.reason);
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        // The session's own end, not the cookie's (which next-auth moves forward on every read).
        if (typeof token.sessionEndsAt === "number") session.expires = new Date(token.sessionEndsAt).toISOString();
        return session;
      },
      // Only the console's own origin, whatever next-auth was handed (lib/auth/callback-url.ts).
      async redirect({ url, baseUrl }) {
        return new URL(safeCallbackUrl(url, baseUrl), baseUrl).toString();
      },
    },
    events: {
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid !== "string") return;
        const db = getPrisma();
        const state = await readConsoleSession(db, sid);
        if (state.status !== "active") return;
        await db.$transaction(async (tx) => {
          await endConsoleSession(tx, sid, "signed_out");
          const { user } = state;
          await recordAudit(tx, { type: "user", id: user.id, label: user.email, roles: user.roles }, { action: "user.sign_out", subjectType: "user", subjectId: user.id, data: {} });
        });
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session is an expected answer, not an error worth a stack trace.
        const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (code === "JWT_SESSION_ERROR" && cause instanceof SessionEndedError) return;
        componentLogger("auth").error({ code, err: cause instanceof Error ? cause : undefined, metadata: cause instanceof Error ? undefined : metadata }, "sign-in error");
      },
    },
  };
}
