import type { Chart, Dashboard, TimePoint } from "@/lib/dashboards/types";
import { CategoryBarChart, type CategoryPoint } from "./category-bar-chart";
import { ChartFigure } from "./chart-figure";
import type { Granularity } from "./format";
import {
  summarizeApprovals,
  summarizeAutonomy,
  summarizeDenials,
  summarizeHandoffs,
  summarizeLatency,
  summarizeMoney,
  summarizeOutcomeProblems,
  summarizeReviews,
  summarizeVolume,
} from "./summaries";
import { TimeSeriesChart, type SeriesSpec, type TimeSeriesPoint } from "./time-series-chart";

// The oversight dashboards' cards, drawn from the series lib/dashboards prepared: this file only
// picks a chart type, colours and words for each.

const COLORS = {
  allow: "#059669",
  deny: "#e11d48",
  hold: "#d97706",
  step_up: "#0284c7",
  escalate: "#7c3aed",
  approved: "#059669",
  rejected: "#e11d48",
  expired: "#94a3b8",
  brand: "#4f46e5",
  amber: "#d97706",
  reverted: "#f59e0b",
  resolved: "#059669",
  dismissed: "#94a3b8",
} as const;
const TIER_COLORS: Record<string, string> = { low: "#10b981", medium: "#0ea5e9", high: "#f59e0b", critical: "#e11d48" };
const OTHER_COLORS = ["#6366f1", "#64748b", "#14b8a6", "#a855f7", "#84cc16"];

const RANGE_WORDS: Record<Dashboard["filter"]["range"], string> = { "24h": "the last 24 hours", "7d": "the last 7 days", "30d": "the last 30 days", "90d": "the last 90 days" };

function specs(chart: Chart<unknown>, colors: Record<string, string>): SeriesSpec[] {
  return chart.seriesKeys.map((k, i) => ({ key: k.key, label: k.label, color: colors[k.key] ?? OTHER_COLORS[i % OTHER_COLORS.length]! }));
}

const timePoints = (series: TimePoint[]) => series as unknown as TimeSeriesPoint[];
const hrefs = (series: { href: string | null }[]) => series.map((p) => p.href);
const hasAny = (series: object[], keys: string[]) => series.some((p) => keys.some((k) => Number((p as Record<string, unknown>)[k] ?? 0) > 0));

export function DashboardGrid({ dashboard }: { dashboard: Dashboard }) {
  const granularity: Granularity = dashboard.frame.granularity;
  const per = granularity === "hour" ? "per hour" : "per day";
  const over = `over ${RANGE_WORDS[dashboard.filter.range]}`;
  const { currency } = dashboard;
  const action = dashboard.filter.action;
  const { volume, autonomy, approvals, denials, money, outcomeProblems, reviews, handoffIntents, handoffActions } = dashboard;
  const common = { currency, granularity };

  const volumeSummary = summarizeVolume(volume.totals, action);
  const autonomySummary = summarizeAutonomy(autonomy.totals);
  const approvalSummary = summarizeApprovals(approvals.totals, action);
  const latencySummary = summarizeLatency(approvals.totals);
  const denialSummary = summarizeDenials(denials);
  const moneySummary = summarizeMoney(money.totals, currency);
  const problemSummary = summarizeOutcomeProblems(outcomeProblems.totals);
  const reviewSummary = summarizeReviews(reviews.totals);
  const intentSummary = summarizeHandoffs(handoffIntents, "intent");
  const actionSummary = summarizeHandoffs(handoffActions, "action");

  const approvalSeries = specs(approvals, COLORS).filter((s) => ["approved", "rejected", "expired"].includes(s.key));
  const latencySeries: SeriesSpec[] = [
    { key: "p50Seconds", label: "Median (p50)", color: COLORS.brand },
    { key: "p95Seconds", label: "95th percentile (p95)", color: COLORS.amber },
  ];

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartFigure
        {...common}
        title={volume.title}
        description={volume.description}
        summary={volumeSummary}
        chartLabel={`Stacked bar chart of decisions ${per} by outcome ${over}. ${volumeSummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(volume.series)} series={specs(volume, COLORS)} variant="stacked-bars" valueKind="count" />}
        table={volume.table}
        rowLinks={hrefs(volume.series)}
        historyHref={volume.historyHref}
        empty={!hasAny(volume.series, ["total"])}
      />
      <ChartFigure
        {...common}
        title={autonomy.title}
        description={autonomy.description}
        summary={autonomySummary}
        chartLabel={`Area chart of the share of decisions resolved autonomously ${per} ${over}. ${autonomySummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(autonomy.series)} series={specs(autonomy, { share: COLORS.brand })} variant="area" valueKind="percent" domain={[0, 1]} />}
        table={autonomy.table}
        rowLinks={hrefs(autonomy.series)}
        historyHref={autonomy.historyHref}
        empty={!hasAny(autonomy.series, ["total"])}
      />
      <ChartFigure
        {...common}
        title="Holds and approval rate"
        description="Held decisions by how people decided them (approved, rejected, or expired with nobody deciding), by when they were decided."
        summary={approvalSummary}
        chartLabel={`Stacked bar chart of held decisions decided ${per}, approved, rejected or expired, ${over}. ${approvalSummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(approvals.series)} series={approvalSeries} variant="stacked-bars" valueKind="count" />}
        table={{ columns: approvals.table.columns.filter((c) => !c.key.endsWith("Seconds")), rows: approvals.table.rows }}
        rowLinks={hrefs(approvals.series)}
        historyHref={approvals.historyHref}
        historyLabel="See these held decisions"
        empty={!hasAny(approvals.series, ["holds", "approved", "rejected", "expired"])}
      />
      <ChartFigure
        {...common}
        title="Approval latency"
        description="Time from the hold to the final vote, p50 and p95, from a histogram rollup (accurate to within a bucket's width)."
        summary={latencySummary}
        chartLabel={`Line chart of approval latency ${per}, median and 95th percentile, ${over}. ${latencySummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(approvals.series)} series={latencySeries} variant="lines" valueKind="seconds" />}
        table={{ columns: approvals.table.columns.filter((c) => ["bucket", "approved", "rejected", "p50Seconds", "p95Seconds"].includes(c.key)), rows: approvals.table.rows }}
        rowLinks={hrefs(approvals.series)}
        historyHref={approvals.historyHref}
        historyLabel="See these held decisions"
        empty={approvals.totals.p50Seconds === null}
      />
      <ChartFigure
        {...common}
        title={denials.title}
        description={denials.description}
        summary={denialSummary}
        chartLabel={`Bar chart of denials by reason ${over}. ${denialSummary}`}
        chart={<CategoryBarChart data={denials.series as unknown as CategoryPoint[]} series={[{ key: "count", label: "Denials", color: COLORS.deny }]} />}
        table={denials.table}
        rowLinks={hrefs(denials.series)}
        historyHref={denials.historyHref}
        historyLabel="See these denials"
        empty={denials.series.length === 0}
      />
      <ChartFigure
        {...common}
        title={money.title}
        description={money.description}
        summary={moneySummary}
        chartLabel={`Stacked bar chart of money moved ${per} by risk tier ${over}. ${moneySummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(money.series)} series={specs(money, TIER_COLORS)} variant="stacked-bars" valueKind="money" />}
        table={money.table}
        historyHref={money.historyHref}
        historyLabel="See executed decisions"
        empty={money.table.rows.length === 0}
      />
      <ChartFigure
        {...common}
        title={outcomeProblems.title}
        description={outcomeProblems.description}
        summary={problemSummary}
        chartLabel={`Stacked bar chart of failed and reverted outcomes ${per} ${over}. ${problemSummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(outcomeProblems.series)} series={specs(outcomeProblems, { failed: COLORS.deny, reverted: COLORS.reverted })} variant="stacked-bars" valueKind="count" />}
        table={outcomeProblems.table}
        rowLinks={hrefs(outcomeProblems.series)}
        historyHref={outcomeProblems.historyHref}
        historyLabel="See failed decisions"
        empty={!hasAny(outcomeProblems.series, ["failed", "reverted"])}
      />
      <ChartFigure
        {...common}
        title={reviews.title}
        description={reviews.description}
        summary={reviewSummary}
        chartLabel={`Line chart of review cases opened, resolved and dismissed ${per} ${over}. ${reviewSummary}`}
        chart={<TimeSeriesChart {...common} data={timePoints(reviews.series)} series={specs(reviews, { opened: COLORS.brand, resolved: COLORS.resolved, dismissed: COLORS.dismissed })} variant="lines" valueKind="count" />}
        table={reviews.table}
        historyHref="/reviews"
        historyLabel="Open the review inbox"
        empty={!hasAny(reviews.series, ["opened", "resolved", "dismissed"])}
      />
      <ChartFigure
        {...common}
        title={handoffIntents.title}
        description={handoffIntents.description}
        summary={intentSummary}
        chartLabel={`Bar chart of the intents most often held or escalated to people ${over}. ${intentSummary}`}
        chart={<CategoryBarChart data={handoffIntents.series as unknown as CategoryPoint[]} series={specs(handoffIntents, COLORS)} stacked />}
        table={handoffIntents.table}
        historyHref={handoffActions.historyHref}
        historyLabel="See held decisions"
        empty={handoffIntents.series.length === 0}
      />
      <ChartFigure
        {...common}
        title={handoffActions.title}
        description={handoffActions.description}
        summary={actionSummary}
        chartLabel={`Bar chart of the actions most often held or escalated to people ${over}. ${actionSummary}`}
        chart={<CategoryBarChart data={handoffActions.series as unknown as CategoryPoint[]} series={specs(handoffActions, COLORS)} stacked />}
        table={handoffActions.table}
        rowLinks={hrefs(handoffActions.series)}
        historyHref={handoffActions.historyHref}
        historyLabel="See held decisions"
        empty={handoffActions.series.length === 0}
      />
    </div>
  );
}
