import type { Decision } from "@/lib/engine";
import type { SimulationImpact } from "@/lib/simulation/queries";
import { formatMoney } from "@/components/ui/format";

// A simulation's impact in words, for the Simulate card and the review form:
// "38 holds would become allows (refund.issue, low tier); $2,140.50 would move without a human".

const NOUNS: Record<Decision, [singular: string, plural: string, article: string]> = {
  allow: ["allow", "allows", "an"],
  hold: ["hold", "holds", "a"],
  deny: ["denial", "denials", "a"],
  step_up: ["step-up", "step-ups", "a"],
  escalate: ["escalation", "escalations", "an"],
};

const count = (n: number) => n.toLocaleString("en-US");

export function describeTransition(group: { action: string; from: Decision; to: Decision; tier: string | null; count: number }): string {
  const [fromOne, fromMany] = NOUNS[group.from];
  const [toOne, toMany, article] = NOUNS[group.to];
  const where = group.tier ? `${group.action}, ${group.tier} tier` : group.action;
  return group.count === 1
    ? `1 ${fromOne} would become ${article} ${toOne} (${where})`
    : `${count(group.count)} ${fromMany} would become ${toMany} (${where})`;
}

export function describeMoney(impact: Pick<SimulationImpact, "money" | "currency">): string[] {
  const lines: string[] = [];
  const { newlyAllowed, noLongerAllowed } = impact.money;
  if (newlyAllowed.count > 0) lines.push(`${formatMoney(newlyAllowed.amount, impact.currency)} would move without a human`);
  if (noLongerAllowed.count > 0) lines.push(`${formatMoney(noLongerAllowed.amount, impact.currency)} that moved without a human would not any more`);
  return lines;
}

/** The impact as statements, largest change first; `limit` transitions at most. */
export function describeImpact(impact: SimulationImpact, limit = 3): string[] {
  if (impact.total === 0) return ["There were no recorded requests in this period to replay."];
  if (impact.kindChanged === 0) {
    const tiers = impact.changed > 0 ? `; ${count(impact.changed)} would be decided at another tier` : "";
    return [`No decision would change over ${count(impact.total)} recorded requests${tiers}`];
  }
  const statements = impact.topChanges.slice(0, limit).map(describeTransition);
  const rest = impact.kindChanged - impact.topChanges.slice(0, limit).reduce((sum, g) => sum + g.count, 0);
  if (rest > 0) statements.push(`${count(rest)} more would change`);
  return [...statements, ...describeMoney(impact)];
}

/** One line, for the review form. */
export function summarizeImpact(impact: SimulationImpact): string {
  return describeImpact(impact, 2).join("; ");
}
