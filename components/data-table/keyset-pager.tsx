import Link from "next/link";

/**
 * Previous / Next for a keyset-paginated list, as plain links (they work without JavaScript and
 * from the keyboard). Keyset pages have neighbours, not numbers: there is no "page 7 of 900".
 */
export function KeysetPager({
  label,
  prevHref,
  nextHref,
  firstHref,
  pageSize,
  sizeHrefs,
  summary,
}: {
  label: string;
  prevHref: string | null;
  nextHref: string | null;
  /** Shown when the current page is not the first, to jump back to the start. */
  firstHref?: string | null;
  pageSize: number;
  sizeHrefs: { size: number; href: string }[];
  summary?: React.ReactNode;
}) {
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:border-brand-600";
  const disabled = "rounded-md border border-slate-200 bg-slate-50 px-3 py-1.5 text-sm text-slate-400";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3">
      <div className="text-sm text-slate-600">{summary}</div>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-slate-600">
          Per page:{" "}
          {sizeHrefs.map((s, i) => (
            <span key={s.size}>
              {i > 0 ? " · " : ""}
              {s.size === pageSize ? (
                <span aria-current="true" className="font-semibold text-slate-900">
                  {s.size}
                </span>
              ) : (
                <Link href={s.href} className="underline underline-offset-2" aria-label={`Show ${s.size} per page`}>
                  {s.size}
                </Link>
              )}
            </span>
          ))}
        </span>
        {firstHref ? (
          <Link href={firstHref} className={link}>
            First
          </Link>
        ) : null}
        {prevHref ? (
          <Link href={prevHref} className={link} rel="prev">
            ← Previous
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            ← Previous
          </span>
        )}
        {nextHref ? (
          <Link href={nextHref} className={link} rel="next">
            Next →
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}
