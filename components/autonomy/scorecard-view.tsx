import Link from "next/link";
import { formatCount, formatPercent, formatSeconds } from "@/components/charts/format";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { SimpleTable } from "@/components/ui/simple-table";
import { Stat } from "@/components/ui/stat";
import type { RecommendationView } from "@/lib/autonomy/queries";
import type { Scorecard } from "@/lib/autonomy/scorecard-types";
import { formatAmount } from "@/lib/policy/diff-policy";
import { REVIEW_LABEL_NAMES, REVIEW_SOURCE_NAMES } from "@/lib/reviews/schemas";
import { AgentBreakdownTable, type AgentBreakdownRow } from "./agent-breakdown-table";
import { RecommendationCard } from "./recommendation-card";
import { HeldAmountChart, WeeklyChart, type AmountChartPoint, type WeeklyChartPoint } from "./scorecard-charts";

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const labelName = (label: string) => REVIEW_LABEL_NAMES[label as keyof typeof REVIEW_LABEL_NAMES] ?? label.replaceAll("_", " ");
const sourceName = (source: string) => REVIEW_SOURCE_NAMES[source as keyof typeof REVIEW_SOURCE_NAMES] ?? source.replaceAll("_", " ");

function amountLabel(from: string | null, to: string | null, currency: string): string {
  if (from === null) return `≤ ${formatAmount(to, currency)}`;
  if (to === null) return `> ${formatAmount(from, currency)}`;
  return `${formatAmount(from, currency)}–${formatAmount(to, currency)}`;
}

/**
 * The full scorecard of one action (or one agent's use of it): the key numbers, the charts,
 * the open recommendations with their evidence, and the detail behind them.
 */
export function ScorecardView({
  scorecard,
  actionLabel,
  currency,
  recommendations,
  canDecide,
  agentHref,
  limitLabels,
}: {
  scorecard: Scorecard;
  actionLabel: string;
  currency: string;
  recommendations: RecommendationView[];
  canDecide: boolean;
  agentHref: (agentId: string) => string;
  /** The action's limits in words, by index: "2 times per customer per 30d, then hold". */
  limitLabels: string[];
}) {
  const t = scorecard.totals;
  const decided = t.approved + t.rejected;
  const weekly: WeeklyChartPoint[] = scorecard.weekly.map((w) => ({ week: w.week, automatic: w.volume - w.held, held: w.held, approvalRate: rate(w.approved, w.approved + w.rejected) }));
  const amounts: AmountChartPoint[] = scorecard.heldAmounts.map((b) => ({ label: amountLabel(b.from, b.to, currency), approved: b.approved, rejected: b.rejected, expired: b.expired, pending: b.pending }));
  const raise = recommendations.find((r) => r.evidence?.proposal.kind === "band_threshold" && r.rule === "RAISE_THRESHOLD");
  const proposedTo = raise?.evidence?.proposal.kind === "band_threshold" ? raise.evidence.proposal.to : null;
  const marker = proposedTo ? scorecard.heldAmounts.find((b) => b.to === proposedTo) : undefined;
  const agentRows: AgentBreakdownRow[] = scorecard.agents.map((a) => ({
    agentId: a.agentId,
    agentName: a.agentName,
    href: agentHref(a.agentId),
    volume: a.volume,
    held: a.held,
    heldShare: rate(a.held, a.volume),
    approvalRate: rate(a.approved, a.approved + a.rejected),
    medianSecondsToApprove: a.medianSecondsToApprove,
    reversalRate: rate(a.reverted, a.executed),
    failed: a.failed,
    limitBreaches: a.limitBreaches,
  }));

  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4" aria-label="Key numbers">
        <Stat label="Decisions" value={formatCount(t.volume)} hint={`${formatCount(t.allowed)} allowed, ${formatCount(t.denied)} denied, ${formatCount(t.escalated + t.stepUp)} escalated or step-up`} />
        <Stat label="Held for a person" value={formatPercent(scorecard.heldShare)} hint={`${formatCount(t.held)} held, ${formatCount(t.pending)} still waiting`} />
        <Stat label="Approval rate of held" value={formatPercent(scorecard.approvalRate)} hint={`${formatCount(t.approved)} approved of ${formatCount(decided)} decided; ${formatCount(t.expired)} expired`} />
        <Stat
          label="Time to approve"
          value={scorecard.timeToApprove ? formatSeconds(scorecard.timeToApprove.medianSeconds) : "—"}
          hint={scorecard.timeToApprove ? `median; 90% within ${formatSeconds(scorecard.timeToApprove.p90Seconds)}` : "nothing approved in the window"}
        />
        <Stat label="Reversal rate" value={formatPercent(scorecard.reversalRate)} hint={`${formatCount(t.reverted)} reverted of ${formatCount(t.executed)} executed`} />
        <Stat label="Failure rate" value={formatPercent(scorecard.failureRate)} hint={`${formatCount(t.failed)} failed`} />
        <Stat label="Limit breaches" value={formatCount(t.limitBreaches)} hint={`by ${formatCount(scorecard.limits.customers)} customers`} />
        <Stat label="Review cases" value={formatCount(scorecard.reviewCases.total)} hint={scorecard.reviewCases.byLabel[0] ? `most labelled ${labelName(scorecard.reviewCases.byLabel[0].label)}` : "none labelled yet"} />
      </dl>

      <section aria-labelledby="action-recommendations" className="space-y-3">
        <h2 id="action-recommendations" className="text-base font-semibold">
          Recommendations{scorecard.agentId === null ? ` (${recommendations.length})` : ""}
        </h2>
        {scorecard.agentId !== null ? (
          <p className="text-sm text-slate-600">Recommendations change the policy of an action for every agent: they are on the action&apos;s scorecard for all agents.</p>
        ) : recommendations.length === 0 ? (
          <p className="text-sm text-slate-600">No rule fires on this record right now. The rules run every 10 minutes over the last 60 days.</p>
        ) : (
          recommendations.map((r) => <RecommendationCard key={r.id} recommendation={r} actionLabel={actionLabel} canDecide={canDecide} showAction={false} />)
        )}
      </section>

      <div className="grid gap-4 xl:grid-cols-2">
        <Card title="Week by week">
          <p className="-mt-2 mb-2 text-xs text-slate-500">Decisions per week, held or not, and the approval rate of the held ones (right axis).</p>
          {weekly.length ? (
            <div role="img" aria-label={`Weekly decisions of ${actionLabel}: ${weekly.map((w) => `${w.week}: ${w.automatic + w.held} (${w.held} held)`).join("; ")}`}>
              <WeeklyChart data={weekly} />
            </div>
          ) : (
            <EmptyState title="No decisions in this window" />
          )}
        </Card>
        <Card title="Held amounts">
          <p className="-mt-2 mb-2 text-xs text-slate-500">Held because of their tier, by amount, and what people did with them. {marker ? "The dashed line is where the recommendation would auto-approve up to." : ""}</p>
          {amounts.length ? (
            <div role="img" aria-label={`Held amounts of ${actionLabel}: ${amounts.map((a) => `${a.label}: ${a.approved} approved, ${a.rejected} rejected`).join("; ")}`}>
              <HeldAmountChart data={amounts} marker={marker ? { label: amountLabel(marker.from, marker.to, currency), text: `up to ${formatAmount(proposedTo, currency)}` } : null} />
            </div>
          ) : (
            <EmptyState title="No amounts held by tier in this window" />
          )}
        </Card>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Review cases by label">
          {scorecard.reviewCases.byLabel.length ? (
            <SimpleTable label="Review cases by label" headers={["Label", "Cases"]} rows={scorecard.reviewCases.byLabel.map((l) => ({ key: l.label, cells: [labelName(l.label), formatCount(l.count)] }))} />
          ) : (
            <p className="text-sm text-slate-600">No labelled cases.</p>
          )}
          {scorecard.reviewCases.bySource.length ? (
            <p className="mt-2 text-xs text-slate-500">Opened by: {scorecard.reviewCases.bySource.map((s) => `${sourceName(s.source)} ${formatCount(s.count)}`).join(", ")}.</p>
          ) : null}
        </Card>
        <Card title="Limit breaches">
          {scorecard.limits.breaches ? (
            <>
              <p className="text-sm text-slate-700">
                {formatCount(scorecard.limits.breaches)} breaches by {formatCount(scorecard.limits.customers)} customers
                {scorecard.limits.byLimit.length ? `. Of the latest: ${scorecard.limits.byLimit.map((l) => `${formatCount(l.count)} on “${(l.index !== null && limitLabels[l.index]) || l.rule}”`).join("; ")}` : ""}.
              </p>
              <SimpleTable label="Customers with the most breaches" headers={["Customer", "Breaches"]} rows={scorecard.limits.topCustomers.map((c) => ({ key: c.customerId, cells: [<span key="c" className="font-mono text-xs">{c.customerId}</span>, formatCount(c.count)] }))} />
            </>
          ) : (
            <p className="text-sm text-slate-600">No limit was hit.</p>
          )}
        </Card>
        <Card title={`Last ${scorecard.recent.days} days`}>
          <p className="text-sm text-slate-700">
            {formatCount(scorecard.recent.reverted)} reverted and {formatCount(scorecard.recent.failed)} failed of {formatCount(scorecard.recent.executions)} execution attempts.
          </p>
          {scorecard.recent.incidents.length ? (
            <ul className="mt-2 space-y-1 text-sm" aria-label="Recent incidents">
              {scorecard.recent.incidents.slice(0, 8).map((i) => (
                <li key={`${i.decisionId}-${i.status}`}>
                  <Link href={`/history/${i.decisionId}`} className="font-mono text-xs text-brand-700 underline">
                    {i.decisionId.slice(0, 16)}…
                  </Link>{" "}
                  {i.status} {formatDateTime(i.at)}, {i.agentName}
                  {i.amount ? `, ${formatAmount(i.amount, currency)}` : ""}
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
      </div>

      {scorecard.agentId === null ? (
        <section aria-labelledby="per-agent" className="space-y-3">
          <h2 id="per-agent" className="text-base font-semibold">
            Per agent
          </h2>
          <AgentBreakdownTable rows={agentRows} />
        </section>
      ) : null}
    </div>
  );
}
