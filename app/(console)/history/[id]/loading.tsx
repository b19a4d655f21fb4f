export default function LoadingDecision() {
  return (
    <div role="status" aria-busy="true" className="space-y-4">
      <span className="sr-only">Loading the decision…</span>
      <div className="h-8 w-1/2 animate-pulse rounded bg-slate-200" />
      <div className="h-72 animate-pulse rounded-lg bg-white shadow-sm" />
    </div>
  );
}
