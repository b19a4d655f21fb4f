import { describe, expect, it } from "vitest";
import { MAX_DURATION_MS, parseDuration } from "./duration";

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("30d")).toBe(2_592_000_000);
    expect(parseDuration("366d")).toBe(MAX_DURATION_MS);
  });

  it.each(["0m", "-1h", "1w", "1.5h", "h", "", " 1h", "1H", "01h", "367d", "9999999999d"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
