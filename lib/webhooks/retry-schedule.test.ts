import { describe, expect, it } from "vitest";
import { GIVE_UP_AFTER_MS, nextRetry, retryDelayMs } from "./retry-schedule";

describe("retryDelayMs", () => {
  it("doubles from 1 s and caps at 1 h", () => {
    const max = () => 1 - Number.EPSILON;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, max))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(12, max)).toBe(2_048_000);
    expect(retryDelayMs(13, max)).toBe(3_600_000);
    expect(retryDelayMs(500, max)).toBe(3_600_000);
  });

  it("jitters within [0.5, 1.0] of the delay", () => {
    expect(retryDelayMs(3, () => 0)).toBe(2_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(3_000);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(4);
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
  });
});

describe("nextRetry", () => {
  const createdAt = new Date("2026-01-01T00:00:00Z");
  const after = (ms: number) => new Date(createdAt.getTime() + ms);

  it("schedules the next try after the backoff", () => {
    expect(nextRetry({ attempt: 1, createdAt, now: after(0), random: () => 0 })).toEqual({ giveUp: false, at: after(500) });
  });

  it("never schedules past 24 h, and gives up once they have passed", () => {
    expect(nextRetry({ attempt: 20, createdAt, now: after(GIVE_UP_AFTER_MS - 10_000), random: () => 0.99 })).toEqual({ giveUp: false, at: after(GIVE_UP_AFTER_MS) });
    expect(nextRetry({ attempt: 21, createdAt, now: after(GIVE_UP_AFTER_MS) })).toEqual({ giveUp: true });
  });
});
