import { describe, expect, it } from "vitest";
import { parseWrkOutput } from "./load-generators";

// A line as scripts/bench/wrk-load.lua prints it, among wrk's own report.
const output = (summary: object) => `Running 20s test @ http://127.0.0.1:3000\n  1 threads and 50 connections\nMANDATE_WRK ${JSON.stringify(summary)}\n`;

const SUMMARY = {
  requests: 20_130,
  durationUs: 20_012_345,
  latencyUs: { mean: 15_561.4, p50: 12_407, p90: 31_084, p99: 53_251, max: 92_270 },
  statuses: { "201": 20_120, "429": 6, "503": 4 },
  errors: { connect: 1, read: 2, write: 0, timeout: 3 },
  late: 630,
  latestMs: 42.1,
};

describe("parseWrkOutput", () => {
  it("turns wrk-load.lua's summary into the benchmark's result: rate, milliseconds, failures, late arrivals", () => {
    expect(parseWrkOutput(output(SUMMARY), true)).toEqual({
      requestsPerSecond: 1_006,
      latencyMs: { average: 15.56, p50: 12.41, p90: 31.08, p99: 53.25, max: 92.27 },
      statuses: { "201": 20_120, "429": 6, "503": 4 },
      non2xx: 10,
      errors: 6,
      timeouts: 3,
      late: { requests: 630, latestMs: 42.1 },
    });
  });

  it("reports no late arrivals for a run at full speed, and no rate for a run that answered nothing", () => {
    const result = parseWrkOutput(output({ ...SUMMARY, requests: 0, durationUs: 0, statuses: {} }), false);
    expect(result).toMatchObject({ requestsPerSecond: 0, non2xx: 0, late: null });
  });

  it("says what wrk printed when the summary line is missing", () => {
    expect(() => parseWrkOutput("unable to connect to 127.0.0.1:3000 Connection refused\n", false)).toThrow(/no summary:\nunable to connect/);
  });
});
