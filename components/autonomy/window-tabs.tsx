import Link from "next/link";

/** The scorecard's rolling window as links (?window=…), keeping the page's other parameters. */
export function WindowTabs({ basePath, params, current, windows }: { basePath: string; params: Record<string, string | undefined>; current: number; windows: readonly number[] }) {
  return (
    <nav aria-label="Window" className="mb-4">
      <ul className="inline-flex flex-wrap rounded-lg border border-slate-200 bg-white p-1 shadow-sm">
        {windows.map((days) => {
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries({ ...params, window: String(days) })) if (value) search.set(name, value);
          const active = current === days;
          return (
            <li key={days}>
              <Link
                href={`${basePath}?${search.toString()}`}
                aria-current={active ? "page" : undefined}
                className={`block rounded-md px-3 py-1.5 text-sm ${active ? "bg-brand-600 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {days} days
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
