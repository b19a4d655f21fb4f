import { ROLE_LABELS } from "@/lib/auth/permissions";
import { DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/demo-credentials";

/** Shown on the sign-in page of the demo workspace only: its accounts are public (README, "Demo accounts"). */
export function DemoSignInHint() {
  return (
    <section aria-labelledby="demo-accounts-title" className="mt-4 rounded-lg border border-brand-100 bg-brand-50 p-4 text-sm text-slate-800">
      <h2 id="demo-accounts-title" className="font-semibold">
        This is the demo workspace
      </h2>
      <p className="mt-1">
        Sign in as any demo account below with the password <code className="rounded bg-white px-1 font-mono">{DEMO_PASSWORD}</code> (also in the README, under
        &ldquo;Demo accounts&rdquo;).
      </p>
      <ul className="mt-2 space-y-0.5" aria-label="Demo accounts">
        {DEMO_USERS.map((user) => (
          <li key={user.email} className="flex flex-wrap justify-between gap-x-3">
            <span className="font-mono text-xs leading-5 break-all">{user.email}</span>
            <span className="text-xs leading-5 text-slate-600">{user.roles.map((role) => ROLE_LABELS[role]).join(", ")}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
