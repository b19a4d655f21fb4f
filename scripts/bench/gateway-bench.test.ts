import { describe, expect, it } from "vitest";
import { summarizePairs } from "./gateway-bench";

const run = (p50: number, p99: number, requestsPerSecond: number, serverUs: number, postgresUs = 0) => ({
  requestsPerSecond,
  latencyMs: { average: p50, p50, p90: p99, p99, max: p99 },
  cpuPerCallUs: { server: serverUs, postgres: postgresUs },
});

describe("summarizePairs", () => {
  it("takes the overhead as the median of each pair's difference, so drift between pairs cancels out", () => {
    // The machine slows down between pairs (another session starts): both sides of a pair move together.
    const pairs = [
      { direct: run(10, 20, 4_000, 200), gateway: run(11, 23, 3_500, 260, 90) },
      { direct: run(30, 60, 1_500, 210), gateway: run(31.5, 64, 1_300, 280, 100) },
      { direct: run(20, 40, 2_500, 205), gateway: run(21.2, 42, 2_200, 270, 95) },
    ];
    const summary = summarizePairs(pairs);
    // Per pair +1, +1.5, +1.2 ms at p50: median 1.2; +3, +4, +2 ms at p99: median 3.
    expect(summary.overheadMs).toEqual({ p50: 1.2, p99: 3 });
    expect(summary.medians).toEqual({ direct: { p50: 20, p99: 40, requestsPerSecond: 2_500 }, gateway: { p50: 21.2, p99: 42, requestsPerSecond: 2_200 } });
    expect(summary.serverCpuAddedUs).toBe(65);
    expect(summary.postgresCpuPerCallUs).toBe(95);
  });

  it("is not the difference of the sides' medians when the pairs disagree", () => {
    const pairs = [
      { direct: run(10, 20, 1, 0), gateway: run(40, 50, 1, 0) },
      { direct: run(30, 40, 1, 0), gateway: run(31, 41, 1, 0) },
      { direct: run(50, 60, 1, 0), gateway: run(51, 61, 1, 0) },
    ];
    // Medians of the sides: 30 and 40 (+10); the pairs say +30, +1, +1: median +1.
    expect(summarizePairs(pairs).overheadMs.p50).toBe(1);
  });
});
