import { describe, expect, it } from "vitest";
import { formatMoney } from "./format";

describe("formatMoney", () => {
  it("formats exact decimal text as money without float rounding", () => {
    expect(formatMoney("180.00000000", "USD")).toBe("$180.00");
    expect(formatMoney("12.5", "EUR")).toBe("€12.50");
    expect(formatMoney("123456789012345678.12345678", "USD")).toBe("$123,456,789,012,345,678.12345678");
    expect(formatMoney(null, "USD")).toBe("—");
    expect(formatMoney("7", null)).toBe("7.00");
  });
});
