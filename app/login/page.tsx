import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/console/login-form";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { isSessionEndReason, SIGNED_OUT_MESSAGES } from "@/lib/auth/console-sessions";
import { getSessionActor } from "@/lib/auth/session";
import { TOO_MANY_ATTEMPTS } from "@/lib/auth/throttle-message";
import { getPrisma } from "@/lib/db/prisma";
import { DemoSignInHint } from "@/components/console/demo-sign-in-hint";
import { isDemoWorkspace } from "@/lib/demo/demo-workspace";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const SSO_ERRORS: Record<string, string> = {
  NotProvisioned: "Your single sign-on account has no Mandate access yet. Ask an administrator to add your email.",
  NoEmail: "Your identity provider did not share an email address.",
  OAuthSignin: "Single sign-on could not start. Try again or use your password.",
  OAuthCallback: "Single sign-on did not complete. Try again or use your password.",
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const env = getEnv();
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`);
  if (await getSessionActor()) redirect(callbackUrl);
  const error = first(params.error);
  const signedOut = first(params.signedOut);
  // A fact of the database (the demo seed ran), not of the request: a real workspace never shows demo passwords.
  const demo = await isDemoWorkspace(getPrisma());
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <span aria-hidden="true" className="mx-auto mb-3 block size-10 rounded-lg bg-brand-600" />
          <h1 className="text-2xl font-semibold">Sign in to Mandate</h1>
          <p className="mt-1 text-sm text-slate-600">Decide what your AI agents may do.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          {isSessionEndReason(signedOut) ? (
            <p role="status" className="mb-4 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-slate-800">
              {SIGNED_OUT_MESSAGES[signedOut]}
            </p>
          ) : null}
          <LoginForm
            callbackUrl={callbackUrl}
            sso={env.oidcEnabled ? { name: env.OIDC_NAME } : null}
            initialError={error ? (SSO_ERRORS[error] ?? (TOO_MANY_ATTEMPTS.test(error) ? error : "Sign-in failed. Try again.")) : undefined}
          />
        </div>
        {demo ? <DemoSignInHint /> : null}
      </div>
    </main>
  );
}
