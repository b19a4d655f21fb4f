import DecimalJs from "decimal.js";
import { JsonDecimal } from "@/lib/exact-json";

/**
 * Decimal for money. 64 significant digits so sums of in-range amounts (usage totals)
 * never round, and plain notation so strings never turn into `1e+21`.
 */
export const Decimal = DecimalJs.clone({
  precision: 64,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -64,
  toExpPos: 64,
});
export type Decimal = DecimalJs;

/**
 * Amounts are bounded so they fit a NUMERIC(26, 8) column and stay readable: 18 integer
 * digits (a quintillion major units) and 8 fraction digits (ISO 4217 minor units need at
 * most 4; the rest is headroom for unit prices and crypto-style currencies).
 */
export const MAX_INTEGER_DIGITS = 18;
export const MAX_FRACTION_DIGITS = 8;

export type DecimalParseResult = { ok: true; value: Decimal } | { ok: false; message: string };

// Plain decimal text only: no exponent, sign prefix "+", blanks, or ".5" / "5." forms.
const DECIMAL_TEXT = /^-?[0-9]+(?:\.[0-9]+)?$/;
const MAX_TEXT_LENGTH = 64;

/**
 * Parses an exact decimal from a JSON number (a JS number or, when a double cannot hold it, a
 * JsonDecimal from lib/exact-json.ts), a decimal string ("49.99") or a Decimal.
 * Rejects NaN, Infinity, exponent strings, values out of the digit bounds above and,
 * unless `signed`, negative values. The result never carries a negative zero.
 */
export function parseDecimal(input: unknown, options: { signed?: boolean } = {}): DecimalParseResult {
  let value: Decimal;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return fail(`Expected a finite number, got ${String(input)}`);
    value = new Decimal(input);
  } else if (typeof input === "string") {
    if (input.length > MAX_TEXT_LENGTH || !DECIMAL_TEXT.test(input)) {
      return fail(`Expected a decimal number such as "49.99", got ${quote(input)}`);
    }
    value = new Decimal(input);
  } else if (input instanceof JsonDecimal) {
    // A JSON number no double holds: its written digits, exponent allowed as in any JSON number.
    if (input.text.length > MAX_TEXT_LENGTH) return fail(`Expected at most ${MAX_INTEGER_DIGITS} digits before and ${MAX_FRACTION_DIGITS} after the decimal point, got ${quote(input.text)}`);
    value = new Decimal(input.text);
    if (!value.isFinite()) return fail(`Expected a finite number, got ${input.text}`);
  } else if (DecimalJs.isDecimal(input)) {
    if (!input.isFinite()) return fail(`Expected a finite number, got ${input.toString()}`);
    value = new Decimal(input);
  } else {
    return fail(`Expected a number or a decimal string, got ${describe(input)}`);
  }

  if (value.isZero()) value = new Decimal(0);
  // A JSON number such as 1e999999999 is short text but a billion digits: bound the exponent
  // before anything writes the digits out.
  if (Math.abs(value.e) > MAX_TEXT_LENGTH) {
    const text = input instanceof JsonDecimal ? input.text : "This number";
    return fail(value.e > 0 ? `${text} has more than ${MAX_INTEGER_DIGITS} digits before the decimal point` : `${text} has more than ${MAX_FRACTION_DIGITS} digits after the decimal point`);
  }
  const shown = value.toFixed();
  if (!options.signed && value.isNegative()) return fail(`Expected a non-negative amount, got ${shown}`);
  if (value.decimalPlaces() > MAX_FRACTION_DIGITS) {
    return fail(`${shown} has more than ${MAX_FRACTION_DIGITS} digits after the decimal point`);
  }
  if (value.abs().truncated().toFixed().length > MAX_INTEGER_DIGITS) {
    return fail(`${abbreviate(shown)} has more than ${MAX_INTEGER_DIGITS} digits before the decimal point`);
  }
  return { ok: true, value };
}

// A decision parses its amount three or four times (the request schema, the action digest, the
// stored row, the engine's conditions); recent results are kept so that costs one parse. Decimals
// are immutable, so sharing a result is safe. Cleared when full: a bound, not an LRU.
const RECENT_LIMIT = 1024;
const recentAmounts = new Map<string | number, DecimalParseResult>();

/** A money amount: a non-negative decimal within the digit bounds. */
export function parseAmount(input: unknown): DecimalParseResult {
  if (typeof input !== "string" && typeof input !== "number") return parseDecimal(input);
  let parsed = recentAmounts.get(input);
  if (parsed === undefined) {
    parsed = parseDecimal(input);
    if (recentAmounts.size >= RECENT_LIMIT) recentAmounts.clear();
    recentAmounts.set(input, parsed);
  }
  return parsed;
}

/** The amount, or null when it is absent or not a valid amount. */
export function toAmount(input: unknown): Decimal | null {
  const parsed = parseAmount(input);
  return parsed.ok ? parsed.value : null;
}

/**
 * A finite number or plain decimal text ("-3.25") as a Decimal, without the amount bounds,
 * or null. For comparing non-money values such as confidence or numeric params.
 */
export function toComparableDecimal(value: unknown): Decimal | null {
  if (value instanceof JsonDecimal) {
    const plain = value.toPlainString(MAX_TEXT_LENGTH);
    return plain === null ? null : new Decimal(plain);
  }
  if (typeof value === "number") return Number.isFinite(value) ? new Decimal(value) : null;
  if (typeof value === "string" && value.length <= MAX_TEXT_LENGTH && DECIMAL_TEXT.test(value)) return new Decimal(value);
  return null;
}

/** Canonical text of a decimal: plain notation, no trailing zeros ("42.50" → "42.5", "7.0" → "7"). */
export function normalizeAmount(value: Decimal): string {
  return value.isZero() ? "0" : value.toFixed();
}

function fail(message: string): DecimalParseResult {
  return { ok: false, message };
}

function quote(text: string): string {
  return JSON.stringify(abbreviate(text));
}

function abbreviate(text: string): string {
  return text.length > 24 ? `${text.slice(0, 20)}…` : text;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
