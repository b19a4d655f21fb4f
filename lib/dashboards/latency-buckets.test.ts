import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_SECONDS, latencyBucketOf, latencyPercentile } from "./latency-buckets";

describe("latency buckets", () => {
  it("puts a latency in the bucket width_bucket would: lower bound inclusive, upper exclusive", () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(0.99)).toBe(0);
    expect(latencyBucketOf(1)).toBe(1);
    expect(latencyBucketOf(9.99)).toBe(5);
    expect(latencyBucketOf(10)).toBe(6);
    expect(latencyBucketOf(10 ** 9)).toBe(LATENCY_BOUNDS_SECONDS.length);
  });

  it("keeps the bounds strictly increasing", () => {
    for (let i = 1; i < LATENCY_BOUNDS_SECONDS.length; i++) expect(LATENCY_BOUNDS_SECONDS[i]).toBeGreaterThan(LATENCY_BOUNDS_SECONDS[i - 1]!);
  });

  it("interpolates a percentile inside the bucket that holds it", () => {
    // 10 items in [60, 90) s: the median sits half-way.
    expect(latencyPercentile(new Map([[latencyBucketOf(60), 10]]), 0.5)).toBeCloseTo(75);
    // 90 fast (2–3 s) and 10 slow (1–2 h): p50 is fast, p95 is slow.
    const mixed = new Map([
      [latencyBucketOf(2), 90],
      [latencyBucketOf(3600), 10],
    ]);
    expect(latencyPercentile(mixed, 0.5)).toBeGreaterThanOrEqual(2);
    expect(latencyPercentile(mixed, 0.5)).toBeLessThan(3);
    expect(latencyPercentile(mixed, 0.95)).toBeGreaterThanOrEqual(3600);
    expect(latencyPercentile(mixed, 0.95)).toBeLessThan(5400);
  });

  it("estimates a percentile within its bucket's width of the exact value", () => {
    const samples = Array.from({ length: 2000 }, (_, i) => 2 + ((i * 7919) % 5000) ** 1.3 / 10);
    const histogram = new Map<number, number>();
    for (const s of samples) histogram.set(latencyBucketOf(s), (histogram.get(latencyBucketOf(s)) ?? 0) + 1);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const q of [0.5, 0.95]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const bucket = latencyBucketOf(exact);
      const width = (LATENCY_BOUNDS_SECONDS[bucket] ?? exact * 2) - (LATENCY_BOUNDS_SECONDS[bucket - 1] ?? 0);
      expect(Math.abs(latencyPercentile(histogram, q)! - exact)).toBeLessThanOrEqual(width);
    }
  });

  it("has no percentile for an empty histogram", () => {
    expect(latencyPercentile(new Map(), 0.5)).toBeNull();
  });
});
