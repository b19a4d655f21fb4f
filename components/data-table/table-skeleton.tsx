/** What a server-paged table looks like while its page loads: same frame, no jumping layout. */
export function TableSkeleton({ label, columns = 7, rows = 8 }: { label: string; columns?: number; rows?: number }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="space-y-3">
      <span className="sr-only">Loading {label}…</span>
      <div className="h-9 w-full max-w-3xl animate-pulse rounded-md bg-slate-200" />
      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        <div className="h-9 bg-slate-50" />
        {Array.from({ length: rows }, (_, r) => (
          <div key={r} className="flex gap-4 border-t border-slate-100 px-3 py-3">
            {Array.from({ length: columns }, (_, c) => (
              <div key={c} className="h-4 flex-1 animate-pulse rounded bg-slate-100" />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
