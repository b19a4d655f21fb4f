// Money in the replay as integers of 10⁻⁸ (decisions.amount is NUMERIC(28, 8)): sums over a
// million rows stay exact and cost a BigInt add instead of a Decimal allocation.

const SCALE_DIGITS = 8;

/** "42.5" → 4250000000n. Input is decisions.amount text: plain notation, at most 8 decimals. */
export function parseScaled(text: string): bigint {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf(".");
  const whole = dot < 0 ? body : body.slice(0, dot);
  const fraction = dot < 0 ? "" : body.slice(dot + 1, dot + 1 + SCALE_DIGITS);
  const value = BigInt((whole || "0") + fraction.padEnd(SCALE_DIGITS, "0"));
  return negative ? -value : value;
}

/** 4250000000n → "42.5": normalized (no trailing zeros), exact. */
export function formatScaled(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE_DIGITS + 1, "0");
  const whole = digits.slice(0, -SCALE_DIGITS);
  const fraction = digits.slice(-SCALE_DIGITS).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
