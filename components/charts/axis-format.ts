import { formatPercent, formatSeconds, type ValueKind } from "./format";

/** Short axis labels: "12k", "$1.2M", "40%", "5 min". */
export function axisTickFormatter(kind: ValueKind, currency: string | null): (value: number) => string {
  switch (kind) {
    case "percent":
      return (v) => formatPercent(v);
    case "seconds":
      return (v) => formatSeconds(v);
    case "money": {
      const money = new Intl.NumberFormat("en-US", currency && /^[A-Z]{3}$/.test(currency) ? { notation: "compact", style: "currency", currency } : { notation: "compact" });
      return (v) => money.format(v);
    }
    default: {
      const compact = new Intl.NumberFormat("en-US", { notation: "compact" });
      return (v) => compact.format(v);
    }
  }
}

/**
 * Round ticks from zero past `max` (steps of 1, 2 or 5 times a power of ten, four or five of
 * them), so an axis reads 0, 50, 100, 150 rather than 0, 35, 70, 105. Whole numbers when `whole`.
 */
export function niceTicks(max: number, options: { whole?: boolean } = {}): number[] | undefined {
  if (!Number.isFinite(max) || max <= 0) return undefined;
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  if (options.whole) step = Math.max(1, Math.round(step));
  const count = Math.ceil(max / step - 1e-9);
  // Built from integers times the step, then rounded: 0.1 * 3 must read 0.3, not 0.30000000000000004.
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** The largest value an axis must reach: each point's sum when its series stack, else its largest series. */
export function largestValue(points: readonly Record<string, unknown>[], keys: readonly string[], stacked: boolean): number {
  let largest = 0;
  for (const point of points) {
    const values = keys.map((key) => Number(point[key] ?? 0) || 0);
    largest = Math.max(largest, stacked ? values.reduce((sum, v) => sum + v, 0) : Math.max(0, ...values));
  }
  return largest;
}
