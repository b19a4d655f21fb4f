/** A small seeded PRNG (mulberry32): the benchmark's requests are the same on every run. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    /** Picks by weight: [[value, weight], …]. */
    weighted: <T>(entries: readonly (readonly [T, number])[]): T => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let draw = next() * total;
      for (const [value, weight] of entries) {
        draw -= weight;
        if (draw < 0) return value;
      }
      return entries[entries.length - 1]![0];
    },
    /** A money amount with exactly two decimals in [min, max], as text ("42.50"). */
    amount: (min: number, max: number) => (min + Math.floor(next() * Math.round((max - min) * 100 + 1)) / 100).toFixed(2),
  };
}

export type Random = ReturnType<typeof createRandom>;
