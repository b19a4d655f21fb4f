"use client";

import { useId } from "react";
import { describedBy, FieldMessage, INPUT } from "@/components/ui/field";

export function Text({
  label,
  value,
  onChange,
  error,
  hint,
  type = "text",
  placeholder,
  srOnlyLabel,
  suggestions,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  type?: string;
  placeholder?: string;
  srOnlyLabel?: boolean;
  /** Values the browser offers as the person types (any other value is still allowed). */
  suggestions?: readonly string[];
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className={srOnlyLabel ? "sr-only" : "block text-sm font-medium text-slate-700"}>
        {label}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        list={suggestions?.length ? `${id}-suggestions` : undefined}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={INPUT}
      />
      {suggestions?.length ? (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      ) : null}
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

export function LongText({ label, value, onChange, error, rows = 3 }: { label: string; value: string; onChange: (v: string) => void; error?: string; rows?: number }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} className={INPUT} />
      <FieldMessage id={id} error={error} />
    </div>
  );
}

export function Choice({ label, value, onChange, options, error, srOnlyLabel }: { label: string; value: string; onChange: (v: string) => void; options: readonly { value: string; label: string }[]; error?: string; srOnlyLabel?: boolean }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className={srOnlyLabel ? "sr-only" : "block text-sm font-medium text-slate-700"}>
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} className={INPUT}>
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

export function Checks({ legend, options, selected, onChange, error }: { legend: string; options: { value: string; label: string }[]; selected: string[]; onChange: (v: string[]) => void; error?: string }) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-2 text-sm">
            <input type="checkbox" checked={selected.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))} />
            {o.label}
          </label>
        ))}
      </div>
      <FieldMessage id={id} error={error} />
    </fieldset>
  );
}

export function Radios({ legend, name, value, onChange, options, error }: { legend: string; name: string; value: string; onChange: (v: string) => void; options: readonly { value: string; label: string }[]; error?: string }) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-2 text-sm">
            <input type="radio" name={`${name}-${id}`} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      <FieldMessage id={id} error={error} />
    </fieldset>
  );
}

export function SmallButton({ children, onClick, label }: { children: React.ReactNode; onClick: () => void; label: string }) {
  return (
    <button type="button" onClick={onClick} aria-label={label} className="rounded border border-slate-300 bg-white px-2 py-1 text-xs text-slate-700 hover:bg-slate-50">
      {children}
    </button>
  );
}
