import type { DashboardRange } from "./schemas";

// What the dashboards API answers: series already shaped for recharts (one object per bucket or
// category, numbers only), each with a table of the same numbers and links into the history.

export type ColumnKind = "time" | "text" | "count" | "percent" | "seconds" | "money";

export interface TableColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

export interface ChartTable {
  columns: TableColumn[];
  /** Percentages are fractions (0.42), seconds are numbers, money is exact decimal text. */
  rows: Record<string, string | number | null>[];
}

/** A series drawn in the chart: `key` is the point field, `label` its legend text. */
export interface SeriesKey {
  key: string;
  label: string;
}

export interface Chart<Point> {
  title: string;
  description: string;
  seriesKeys: SeriesKey[];
  series: Point[];
  table: ChartTable;
  totals: Record<string, number | string | null>;
  /** The history explorer filtered to what the chart counts, or null when it cannot be. */
  historyHref: string | null;
}

/** One time bucket: `bucket` is its start (ISO), `href` the history of that bucket. */
export interface TimePoint {
  bucket: string;
  href: string | null;
}

export type VolumePoint = TimePoint & { allow: number; deny: number; hold: number; step_up: number; escalate: number; total: number };
export type AutonomyPoint = TimePoint & { total: number; autonomous: number; share: number | null };
export type ApprovalPoint = TimePoint & {
  holds: number;
  approved: number;
  rejected: number;
  expired: number;
  approvalRate: number | null;
  p50Seconds: number | null;
  p95Seconds: number | null;
};
/** Amounts per tier key (numbers, for drawing; the table keeps exact text). */
export type MoneyPoint = TimePoint & Record<string, number | string | null>;
export type OutcomeProblemPoint = TimePoint & { failed: number; reverted: number };
export type ReviewPoint = TimePoint & { opened: number; resolved: number; dismissed: number };
export interface CategoryPoint {
  key: string;
  label: string;
  count: number;
  share: number;
  href: string | null;
}
export type HandoffPoint = CategoryPoint & { hold: number; escalate: number };

export interface DashboardFilterEcho {
  range: DashboardRange;
  action: string | null;
  agent: { id: string; name: string } | null;
  tier: string | null;
}

export interface Dashboard {
  filter: DashboardFilterEcho;
  frame: { from: string; to: string; granularity: "hour" | "day"; buckets: string[] };
  currency: string | null;
  generatedAt: string;
  volume: Chart<VolumePoint>;
  autonomy: Chart<AutonomyPoint>;
  approvals: Chart<ApprovalPoint>;
  denials: Chart<CategoryPoint>;
  money: Chart<MoneyPoint>;
  outcomeProblems: Chart<OutcomeProblemPoint>;
  reviews: Chart<ReviewPoint>;
  handoffIntents: Chart<HandoffPoint>;
  handoffActions: Chart<HandoffPoint>;
  /** Values for the filter menus. */
  options: { actions: string[]; agents: { id: string; name: string }[]; tiers: string[] };
}

export interface ApproverStat {
  userId: string;
  name: string;
  email: string;
  roles: string[];
  decided: number;
  approved: number;
  rejected: number;
  approvalRate: number;
  /** Median seconds from the item entering the queue to this person's vote. */
  medianSeconds: number;
  flagged: boolean;
}

export interface ApproverStats {
  range: DashboardRange;
  from: string;
  to: string;
  thresholds: { approvalRate: number; medianSeconds: number; minDecided: number };
  approvers: ApproverStat[];
  table: ChartTable;
}
