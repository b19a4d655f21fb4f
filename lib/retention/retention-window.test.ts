import { describe, expect, it } from "vitest";
import { assertOutsideRetention, retentionCutoff } from "./retention-window";

const now = new Date("2026-07-01T12:00:00Z");

describe("retention window", () => {
  it("keeps 183 days by default and never fewer", () => {
    expect(retentionCutoff(now, 183)).toEqual(new Date("2025-12-30T12:00:00Z"));
    expect(retentionCutoff(now, 30)).toEqual(retentionCutoff(now, 183));
    expect(retentionCutoff(now, 365)).toEqual(new Date("2025-07-01T12:00:00Z"));
  });

  it("refuses a prune date inside the window and names the latest allowed one", () => {
    expect(() => assertOutsideRetention(new Date("2026-01-01T00:00:00Z"), now, 183)).toThrow(
      /^Refusing to prune records before 2026-01-01T00:00:00\.000Z: that reaches into the retention window\. Records are kept 183 days \(MANDATE_RETENTION_DAYS\), so the latest date you may prune before is 2025-12-30T12:00:00\.000Z\.$/,
    );
    expect(() => assertOutsideRetention(new Date("2025-12-30T12:00:00Z"), now, 183)).not.toThrow();
    expect(() => assertOutsideRetention(new Date("2025-12-01T00:00:00Z"), now, 365)).toThrow(/kept 365 days/);
  });
});
