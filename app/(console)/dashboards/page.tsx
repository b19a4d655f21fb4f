import type { Metadata } from "next";
import Link from "next/link";
import { DashboardGrid } from "@/components/charts/dashboard-grid";
import { formatPercent } from "@/components/charts/format";
import { RangeTabs } from "@/components/charts/range-tabs";
import { FilterSelect } from "@/components/data-table/filter-fields";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatMoney } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requirePermission } from "@/lib/auth/session";
import { getDashboard } from "@/lib/dashboards/get-dashboard";
import { parseDashboardQuery } from "@/lib/dashboards/schemas";
import type { Dashboard } from "@/lib/dashboards/types";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError, type FieldError } from "@/lib/errors";
import { getPolicyLabels, labelOptions, type PolicyLabels } from "@/lib/policy/policy-labels";
import { getCurrentPolicy } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Dashboards" };

const PARAMS = ["range", "action", "agent", "tier"] as const;
type Params = Partial<Record<(typeof PARAMS)[number], string>>;

function readParams(raw: Record<string, string | string[] | undefined>): Params {
  const out: Params = {};
  for (const name of PARAMS) {
    const value = (Array.isArray(raw[name]) ? raw[name][0] : raw[name])?.trim();
    if (value) out[name] = value;
  }
  return out;
}

function Filters({ params, options, labels, errors }: { params: Params; options: Dashboard["options"] | null; labels: PolicyLabels; errors: Record<string, string> }) {
  const agents = (options?.agents ?? []).map((a) => ({ value: a.name, label: a.name }));
  return (
    <form action="/dashboards" aria-label="Dashboard filters" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      {params.range ? <input type="hidden" name="range" value={params.range} /> : null}
      <FilterSelect name="action" label="Action" value={params.action} options={labelOptions(labels, "action", options?.actions ?? []).sort((a, b) => a.label.localeCompare(b.label))} error={errors.action} />
      <FilterSelect name="agent" label="Agent" value={params.agent} options={agents} error={errors.agent} />
      <FilterSelect name="tier" label="Tier" value={params.tier} options={labelOptions(labels, "tier", options?.tiers ?? [])} error={errors.tier} />
      <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700">
        Apply
      </button>
      {params.action || params.agent || params.tier ? (
        <Link href={params.range ? `/dashboards?range=${params.range}` : "/dashboards"} className="py-1.5 text-sm text-slate-600 underline underline-offset-4">
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}

export default async function DashboardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("dashboards:read");
  const params = readParams(await searchParams);
  const header = (
    <PageHeader
      title="Dashboards"
      description="What agents did and what people did about it, for the oversight committee. Every chart has its numbers in a table and links into the filtered history."
      actions={
        <Link href={params.range ? `/dashboards/approvers?range=${params.range}` : "/dashboards/approvers"} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50">
          Rubber-stamp watch
        </Link>
      }
    />
  );

  const labels = await getPolicyLabels(getPrisma());
  let dashboard: Dashboard | null = null;
  let problem: { message: string; errors: Record<string, string> } | null = null;
  try {
    const search = new URLSearchParams(params as Record<string, string>);
    dashboard = await getDashboard(getPrisma(), parseDashboardQuery(search), new Date());
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    problem = { message: error.message, errors: Object.fromEntries((error.errors ?? []).map((e: FieldError) => [e.path || "form", e.message])) };
  }

  if (!dashboard) {
    // The menus still list what can be chosen, so a bad filter can be corrected in place.
    const db = getPrisma();
    const [policy, agents] = await Promise.all([getCurrentPolicy(db), db.agent.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } })]);
    const options = { actions: (policy?.document.actions ?? []).map((a) => a.key).sort(), agents, tiers: (policy?.document.risk_tiers ?? []).map((t) => t.key) };
    return (
      <>
        {header}
        <RangeTabs basePath="/dashboards" params={params} current={null} />
        <Filters params={params} options={options} labels={labels} errors={problem?.errors ?? {}} />
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {problem?.message} {problem?.errors.range ?? ""}
        </p>
      </>
    );
  }

  const { volume, autonomy, approvals, money, frame, currency } = dashboard;
  const total = Number(volume.totals.total ?? 0);
  return (
    <>
      {header}
      <RangeTabs basePath="/dashboards" params={params} current={dashboard.filter.range} />
      <Filters params={params} options={dashboard.options} labels={labels} errors={{}} />
      <p className="mb-4 text-xs text-slate-500">
        {formatDateTime(frame.from)} to {formatDateTime(frame.to)}, {frame.granularity === "hour" ? "hourly" : "daily"} (UTC). Figures refresh within seconds of each decision.
      </p>
      {total === 0 && Number(approvals.totals.approved ?? 0) + Number(approvals.totals.rejected ?? 0) === 0 ? (
        <EmptyState title="No decisions in this range">
          Nothing matches these filters in this range. Choose a longer range or clear the filters; decisions appear here as soon as agents call the decision API.
        </EmptyState>
      ) : (
        <>
          <dl className="mb-4 grid grid-cols-2 gap-4 lg:grid-cols-4">
            <Stat label="Decisions" value={total.toLocaleString("en-US")} href={volume.historyHref ?? undefined} />
            <Stat label="Resolved autonomously" value={formatPercent(autonomy.totals.share === null ? null : Number(autonomy.totals.share))} />
            <Stat
              label="Approval rate"
              value={formatPercent(approvals.totals.approvalRate === null ? null : Number(approvals.totals.approvalRate))}
              hint={`of ${(Number(approvals.totals.approved ?? 0) + Number(approvals.totals.rejected ?? 0) + Number(approvals.totals.expired ?? 0)).toLocaleString("en-US")} held decisions decided`}
            />
            {/* Amounts run long: smaller on narrow screens so the card never overflows. */}
            <Stat label="Money executed" value={<span className="text-lg break-all sm:text-2xl">{formatMoney(String(money.totals.executed ?? "0"), currency)}</span>} />
          </dl>
          <DashboardGrid dashboard={dashboard} />
        </>
      )}
    </>
  );
}
