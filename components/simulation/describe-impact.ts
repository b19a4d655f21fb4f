import type { Decision } from "@/lib/engine";
import type { SimulationImpact } from "@/lib/simulation/queries";
import { formatMoney } from "@/components/ui/format";

// A simulation's impact in words, for the Simulate card and the review form:
// "38 holds would become allows (refund.issue, low tier); $2,140.50 would move without a human".
// Every count compares the draft with the policy in force, both replayed, never with what was
// recorded (which would include changes other versions made since).

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
  if (noLongerAllowed.count > 0) lines.push(`${formatMoney(noLongerAllowed.amount, impact.currency)} that moves without a human today would not any more`);
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

/**
 * What the simulation compared the draft with, given the version in force now: a result
 * against an older version no longer says what publishing would change.
 */
export function describeBaseline(impact: Pick<SimulationImpact, "inForceVersion">, versionNow: number | null): { text: string; stale: boolean } {
  const then = impact.inForceVersion;
  if (then === versionNow) return { text: then === null ? "Compared with no published policy (every request refused)" : `Compared with version ${then}, the policy in force`, stale: false };
  const compared = then === null ? "no published policy" : `version ${then}`;
  return { text: `Compared with ${compared}, but version ${versionNow ?? "none"} is in force now: simulate again to compare with it`, stale: true };
}

/** One line, for the review form. */
export function summarizeImpact(impact: SimulationImpact, versionNow: number | null): string {
  return `${describeBaseline(impact, versionNow).text}: ${describeImpact(impact, 2).join("; ")}`;
}
