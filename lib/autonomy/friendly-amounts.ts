import { Decimal } from "@/lib/engine/money";

type AmountLike = number | string | Decimal;

/**
 * Amounts people write into a policy: 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 times a power of ten
 * ($50, $75, $100, $125, $150, $200, $250 …). Recommendations only ever propose these, and the
 * scorecard buckets held amounts on the same grid so a proposal always sits on a bucket edge.
 */
const STEPS = ["1", "1.25", "1.5", "2", "2.5", "3", "4", "5", "6", "7.5"];

/** Every friendly amount from 1 up to `max` (inclusive), ascending. */
export function friendlyGrid(max: AmountLike = 1_000_000): Decimal[] {
  const limit = new Decimal(max);
  const out: Decimal[] = [];
  for (let power = new Decimal(1); power.lte(limit); power = power.times(10)) {
    for (const step of STEPS) {
      const value = power.times(step);
      if (value.lte(limit)) out.push(value);
    }
  }
  return out;
}

/** The largest friendly amount at or below `value`, or null below 1. */
export function friendlyAtOrBelow(value: AmountLike): Decimal | null {
  const target = new Decimal(value);
  let best: Decimal | null = null;
  for (const candidate of friendlyGrid(target.gt(1) ? target : 1)) if (candidate.lte(target)) best = candidate;
  return best;
}

/** The grid merged with extra breaks (the policy's own thresholds), ascending, without duplicates. */
export function amountBreaks(extra: readonly AmountLike[] = [], max: AmountLike = 1_000_000): Decimal[] {
  const all = [...friendlyGrid(max), ...extra.map((value) => new Decimal(value))].filter((value) => value.gt(0));
  all.sort((a, b) => a.comparedTo(b));
  return all.filter((value, index) => index === 0 || !value.eq(all[index - 1]!));
}
