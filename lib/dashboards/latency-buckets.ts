// Approval latency is kept as a histogram in approval_rollups (docs/decisions/0003-dashboard-rollups.md):
// percentiles come from bucket counts, never from scanning approvals. Bucket k holds latencies in
// [LATENCY_BOUNDS_SECONDS[k - 1], LATENCY_BOUNDS_SECONDS[k]), bucket 0 those under the first bound and
// the last bucket those at or above the last bound: exactly PostgreSQL's width_bucket(x, bounds).
// Changing the bounds changes what stored bucket numbers mean: rebuild the rollups after.

export const LATENCY_BOUNDS_SECONDS = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 28800,
  43200, 86400, 172800,
] as const;

/** The bounds as a SQL array literal, for width_bucket in the rollup refresh. */
export const LATENCY_BOUNDS_SQL = `'{${LATENCY_BOUNDS_SECONDS.join(",")}}'::float8[]`;

/** The bucket a latency falls in (the same answer as width_bucket in SQL). */
export function latencyBucketOf(seconds: number): number {
  let bucket = 0;
  while (bucket < LATENCY_BOUNDS_SECONDS.length && seconds >= LATENCY_BOUNDS_SECONDS[bucket]!) bucket++;
  return bucket;
}

function bucketRange(bucket: number): [number, number] {
  const lower = bucket === 0 ? 0 : LATENCY_BOUNDS_SECONDS[bucket - 1]!;
  // The open-ended last bucket is read as one more doubling: an estimate, and said so in the UI.
  const upper = LATENCY_BOUNDS_SECONDS[bucket] ?? lower * 2;
  return [lower, upper];
}

/**
 * The q-quantile (0 < q < 1) in seconds of a latency histogram given as bucket → count, by linear
 * interpolation inside the bucket that holds it; null when the histogram is empty. The error is
 * bounded by the width of that bucket (about a third of its value at these bounds).
 */
export function latencyPercentile(histogram: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    const count = histogram.get(bucket)!;
    if (count <= 0) continue;
    if (seen + count >= rank) {
      const [lower, upper] = bucketRange(bucket);
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return bucketRange(LATENCY_BOUNDS_SECONDS.length)[1];
}
