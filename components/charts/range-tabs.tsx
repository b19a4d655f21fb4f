import Link from "next/link";

const RANGES = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
] as const;

/** The time range as links (?range=…), keeping the page's other filters, so every view can be shared. */
export function RangeTabs({ basePath, params, current }: { basePath: string; params: Record<string, string | undefined>; current: string | null }) {
  return (
    <nav aria-label="Time range" className="mb-4">
      <ul className="inline-flex flex-wrap rounded-lg border border-slate-200 bg-white p-1 shadow-sm">
        {RANGES.map((r) => {
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries({ ...params, range: r.value })) if (value) search.set(name, value);
          const active = current === r.value;
          return (
            <li key={r.value}>
              <Link
                href={`${basePath}?${search.toString()}`}
                aria-current={active ? "page" : undefined}
                className={`block rounded-md px-3 py-1.5 text-sm ${active ? "bg-brand-600 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {r.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
