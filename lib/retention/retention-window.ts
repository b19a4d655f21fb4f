import { AppError } from "@/lib/errors";

/** Six months, rounded up: the least any deployment keeps raw decision records. */
export const MIN_RETENTION_DAYS = 183;
const DAY_MS = 86_400_000;

/** The oldest instant still inside the retention window: records from it on must be kept. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - Math.max(retentionDays, MIN_RETENTION_DAYS) * DAY_MS);
}

/**
 * Throws unless `before` lies at or before the retention cutoff: pruning may never reach into
 * the window, whatever the operator types. The floor applies even if the setting were lower.
 */
export function assertOutsideRetention(before: Date, now: Date, retentionDays: number): void {
  const days = Math.max(retentionDays, MIN_RETENTION_DAYS);
  const cutoff = retentionCutoff(now, days);
  if (before.getTime() > cutoff.getTime()) {
    throw new AppError(
      "validation_failed",
      `Refusing to prune records before ${before.toISOString()}: that reaches into the retention window. ` +
        `Records are kept ${days} days (MANDATE_RETENTION_DAYS), so the latest date you may prune before is ${cutoff.toISOString()}.`,
    );
  }
}
