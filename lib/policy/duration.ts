const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Longest accepted window or expiry. Keeps every duration a safe integer of milliseconds. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

const DURATION_PATTERN = /^([1-9][0-9]{0,8})([smhd])$/;

/**
 * Parses a policy duration such as `15m`, `1h`, `24h` or `30d` (units s, m, h, d) into
 * milliseconds. Returns null for anything else, including zero and durations over 366 days.
 */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DURATION_MS ? ms : null;
}
