import type { DashboardRange } from "./schemas";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface TimeFrame {
  range: DashboardRange;
  /** Hourly buckets for 24 h, daily (UTC) for 7 d, 30 d and 90 d (today and the days before it). */
  granularity: "hour" | "day";
  /** The first bucket's start: the window reaches back to a whole hour or day. */
  from: Date;
  to: Date;
  /** Every bucket's start, oldest first; charts show empty buckets as zero. */
  buckets: Date[];
}

const SHAPE: Record<DashboardRange, { granularity: "hour" | "day"; count: number }> = {
  "24h": { granularity: "hour", count: 24 },
  // A week reads by day: 168 hourly bars were noise to the people who read these charts.
  "7d": { granularity: "day", count: 7 },
  "30d": { granularity: "day", count: 30 },
  "90d": { granularity: "day", count: 90 },
};

export function computeTimeFrame(range: DashboardRange, now: Date): TimeFrame {
  const { granularity, count } = SHAPE[range];
  const size = granularity === "hour" ? HOUR_MS : DAY_MS;
  const last = Math.floor(now.getTime() / size) * size;
  const buckets = Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * size));
  return { range, granularity, from: buckets[0]!, to: now, buckets };
}

export function bucketEnd(frame: TimeFrame, bucket: Date): Date {
  return new Date(bucket.getTime() + (frame.granularity === "hour" ? HOUR_MS : DAY_MS));
}
