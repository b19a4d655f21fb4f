import DecimalJs from "decimal.js";
import { describe, expect, it } from "vitest";
import { Decimal, normalizeAmount, parseAmount, parseDecimal, toAmount, toComparableDecimal } from "./money";
import { JsonDecimal } from "@/lib/exact-json";

const value = (input: unknown) => {
  const parsed = parseAmount(input);
  if (!parsed.ok) throw new Error(parsed.message);
  return normalizeAmount(parsed.value);
};

const message = (input: unknown, options?: { signed?: boolean }) => {
  const parsed = parseDecimal(input, options);
  return parsed.ok ? null : parsed.message;
};

describe("parseAmount", () => {
  it("reads numbers, decimal strings and Decimals exactly", () => {
    expect(value(42.5)).toBe("42.5");
    expect(value("42.50")).toBe("42.5");
    expect(value("0042.500")).toBe("42.5");
    expect(value("0")).toBe("0");
    expect(value(-0)).toBe("0");
    expect(value(new DecimalJs("19.99"))).toBe("19.99");
    expect(value("123456789012345678.12345678")).toBe("123456789012345678.12345678");
    expect(value(1e-7)).toBe("0.0000001");
  });

  it("keeps decimal sums exact where floats drift", () => {
    const sum = new Decimal(value("0.1")).plus(value("0.2"));
    expect(sum.eq("0.3")).toBe(true);
    expect(0.1 + 0.2 === 0.3).toBe(false);
  });

  it("rejects what is not a plain non-negative decimal", () => {
    expect(message(Number.NaN)).toMatch(/finite number, got NaN/);
    expect(message(Number.POSITIVE_INFINITY)).toMatch(/finite number, got Infinity/);
    expect(message(new DecimalJs(Number.NaN))).toMatch(/finite number/);
    expect(message("1e3")).toMatch(/decimal number such as "49.99", got "1e3"/);
    expect(message(" 5")).toMatch(/got " 5"/);
    expect(message("+5")).not.toBeNull();
    expect(message(".5")).not.toBeNull();
    expect(message("5.")).not.toBeNull();
    expect(message("")).not.toBeNull();
    expect(message("abc")).not.toBeNull();
    expect(message(null)).toMatch(/got null/);
    expect(message(true)).toMatch(/got boolean/);
    expect(message({})).toMatch(/got an object/);
    expect(message(-1)).toMatch(/non-negative amount, got -1/);
    expect(message("-0.01")).toMatch(/non-negative/);
  });

  it("rejects more than 18 integer digits or 8 fraction digits", () => {
    expect(message("1234567890123456789012345678901234567890")).toMatch(/more than 18 digits before the decimal point/);
    expect(message("0.1234567890123456789012345678901234567890")).toMatch(/more than 8 digits after the decimal point/);
    expect(message("1234567890123456789")).toMatch(/18 digits before/);
    expect(message("0.123456789")).toMatch(/8 digits after/);
    expect(message(0.1 + 0.2)).toMatch(/8 digits after/);
    expect(message(1e21)).toMatch(/18 digits before/);
    expect(message("1".repeat(65))).toMatch(/decimal number such as/);
    expect(message("1.10000000000")).toBeNull();
  });

  it("accepts negatives only when signed", () => {
    expect(message("-3.5", { signed: true })).toBeNull();
    expect(toAmount("-3.5")).toBeNull();
    expect(toAmount(undefined)).toBeNull();
    expect(toAmount("7.00")?.toFixed()).toBe("7");
  });

  it("answers a repeated amount from its recent results exactly as a fresh parse would, past the cache's bound", () => {
    // Strings and numbers, valid and not, each parsed three times across more than a cache's worth.
    const inputs = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? i / 7 : i % 3 === 1 ? `${i}.${i % 97}` : `-${i}`));
    for (let round = 0; round < 3; round++) {
      for (const input of inputs) {
        const cached = parseAmount(input);
        const fresh = parseDecimal(input);
        expect(cached.ok).toBe(fresh.ok);
        if (cached.ok && fresh.ok) expect(cached.value.equals(fresh.value)).toBe(true);
        if (!cached.ok && !fresh.ok) expect(cached.message).toBe(fresh.message);
      }
    }
  });
});

describe("toComparableDecimal", () => {
  it("reads finite numbers and decimal text without the amount bounds", () => {
    expect(toComparableDecimal(0.123456789)?.toFixed()).toBe("0.123456789");
    expect(toComparableDecimal("-2.5")?.toFixed()).toBe("-2.5");
    expect(toComparableDecimal("x")).toBeNull();
    expect(toComparableDecimal(Number.NaN)).toBeNull();
    expect(toComparableDecimal(true)).toBeNull();
  });
});

describe("normalizeAmount", () => {
  it("writes plain notation without trailing zeros", () => {
    expect(normalizeAmount(new Decimal("42.50"))).toBe("42.5");
    expect(normalizeAmount(new Decimal("1e21"))).toBe("1000000000000000000000");
    expect(normalizeAmount(new Decimal("-0"))).toBe("0");
    expect(normalizeAmount(new Decimal("100"))).toBe("100");
  });
});

// Bug (found by the agent API fuzz test): an amount sent as the JSON number 1e999999999 is 11
// characters of text, but writing its digits out took a billion characters and stalled the server.
describe("amounts with huge exponents", () => {
  it("are refused without writing their digits out", () => {
    const started = performance.now();
    for (const text of ["1e999999999", "-1e-999999999", "1e-999999999", "9.9e65"]) {
      expect(parseDecimal(new JsonDecimal(text)).ok, text).toBe(false);
    }
    expect(parseDecimal(new JsonDecimal("1.5e17"))).toMatchObject({ ok: true });
    expect(performance.now() - started).toBeLessThan(200);
  });
});
