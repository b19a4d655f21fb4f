"use client";

import { useEffect, useId, useRef } from "react";

/** The box of every text input, select and textarea in the console. */
export const INPUT = "mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-invalid:border-rose-500";

/** The ids a field's `aria-describedby` names: its error and its hint, when shown. */
export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

/** A field's hint and error below it, with the ids `describedBy` names. */
export function FieldMessage({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </>
  );
}

export function TextField({
  label,
  name,
  defaultValue,
  error,
  hint,
  type = "text",
  required,
  placeholder,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  error?: string;
  hint?: string;
  type?: string;
  required?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={id} name={name} type={type} defaultValue={defaultValue} required={required} placeholder={placeholder} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={INPUT} />
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

export function SelectField({ label, name, options, defaultValue, error }: { label: string; name: string; options: { value: string; label: string }[]; defaultValue?: string; error?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} name={name} defaultValue={defaultValue} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} className={INPUT}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldMessage id={id} error={error} />
    </div>
  );
}

/**
 * A form's outcome. After a refused submit, focus goes to the first field marked invalid in the
 * same form, or to this message: the submit button was disabled while the action ran, which left
 * focus on the page itself, far from what needs fixing.
 */
export function FormMessage({ state }: { state: { ok: boolean | null; message?: string } }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.ok !== false) return;
    // Only when focus is lost or still in this form: never pull someone out of another form they moved on to.
    const form = ref.current?.closest("form");
    const active = document.activeElement;
    if (active && active !== document.body && !(form && form.contains(active))) return;
    const invalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, select, textarea)');
    (invalid ?? ref.current)?.focus();
  }, [state]);
  if (state.ok === null || !state.message) return null;
  return (
    <p ref={ref} tabIndex={-1} role={state.ok ? "status" : "alert"} className={`rounded-md border px-3 py-2 text-sm ${state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>
      {state.message}
    </p>
  );
}

export function SubmitButton({ children, pending, tone = "primary" }: { children: React.ReactNode; pending: boolean; tone?: "primary" | "danger" | "secondary" }) {
  const tones = {
    primary: "bg-brand-600 text-white hover:bg-brand-700",
    danger: "bg-rose-600 text-white hover:bg-rose-700",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
  };
  return (
    <button type="submit" disabled={pending} className={`rounded-md px-3 py-2 text-sm font-medium shadow-sm disabled:opacity-60 ${tones[tone]}`}>
      {pending ? "Working…" : children}
    </button>
  );
}
