// Controls for a server-filtered table: plain GET form fields, so filters live in the URL, survive
// a reload and can be linked to. Ids are derived from the name; one filter form per page.

const CONTROL = "mt-1 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-invalid:border-rose-500";

export function FilterSelect({
  name,
  label,
  value,
  options,
  anyLabel = "All",
  error,
}: {
  name: string;
  label: string;
  value?: string;
  options: readonly (string | { value: string; label: string })[];
  /** The empty option's text; null for a select that always has a value. */
  anyLabel?: string | null;
  error?: string;
}) {
  const id = `filter-${name}`;
  const list = options.map((o) => (typeof o === "string" ? { value: o, label: o } : o));
  // A value from a link (an action no longer in the policy, an agent's id) still shows as chosen.
  if (value && !list.some((o) => o.value === value)) list.unshift({ value, label: value });
  return (
    <div className="max-w-full">
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} className={CONTROL}>
        {anyLabel !== null ? <option value="">{anyLabel}</option> : null}
        {list.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="mt-1 max-w-48 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FilterText({
  name,
  label,
  value,
  placeholder,
  error,
  width = "w-40",
  type = "text",
}: {
  name: string;
  label: string;
  value?: string;
  placeholder?: string;
  error?: string;
  width?: string;
  /** "date" for a whole day: the browser's date picker, and a value always YYYY-MM-DD. */
  type?: "text" | "date";
}) {
  const id = `filter-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${CONTROL} ${width}`}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 max-w-48 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
