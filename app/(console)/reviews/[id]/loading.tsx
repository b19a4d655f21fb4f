export default function LoadingReviewCase() {
  return (
    <div role="status" aria-busy="true" className="space-y-4">
      <span className="sr-only">Loading the case…</span>
      <div className="h-8 w-2/3 animate-pulse rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="h-64 animate-pulse rounded-lg bg-white shadow-sm" />
        <div className="h-64 animate-pulse rounded-lg bg-white shadow-sm" />
      </div>
    </div>
  );
}
