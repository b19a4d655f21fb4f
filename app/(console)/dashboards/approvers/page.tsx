import type { Metadata } from "next";
import Link from "next/link";
import { ApproverScatterChart } from "@/components/charts/approver-scatter-chart";
import { ChartFigure } from "@/components/charts/chart-figure";
import { formatPercent, formatSeconds } from "@/components/charts/format";
import { RangeTabs } from "@/components/charts/range-tabs";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { roleNames } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getApproverStats } from "@/lib/dashboards/get-approver-stats";
import { parseApproverStatsQuery } from "@/lib/dashboards/schemas";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Rubber-stamp watch" };

export default async function ApproversPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("dashboards:read");
  const raw = await searchParams;
  const range = (Array.isArray(raw.range) ? raw.range[0] : raw.range)?.trim() || undefined;
  const header = (
    <PageHeader
      title="Rubber-stamp watch"
      description="Guarding the guards: how each person decides the held actions that reach them. An overwhelmed human in the loop is no control at all."
      actions={
        <Link href={range ? `/dashboards?range=${range}` : "/dashboards"} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50">
          Back to dashboards
        </Link>
      }
    />
  );

  let stats;
  try {
    stats = await getApproverStats(getPrisma(), parseApproverStatsQuery(new URLSearchParams(range ? { range } : {})), new Date());
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    return (
      <>
        {header}
        <RangeTabs basePath="/dashboards/approvers" params={{}} current={null} />
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error.errors?.[0]?.message ?? error.message}
        </p>
      </>
    );
  }

  const { thresholds, approvers } = stats;
  const flagged = approvers.filter((a) => a.flagged);
  const rule = `approving more than ${formatPercent(thresholds.approvalRate)} of the items they decide, with a median time to decide under ${formatSeconds(thresholds.medianSeconds)}, over at least ${thresholds.minDecided} items`;
  const summary =
    approvers.length === 0
      ? "Nobody decided a held action in this range."
      : flagged.length === 0
        ? `${approvers.length} ${approvers.length === 1 ? "person" : "people"} decided held actions; nobody is flagged.`
        : `${flagged.length} of ${approvers.length} approvers flagged: ${flagged.map((a) => `${a.name} (${formatPercent(a.approvalRate)} approved, median ${formatSeconds(a.medianSeconds)})`).join("; ")}.`;

  return (
    <>
      {header}
      <RangeTabs basePath="/dashboards/approvers" params={{}} current={stats.range} />
      <p className="mb-4 text-xs text-slate-500">
        Votes cast from {formatDateTime(stats.from)} to {formatDateTime(stats.to)}.
      </p>
      <Card title="What is flagged, and why" className="mb-4">
        <p className="text-sm text-slate-700">
          A person is flagged as a possible rubber stamp when {rule}. Time to decide runs from the moment the item entered the approval queue to this person&apos;s vote. A flag is a
          prompt for a conversation (too many items, too little context, a queue that rewards speed), not a verdict: look at the items they approved before acting.
        </p>
      </Card>
      {flagged.length > 0 ? (
        <p role="status" className="mb-4 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800">
          {summary}
        </p>
      ) : null}
      {approvers.length === 0 ? (
        <EmptyState title="No approvals decided in this range">Approvers appear here once people decide held actions in the approval queue.</EmptyState>
      ) : (
        <div className="space-y-4">
          <SimpleTable
            label="Approvers"
            // The flag comes second so it stays in view when the table scrolls sideways on a phone.
            headers={["Approver", "Flag", "Approval rate", "Median time to decide", "Decided", "Approved", "Rejected"]}
            rows={approvers.map((a) => ({
              key: a.userId,
              cells: [
                <span key="n">
                  <span className="font-medium">{a.name}</span>
                  <span className="block text-xs text-slate-500">{roleNames(a.roles)}</span>
                  <span className="block text-xs text-slate-500">{a.email}</span>
                </span>,
                a.flagged ? (
                  <span key="f" className="whitespace-nowrap">
                    <Badge tone="danger">Flagged</Badge>
                  </span>
                ) : a.decided < thresholds.minDecided ? (
                  <span key="f" className="text-xs text-slate-500">
                    too few to judge
                  </span>
                ) : (
                  <span key="f" className="text-xs text-slate-500">
                    —
                  </span>
                ),
                formatPercent(a.approvalRate),
                formatSeconds(a.medianSeconds),
                a.decided.toLocaleString("en-US"),
                a.approved.toLocaleString("en-US"),
                a.rejected.toLocaleString("en-US"),
              ],
            }))}
          />
          <ChartFigure
            title="Approval rate against time to decide"
            description="One point per approver; the shaded corner is the rubber-stamp zone."
            summary={summary}
            chartLabel={`Scatter chart of ${approvers.length} approvers by median time to decide and approval rate. ${summary}`}
            chart={<ApproverScatterChart data={approvers.map(({ name, decided, approvalRate, medianSeconds, flagged: f }) => ({ name, decided, approvalRate, medianSeconds, flagged: f }))} thresholds={thresholds} />}
            table={stats.table}
            currency={null}
            granularity="day"
            historyHref={null}
          />
        </div>
      )}
    </>
  );
}
