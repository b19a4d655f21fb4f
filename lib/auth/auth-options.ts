import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { getPrisma } from "@/lib/db/prisma";
import { getEnv } from "@/lib/env";
import { signInSchema } from "@/lib/users/schemas";
import { generatePassword, hashPassword, verifyPassword } from "./password";

// An unknown email is checked against a decoy hash so it costs as much as a wrong password.
let decoyHash: Promise<string> | null = null;
function getDecoyHash(): Promise<string> {
  return (decoyHash ??= hashPassword(generatePassword()));
}

async function recordSignIn(userId: string, email: string, method: string): Promise<void> {
  const db = getPrisma();
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() }, select: { roles: true, name: true } });
    await recordAudit(tx, { type: "user", id: userId, label: email, roles: user.roles }, {
      action: "user.sign_in",
      subjectType: "user",
      subjectId: userId,
      data: { method },
    });
  });
}

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

export function getAuthOptions(): AuthOptions {
  return {
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const db = getPrisma();
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          const ok = await verifyPassword(user?.passwordHash ?? (await getDecoyHash()), parsed.data.password);
          if (!user || !ok || user.disabled) {
            if (user) {
              await db.$transaction((tx) =>
                recordAudit(tx, SYSTEM_ACTOR, {
                  action: "user.sign_in_failed",
                  subjectType: "user",
                  subjectId: user.id,
                  data: { reason: user.disabled ? "disabled" : "bad_password" },
                }),
              );
            }
            return null;
          }
          await recordSignIn(user.id, user.email, "password");
          return { id: user.id, email: user.email, name: user.name };
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
        const existing = await getPrisma().user.findUnique({ where: { email } });
        if (!existing || existing.disabled) return "/login?error=NotProvisioned";
        await recordSignIn(existing.id, email, "oidc");
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc") {
          const existing = await getPrisma().user.findUnique({ where: { email: user.email!.toLowerCase() }, select: { id: true } });
          token.uid = existing?.id;
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
}
