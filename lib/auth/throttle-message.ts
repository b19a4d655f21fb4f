// Shared by the server (which writes it) and the sign-in form (which shows only text of this shape).
export const TOO_MANY_ATTEMPTS = /^Too many attempts; try again in \d{1,3} minutes?\.$/;

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
