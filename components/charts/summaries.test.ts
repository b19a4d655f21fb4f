import { describe, expect, it } from "vitest";
import { formatBucket, formatBucketTick, formatPercent, formatSeconds } from "./format";
import { summarizeApprovals, summarizeLatency, summarizeMoney, summarizeOutcomeProblems, summarizeVolume } from "./summaries";

describe("dashboard numbers in words", () => {
  it("states the approval rate over the held decisions that were decided", () => {
    expect(summarizeApprovals({ holds: 1300, approved: 1146, rejected: 60, expired: 34, approvalRate: 0.9242 }, "refund.issue")).toBe(
      "Approval rate 92.4% of 1,240 held refund.issue decisions decided (1,146 approved, 60 rejected, 34 expired); 1,300 held in this range.",
    );
    expect(summarizeApprovals({ holds: 2, approved: 0, rejected: 0, expired: 0, approvalRate: null }, null)).toBe("2 held decisions, none decided yet in this range.");
    expect(summarizeApprovals({ holds: 0, approved: 0, rejected: 0, expired: 0, approvalRate: null }, "refund.issue")).toBe("No held refund.issue decisions in this range.");
  });

  it("names only the outcomes that happened", () => {
    expect(summarizeVolume({ allow: 10, deny: 0, hold: 2, step_up: 0, escalate: 1, total: 13 }, null)).toBe("13 decisions: 10 allowed, 2 held for approval, 1 escalated.");
    expect(summarizeVolume({ total: 0 }, "refund.issue")).toBe("No refund.issue decisions in this range.");
  });

  it("reads latency, money and failures as people say them", () => {
    expect(summarizeLatency({ p50Seconds: 252, p95Seconds: 2280 })).toBe("People decided half of the held items within 4.2 min (p50) and 95% within 38 min (p95).");
    expect(summarizeMoney({ executed: "1234.50", authorized: "2000.00", reverted: "0.00" }, "USD")).toBe("$1,234.50 executed by agents, of $2,000.00 authorized; $0.00 reverted.");
    expect(summarizeOutcomeProblems({ failed: 3, reverted: 1, executed: 97, problemRate: 0.04 })).toBe("3 failed and 1 reverted, 4% of 100 actions attempted.");
  });

  it("formats buckets in UTC and durations", () => {
    expect(formatBucket("2026-11-21T14:00:00.000Z", "hour")).toBe("Nov 21 14:00");
    expect(formatBucket("2026-11-21T00:00:00.000Z", "day")).toBe("Nov 21");
    expect(formatBucketTick("2026-11-21T00:00:00.000Z", "hour")).toBe("Nov 21");
    expect(formatBucketTick("2026-11-21T09:00:00.000Z", "hour")).toBe("09:00");
    expect(formatSeconds(8.46)).toBe("8.5 s");
    expect(formatSeconds(7200)).toBe("2 h");
    expect(formatSeconds(60)).toBe("1 min");
    expect(formatSeconds(3600)).toBe("1 h");
    expect(formatPercent(null)).toBe("—");
  });
});
