import { PageHeader } from "@/components/ui/page-header";

export default function LoadingDashboards() {
  return (
    <>
      <PageHeader title="Dashboards" />
      <div role="status" aria-live="polite" aria-busy="true">
        <span className="sr-only">Loading dashboards…</span>
        <div className="mb-4 h-10 w-80 max-w-full animate-pulse rounded-lg bg-slate-200" />
        <div className="mb-4 h-16 w-full animate-pulse rounded-lg bg-slate-200" />
        <div className="grid gap-4 lg:grid-cols-2">
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <div className="h-4 w-48 animate-pulse rounded bg-slate-200" />
              <div className="mt-2 h-3 w-72 max-w-full animate-pulse rounded bg-slate-100" />
              <div className="mt-4 h-60 animate-pulse rounded bg-slate-100" />
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
