// When a failed webhook is tried again: exponential backoff with jitter, inside a 24 h window.

export const RETRY_BASE_MS = 1_000;
export const RETRY_FACTOR = 2;
export const RETRY_CAP_MS = 60 * 60 * 1_000;
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1_000;

/**
 * The wait after the `attempt`-th failed attempt (1-based): 1 s, 2 s, 4 s… capped at 1 h, scaled
 * by a draw in [0.5, 1.0] so receivers recovering from an outage are not hit by every sender at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const delay = Math.min(RETRY_BASE_MS * RETRY_FACTOR ** Math.max(0, attempt - 1), RETRY_CAP_MS);
  return Math.round(delay * (0.5 + 0.5 * random()));
}

/**
 * What follows a failed attempt: another try (never later than the deadline, so the last one
 * lands at 24 h) or giving up once the deadline has passed.
 */
export function nextRetry(input: { attempt: number; createdAt: Date; now: Date; random?: () => number }): { giveUp: true } | { giveUp: false; at: Date } {
  const deadline = input.createdAt.getTime() + GIVE_UP_AFTER_MS;
  const now = input.now.getTime();
  if (now >= deadline) return { giveUp: true };
  return { giveUp: false, at: new Date(Math.min(now + retryDelayMs(input.attempt, input.random), deadline)) };
}
