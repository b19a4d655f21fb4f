"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { TOO_MANY_ATTEMPTS } from "@/lib/auth/throttle-message";
import { signInSchema } from "@/lib/users/schemas";

type Errors = Partial<Record<"email" | "password" | "form", string>>;

export function LoginForm({ callbackUrl, sso, initialError }: { callbackUrl: string; sso: { name: string } | null; initialError?: string }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>(initialError ? { form: initialError } : {});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    const parsed = signInSchema.safeParse({ email, password });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as "email" | "password"] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setPending(true);
    const result = await signIn("credentials", { email, password, redirect: false });
    setPending(false);
    if (!result || result.error) {
      // The server's throttling message is shown as it is; every other failure looks the same.
      const throttled = result?.error && TOO_MANY_ATTEMPTS.test(result.error) ? result.error : null;
      setErrors({ form: throttled ?? "That email and password do not match an active account." });
      return;
    }
    router.push(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={errors.form ? "form-error" : undefined}>
      {errors.form ? (
        <p id="form-error" role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {errors.form}
        </p>
      ) : null}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={errors.email ? "email-error" : undefined}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm aria-invalid:border-rose-500"
        />
        {errors.email ? (
          <p id="email-error" className="mt-1 text-sm text-rose-700">
            {errors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? "password-error" : undefined}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm aria-invalid:border-rose-500"
        />
        {errors.password ? (
          <p id="password-error" className="mt-1 text-sm text-rose-700">
            {errors.password}
          </p>
        ) : null}
      </div>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {sso ? (
        <button
          type="button"
          onClick={() => void signIn("oidc", { callbackUrl })}
          className="w-full rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-50"
        >
          Continue with {sso.name}
        </button>
      ) : null}
    </form>
  );
}
