import type { Chart, HandoffPoint, CategoryPoint as DashboardCategoryPoint } from "@/lib/dashboards/types";
import { formatMoney } from "@/components/ui/format";
import { formatCount, formatPercent, formatSeconds } from "./format";

// Each dashboard card states its key numbers in a sentence, so the figure reads without the chart.

type Totals = Chart<unknown>["totals"];

const num = (totals: Totals, key: string): number => Number(totals[key] ?? 0);
const fraction = (totals: Totals, key: string): number | null => (totals[key] === null || totals[key] === undefined ? null : Number(totals[key]));
const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** "refund.issue decisions" when one action is chosen, "decisions" otherwise. */
export function decisionNoun(action: string | null): string {
  return action ? `${action} decisions` : "decisions";
}

export function summarizeVolume(totals: Totals, action: string | null): string {
  const total = num(totals, "total");
  if (total === 0) return `No ${decisionNoun(action)} in this range.`;
  const parts = [
    [num(totals, "allow"), "allowed"],
    [num(totals, "deny"), "denied"],
    [num(totals, "hold"), "held for approval"],
    [num(totals, "step_up"), "sent to step-up"],
    [num(totals, "escalate"), "escalated"],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${formatCount(Number(n))} ${what}`);
  return `${plural(total, action ? `${action} decision` : "decision", decisionNoun(action))}: ${parts.join(", ")}.`;
}

export function summarizeAutonomy(totals: Totals): string {
  const total = num(totals, "total");
  if (total === 0) return "No decisions in this range.";
  return `${formatPercent(fraction(totals, "share"))} resolved autonomously: ${formatCount(num(totals, "autonomous"))} of ${formatCount(total)} decisions needed no person.`;
}

/** "Approval rate 92.4% of 1,240 held refund.issue decisions decided (1,146 approved, 60 rejected, 34 expired)." */
export function summarizeApprovals(totals: Totals, action: string | null): string {
  const [approved, rejected, expired, holds] = [num(totals, "approved"), num(totals, "rejected"), num(totals, "expired"), num(totals, "holds")];
  const decided = approved + rejected + expired;
  const held = `held ${decisionNoun(action)}`;
  if (decided === 0) return holds > 0 ? `${plural(holds, action ? `held ${action} decision` : "held decision", held)}, none decided yet in this range.` : `No ${held} in this range.`;
  return (
    `Approval rate ${formatPercent(fraction(totals, "approvalRate"))} of ${formatCount(decided)} ${held} decided ` +
    `(${formatCount(approved)} approved, ${formatCount(rejected)} rejected, ${formatCount(expired)} expired); ${formatCount(holds)} held in this range.`
  );
}

export function summarizeLatency(totals: Totals): string {
  const p50 = fraction(totals, "p50Seconds");
  if (p50 === null) return "No approval was decided in this range.";
  return `People decided half of the held items within ${formatSeconds(p50)} (p50) and 95% within ${formatSeconds(fraction(totals, "p95Seconds"))} (p95).`;
}

export function summarizeDenials(chart: Chart<DashboardCategoryPoint>): string {
  const total = num(chart.totals, "denials");
  const top = chart.series[0];
  if (total === 0 || !top) return "No denials in this range.";
  return `${plural(total, "denial", "denials")}; the most common reason: ${top.label} (${formatCount(top.count)}, ${formatPercent(top.share)}).`;
}

export function summarizeMoney(totals: Totals, currency: string | null): string {
  const executed = String(totals.executed ?? "0");
  const authorized = String(totals.authorized ?? "0");
  const reverted = String(totals.reverted ?? "0");
  if (Number(executed) === 0 && Number(authorized) === 0) return "No money moved in this range.";
  return `${formatMoney(executed, currency)} executed by agents, of ${formatMoney(authorized, currency)} authorized; ${formatMoney(reverted, currency)} reverted.`;
}

export function summarizeOutcomeProblems(totals: Totals): string {
  const [failed, reverted, executed] = [num(totals, "failed"), num(totals, "reverted"), num(totals, "executed")];
  if (failed + reverted === 0) return executed > 0 ? `No failed or reverted outcome among ${plural(executed, "executed action", "executed actions")}.` : "No outcomes reported in this range.";
  return `${formatCount(failed)} failed and ${formatCount(reverted)} reverted, ${formatPercent(fraction(totals, "problemRate"))} of ${formatCount(executed + failed)} actions attempted.`;
}

export function summarizeReviews(totals: Totals): string {
  const [opened, resolved, dismissed] = [num(totals, "opened"), num(totals, "resolved"), num(totals, "dismissed")];
  if (opened + resolved + dismissed === 0) return "No review cases opened or closed in this range.";
  return `${plural(opened, "review case", "review cases")} opened; ${formatCount(resolved)} resolved and ${formatCount(dismissed)} dismissed.`;
}

export function summarizeHandoffs(chart: Chart<HandoffPoint>, by: "intent" | "action"): string {
  const total = num(chart.totals, "handoffs");
  const top = chart.series[0];
  if (total === 0 || !top) return "Nothing went to people in this range.";
  return `${plural(total, "decision", "decisions")} went to people; the most from ${by} ${top.label} (${formatCount(top.count)}, ${formatPercent(top.share)}).`;
}
