// The scorecard DTO: what the pages show and what the recommendation rules read. Plain data
// (numbers, strings, ISO dates) so it crosses to client components and into evidence JSON as is.

/** Held decisions by what became of them. `approved` includes those executed, failed or reverted since. */
export interface HeldCounts {
  held: number;
  approved: number;
  rejected: number;
  expired: number;
  pending: number;
}

/** Outcomes the agents reported for decisions they carried out (allowed, or held then approved). */
export interface OutcomeCounts {
  /** Reported executed, including those reverted since: a reversal undoes an execution. */
  executed: number;
  failed: number;
  reverted: number;
}

export interface ScorecardTotals extends HeldCounts, OutcomeCounts {
  volume: number;
  allowed: number;
  denied: number;
  stepUp: number;
  escalated: number;
  /** Decisions that hit a limit (held or denied with `limit_exceeded`). */
  limitBreaches: number;
}

export interface WeeklyPoint extends HeldCounts {
  /** Monday of the week, YYYY-MM-DD (UTC). */
  week: string;
  volume: number;
}

/**
 * Held-by-tier decisions (reason `tier_requires_approval`) whose amount is in (from, to]; `to`
 * is null for the last bucket (above every break). Amounts are exact decimal strings.
 */
export interface HeldAmountBucket extends HeldCounts, OutcomeCounts {
  from: string | null;
  to: string | null;
}

export interface AgentRow extends HeldCounts, OutcomeCounts {
  agentId: string;
  agentName: string;
  volume: number;
  limitBreaches: number;
  medianSecondsToApprove: number | null;
}

export interface Incident {
  decisionId: string;
  status: "failed" | "reverted";
  /** When the outcome was reported. */
  at: string;
  decision: string;
  tier: string | null;
  amount: string | null;
  agentName: string;
}

export interface Scorecard {
  action: string;
  agentId: string | null;
  windowDays: number;
  since: string;
  until: string;
  totals: ScorecardTotals;
  /** held / volume; null without volume. */
  heldShare: number | null;
  /** approved / (approved + rejected): expired holds were never judged, so they do not count. */
  approvalRate: number | null;
  /** reverted / executed. */
  reversalRate: number | null;
  /** failed / (executed + failed): every execution attempt. */
  failureRate: number | null;
  timeToApprove: { medianSeconds: number; p90Seconds: number; count: number } | null;
  weekly: WeeklyPoint[];
  heldAmounts: HeldAmountBucket[];
  agents: AgentRow[];
  reviewCases: { total: number; byLabel: { label: string; count: number }[]; bySource: { source: string; count: number }[] };
  limits: {
    breaches: number;
    /** Distinct customers among the breaches. */
    customers: number;
    topCustomers: { customerId: string; count: number }[];
    /** Breaches per policy limit, by its rule path (`actions.refund.issue.limits[0]`), among the latest 2,000 breaches. */
    byLimit: { rule: string; index: number | null; count: number }[];
  };
  /** Failures and reversals reported in the last 7 days (whatever the window), with the executions they compare to. */
  recent: { days: number; failed: number; reverted: number; executions: number; incidents: Incident[] };
}

export interface ScorecardSummary {
  action: string;
  volume: number;
  held: number;
  approved: number;
  rejected: number;
  reverted: number;
  failed: number;
  executions: number;
  limitBreaches: number;
  heldShare: number | null;
  approvalRate: number | null;
  reversalRate: number | null;
}
