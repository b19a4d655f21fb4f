import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/console/login-form";
import { getSessionActor } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const SSO_ERRORS: Record<string, string> = {
  NotProvisioned: "Your single sign-on account has no Mandate access yet. Ask an administrator to add your email.",
  NoEmail: "Your identity provider did not share an email address.",
  OAuthSignin: "Single sign-on could not start. Try again or use your password.",
  OAuthCallback: "Single sign-on did not complete. Try again or use your password.",
};

function safeCallback(value: string | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const params = await searchParams;
  if (await getSessionActor()) redirect(safeCallback(params.callbackUrl));
  const env = getEnv();
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <span aria-hidden="true" className="mx-auto mb-3 block size-10 rounded-lg bg-brand-600" />
          <h1 className="text-2xl font-semibold">Sign in to Mandate</h1>
          <p className="mt-1 text-sm text-slate-600">Decide what your AI agents may do.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <LoginForm
            callbackUrl={safeCallback(params.callbackUrl)}
            sso={env.oidcEnabled ? { name: env.OIDC_NAME } : null}
            initialError={params.error ? (SSO_ERRORS[params.error] ?? "Sign-in failed. Try again.") : undefined}
          />
        </div>
      </div>
    </main>
  );
}
