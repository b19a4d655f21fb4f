import { Decimal } from "@/lib/engine/money";
import { diffPolicy, formatAmount } from "@/lib/policy/diff-policy";
import type { Action, PolicyDocument } from "@/lib/policy/document-schema";
import { friendlyAtOrBelow } from "./friendly-amounts";
import { amountBound, applyProposal, type Proposal } from "./proposals";
import type { HeldAmountBucket, Scorecard } from "./scorecard-types";

// The earned-autonomy rules (docs/decisions/0004-earned-autonomy-rules.md). Pure: a scorecard and
// the policy in, findings out. Every threshold a rule uses is in RULE_THRESHOLDS, so the decision
// record, the console and the tests all read the same numbers.

export const RULE_KEYS = ["RAISE_THRESHOLD", "LOWER_AUTHORITY", "LIMIT_PRESSURE"] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

export const RULE_THRESHOLDS = {
  RAISE_THRESHOLD: {
    /** Approved ÷ (approved + rejected) over the whole band proposed for auto-approval. */
    minApprovalRate: 0.98,
    /** No slice of the band may be much worse than the band as a whole. */
    minBucketApprovalRate: 0.95,
    /** Decided holds the band needs in a 60-day window; prorated to other windows, never below the floor. */
    minDecidedPer60Days: 200,
    minDecidedFloor: 50,
    /** A slice of the band with fewer decided holds is too thin to vouch for: the band stops below it. */
    minBucketDecided: 10,
    maxReversals: 0,
    /** Failed ÷ execution attempts of the approved holds in the band. */
    maxFailureRate: 0.01,
  },
  LOWER_AUTHORITY: {
    days: 7,
    /** Failures plus reversals reported in those days. */
    minIncidents: 3,
    /** …at least this share of the execution attempts reported in those days… */
    minIncidentRate: 0.01,
    /** …and this many times the action's own rate over the rest of the window: a change, not a busy action's usual noise. */
    spikeFactor: 2,
    /** When this share of the incidents was auto-approved in an amount band, lower that band's threshold instead of the authority. */
    bandShare: 0.5,
  },
  LIMIT_PRESSURE: {
    minBreaches: 20,
    /** Breaches per distinct breaching customer: the same few customers keep coming back. */
    minBreachesPerCustomer: 3,
  },
} as const;

export interface RuleDescription {
  key: RuleKey;
  name: string;
  direction: "loosens" | "tightens";
  when: string;
  proposes: string;
}

/** How the console and the decision record describe each rule. */
export const RULE_DESCRIPTIONS: Record<RuleKey, RuleDescription> = {
  RAISE_THRESHOLD: {
    key: "RAISE_THRESHOLD",
    name: "Raise the auto-approve threshold",
    direction: "loosens",
    when: "Holds of the amounts just above an auto-approved amount band were approved at least 98% of at least 200 decided times (per 60 days), every friendly slice of that range at least 95% of at least 10, with no reversal and at most 1% failures, and the action had no incident spike in the last 7 days.",
    proposes: "Raise that band's amount threshold to the highest friendly amount the evidence covers (below the next band's own bound).",
  },
  LOWER_AUTHORITY: {
    key: "LOWER_AUTHORITY",
    name: "Lower authority after incidents",
    direction: "tightens",
    when: "At least 3 failures or reversals reported in the last 7 days, at least 1% of that week's execution attempts and at least twice the action's own rate over the rest of the window.",
    proposes: "When most incidents were auto-approved in an amount band, halve that band's threshold (to a friendly amount); otherwise lower the authority from execute to recommend.",
  },
  LIMIT_PRESSURE: {
    key: "LIMIT_PRESSURE",
    name: "Tighten a per-customer limit under pressure",
    direction: "tightens",
    when: "At least 20 limit breaches in the window, at least 3 per breaching customer on average, mostly on a per-customer limit.",
    proposes: "Lower that limit's count by one; at one already, lower its amount cap or make it deny instead of hold.",
  },
};

export interface EvidenceFact {
  label: string;
  value: string;
}

/** One rule firing for one action: what it saw and the single change it proposes. */
export interface Finding {
  rule: RuleKey;
  action: string;
  agentId: string | null;
  /** One sentence with the numbers and the proposal, e.g. "…approved 98.7% of 1,240 times with no reversal in 60 days: consider raising…". */
  title: string;
  facts: EvidenceFact[];
  /** The raw numbers behind the facts, kept with the evidence. */
  numbers: Record<string, number | string | null>;
  proposal: Proposal;
  /** The change as the draft's diff will read it: "Issue a refund: low tier raised from $50 to $200". */
  change: string;
}

export interface RuleInput {
  document: PolicyDocument;
  action: Action;
  scorecard: Scorecard;
}

const count = (n: number) => n.toLocaleString("en-US");
// Floored, never rounded up: 97.96% must not read as the 98% a rule asks for.
const percent = (rate: number) => `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
/** A rule's own threshold: "98%", "1%". */
const threshold = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** The decided-holds minimum for a window: 200 per 60 days, prorated, never below 50. */
export function minDecidedFor(windowDays: number): number {
  const t = RULE_THRESHOLDS.RAISE_THRESHOLD;
  return Math.max(t.minDecidedFloor, Math.ceil((t.minDecidedPer60Days * windowDays) / 60));
}

/** The sentence the draft's diff will show for this change, so the evidence and the draft read alike. */
function describeChange(document: PolicyDocument, proposal: Proposal): string {
  const action = applyProposal(document, proposal);
  const after = { ...document, actions: document.actions.map((a) => (a.key === action.key ? action : a)) };
  const texts = diffPolicy(document, after).sections.flatMap((section) => section.changes.map((change) => change.text));
  return texts.join("; ");
}

function tierOf(document: PolicyDocument, key: string) {
  return document.risk_tiers.find((tier) => tier.key === key);
}

function holds(document: PolicyDocument, tierKey: string): boolean {
  // A tier the policy does not define is treated as the strictest: it never counts as auto-approved.
  return tierOf(document, tierKey)?.controls.includes("human_approval") ?? true;
}

interface BandTotals {
  approved: number;
  rejected: number;
  expired: number;
  executed: number;
  failed: number;
  reverted: number;
}

function add(a: BandTotals, b: HeldAmountBucket): BandTotals {
  return {
    approved: a.approved + b.approved,
    rejected: a.rejected + b.rejected,
    expired: a.expired + b.expired,
    executed: a.executed + b.executed,
    failed: a.failed + b.failed,
    reverted: a.reverted + b.reverted,
  };
}

const attempts = (t: BandTotals) => t.executed + t.failed;

/**
 * RAISE_THRESHOLD. Walks the held amounts upward from an auto-approved band's threshold, one
 * friendly slice at a time, and stops at the first slice that is thin, worse than 95% or
 * reversed even once. The proposal is the highest slice top at which the whole range so far
 * is approved at least 98% of enough decided times, with at most 1% failures.
 */
export function raiseThreshold(input: RuleInput): Finding | null {
  const { document, action, scorecard } = input;
  const t = RULE_THRESHOLDS.RAISE_THRESHOLD;
  if (action.authority !== "execute") return null;
  const minDecided = minDecidedFor(scorecard.windowDays);

  for (let index = 0; index < action.risk.length - 1; index++) {
    const band = action.risk[index]!;
    const next = action.risk[index + 1]!;
    const bound = amountBound(band);
    if (!bound || holds(document, band.tier) || !holds(document, next.tier)) continue;
    const nextBound = next.if ? amountBound(next) : null;
    // The next band must be the held amounts just above: a pure amount bound, or the unconditional rest.
    if (next.if && (!nextBound || nextBound.field !== bound.field)) continue;
    const cap = nextBound?.value ?? null;

    let edge = bound.value;
    let totals: BandTotals = { approved: 0, rejected: 0, expired: 0, executed: 0, failed: 0, reverted: 0 };
    let best: { to: Decimal; totals: BandTotals } | null = null;
    const above = scorecard.heldAmounts.filter((bucket) => bucket.from !== null && new Decimal(bucket.from).gte(bound.value));
    above.sort((a, b) => new Decimal(a.from!).comparedTo(new Decimal(b.from!)));
    for (const bucket of above) {
      // An empty slice has no row: a gap in the buckets is a slice without evidence.
      if (bucket.to === null || !new Decimal(bucket.from!).eq(edge)) break;
      const to = new Decimal(bucket.to);
      // Never up to the next band's own bound: that would empty the held band in one step.
      if (cap && !to.lt(cap)) break;
      const decided = bucket.approved + bucket.rejected;
      if (decided < t.minBucketDecided || bucket.approved / decided < t.minBucketApprovalRate || bucket.reverted > t.maxReversals) break;
      totals = add(totals, bucket);
      edge = to;
      // The range so far qualifies as a whole; a later slice may still lift an early one's rate, so the walk goes on.
      const rate = totals.approved / (totals.approved + totals.rejected);
      const failures = attempts(totals) ? totals.failed / attempts(totals) : 0;
      if (rate >= t.minApprovalRate && failures <= t.maxFailureRate && totals.approved + totals.rejected >= minDecided) best = { to, totals };
    }
    if (!best) continue;

    const proposal: Proposal = { kind: "band_threshold", action: action.key, band: index, field: bound.field, operator: bound.operator, from: bound.value.toFixed(), to: best.to.toFixed() };
    const decided = best.totals.approved + best.totals.rejected;
    const rate = best.totals.approved / decided;
    const from = formatAmount(bound.value, document.currency);
    const to = formatAmount(best.to, document.currency);
    const failureNote = best.totals.failed ? ` and ${plural(best.totals.failed, "failure")}` : "";
    return {
      rule: "RAISE_THRESHOLD",
      action: action.key,
      agentId: scorecard.agentId,
      title: `${action.label}: held requests over ${from} up to ${to} were approved ${percent(rate)} of ${count(decided)} times with no reversal${failureNote} in ${scorecard.windowDays} days: consider raising the ${band.tier}-tier threshold to ${to}`,
      facts: [
        { label: "Held requests in the range", value: `over ${from} up to ${to}` },
        { label: "Decided by a person", value: `${count(decided)} (${count(best.totals.approved)} approved, ${count(best.totals.rejected)} rejected)` },
        { label: "Approval rate", value: `${percent(rate)} (rule: at least ${threshold(t.minApprovalRate)} of at least ${count(minDecided)})` },
        { label: "Expired before anyone decided", value: count(best.totals.expired) },
        { label: "Reversed after approval", value: `${count(best.totals.reverted)} (rule: ${t.maxReversals})` },
        { label: "Failed after approval", value: `${count(best.totals.failed)} of ${count(attempts(best.totals))} executions` },
        { label: "Window", value: `${scorecard.windowDays} days to ${scorecard.until.slice(0, 10)}` },
      ],
      numbers: {
        threshold: bound.value.toFixed(),
        proposed: best.to.toFixed(),
        decided,
        approved: best.totals.approved,
        rejected: best.totals.rejected,
        expired: best.totals.expired,
        reverted: best.totals.reverted,
        failed: best.totals.failed,
        executions: attempts(best.totals),
        approvalRate: rate,
        minDecided,
        windowDays: scorecard.windowDays,
      },
      proposal,
      change: describeChange(document, proposal),
    };
  }
  return null;
}

/**
 * LOWER_AUTHORITY. A burst of failures and reversals in the last 7 days. When most of them were
 * auto-approved inside an amount band, that band's threshold is halved (the rest of the action
 * keeps its authority); otherwise the action drops from execute to recommend.
 */
export function lowerAuthority(input: RuleInput): Finding | null {
  const { document, action, scorecard } = input;
  const t = RULE_THRESHOLDS.LOWER_AUTHORITY;
  const recent = scorecard.recent;
  const incidents = recent.failed + recent.reverted;
  if (incidents < t.minIncidents) return null;
  const incidentRate = incidents / Math.max(recent.executions, 1);
  // The rest of the window is the baseline: outcome counts there minus the last 7 days (both by report time).
  const earlierIncidents = Math.max(0, scorecard.totals.failed + scorecard.totals.reverted - incidents);
  const earlierAttempts = Math.max(0, scorecard.totals.executed + scorecard.totals.failed - recent.executions);
  const baseline = earlierAttempts > 0 ? earlierIncidents / earlierAttempts : 0;
  if (incidentRate < Math.max(t.minIncidentRate, t.spikeFactor * baseline)) return null;

  let proposal: Proposal | null = null;
  const autoBand = action.risk.findIndex((band) => amountBound(band) !== null && !holds(document, band.tier));
  if (autoBand >= 0 && action.authority === "execute") {
    const band = action.risk[autoBand]!;
    const inBand = recent.incidents.filter((incident) => incident.decision === "allow" && incident.tier === band.tier).length;
    const bound = amountBound(band)!;
    const halved = friendlyAtOrBelow(bound.value.div(2));
    if (recent.incidents.length > 0 && inBand / recent.incidents.length >= t.bandShare && halved && halved.lt(bound.value)) {
      proposal = { kind: "band_threshold", action: action.key, band: autoBand, field: bound.field, operator: bound.operator, from: bound.value.toFixed(), to: halved.toFixed() };
    }
  }
  if (!proposal && action.authority === "execute") proposal = { kind: "authority", action: action.key, from: "execute", to: "recommend" };
  if (!proposal) return null;

  const what = [recent.reverted ? plural(recent.reverted, "reversal") : null, recent.failed ? plural(recent.failed, "failure") : null].filter(Boolean).join(" and ");
  const consider =
    proposal.kind === "band_threshold"
      ? `consider lowering the ${action.risk[proposal.band]!.tier}-tier threshold to ${formatAmount(proposal.to, document.currency)}`
      : "consider lowering its authority from execute to recommend";
  return {
    rule: "LOWER_AUTHORITY",
    action: action.key,
    agentId: scorecard.agentId,
    title: `${action.label}: ${what} in ${recent.days} days (${percent(incidentRate)} of ${count(recent.executions)} executions): ${consider}`,
    facts: [
      { label: `Reversals in the last ${recent.days} days`, value: count(recent.reverted) },
      { label: `Failures in the last ${recent.days} days`, value: count(recent.failed) },
      { label: `Execution attempts reported in those ${recent.days} days`, value: count(recent.executions) },
      { label: "Incident rate", value: `${percent(incidentRate)} (rule: at least ${t.minIncidents} incidents, ${threshold(t.minIncidentRate)} and ${t.spikeFactor}× the usual rate)` },
      { label: `Usual rate before these ${recent.days} days`, value: `${percent(baseline)} of ${count(earlierAttempts)} execution attempts` },
      ...recent.incidents.slice(0, 5).map((incident) => ({
        label: `${incident.status === "reverted" ? "Reversed" : "Failed"} ${incident.at.slice(0, 16).replace("T", " ")}`,
        value: `${incident.decisionId} by ${incident.agentName}, ${incident.decision} at ${incident.tier ?? "no"} tier${incident.amount ? `, ${formatAmount(incident.amount, document.currency)}` : ""}`,
      })),
    ],
    numbers: { reverted: recent.reverted, failed: recent.failed, executions: recent.executions, incidentRate, baseline, days: recent.days },
    proposal,
    change: describeChange(document, proposal),
  };
}

/**
 * LIMIT_PRESSURE. Many breaches by few customers of a per-customer limit: the limit is loose
 * enough that the same customers lean on it. Lower its count by one; at one already, halve
 * its amount cap, or make it deny instead of hold.
 */
export function limitPressure(input: RuleInput): Finding | null {
  const { document, action, scorecard } = input;
  const t = RULE_THRESHOLDS.LIMIT_PRESSURE;
  const limits = scorecard.limits;
  if (limits.breaches < t.minBreaches || limits.customers === 0) return null;
  const perCustomer = limits.breaches / limits.customers;
  if (perCustomer < t.minBreachesPerCustomer) return null;
  const top = limits.byLimit[0];
  const limit = top?.index === null || top?.index === undefined ? undefined : action.limits[top.index];
  if (!top || top.index === null || !limit || limit.scope !== "customer") return null;

  let proposal: Proposal;
  if (limit.max_count !== undefined && limit.max_count > 1) {
    proposal = { kind: "limit_count", action: action.key, limit: top.index, from: limit.max_count, to: limit.max_count - 1 };
  } else if (limit.max_amount !== undefined && friendlyAtOrBelow(new Decimal(limit.max_amount).div(2))) {
    proposal = { kind: "limit_amount", action: action.key, limit: top.index, from: new Decimal(limit.max_amount).toFixed(), to: friendlyAtOrBelow(new Decimal(limit.max_amount).div(2))!.toFixed() };
  } else if (limit.on_exceed === "hold") {
    proposal = { kind: "limit_on_exceed", action: action.key, limit: top.index, from: "hold", to: "deny" };
  } else return null;

  const change = describeChange(document, proposal);
  return {
    rule: "LIMIT_PRESSURE",
    action: action.key,
    agentId: scorecard.agentId,
    title: `${action.label}: ${plural(limits.breaches, "limit breach", "limit breaches")} by ${plural(limits.customers, "customer")} in ${scorecard.windowDays} days (${perCustomer.toFixed(1)} each): consider tightening the per-customer limit`,
    facts: [
      { label: "Limit breaches", value: `${count(limits.breaches)} (${count(top.count)} on ${top.rule})` },
      { label: "Distinct customers", value: `${count(limits.customers)} (${perCustomer.toFixed(1)} breaches each; rule: at least ${t.minBreachesPerCustomer})` },
      { label: "Most frequent", value: limits.topCustomers.map((c) => `${c.customerId} (${c.count})`).join(", ") || "—" },
      { label: "Window", value: `${scorecard.windowDays} days to ${scorecard.until.slice(0, 10)}` },
    ],
    numbers: { breaches: limits.breaches, customers: limits.customers, perCustomer, limit: top.rule, windowDays: scorecard.windowDays },
    proposal,
    change,
  };
}

/**
 * Every rule over one action's scorecard. An incident spike wins over a raise: authority is
 * never extended while it is failing.
 */
export function evaluateRules(input: RuleInput): Finding[] {
  const lower = lowerAuthority(input);
  const raise = lower ? null : raiseThreshold(input);
  const pressure = limitPressure(input);
  return [raise, lower, pressure].filter((finding): finding is Finding => finding !== null);
}
