import type { Db } from "@/lib/db/prisma";
import { sealAuditLog } from "./seal-audit-log";

export interface AuditSealer {
  /** Stops the loop and waits for a seal in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Seals the audit log every `intervalMs` in the background. Every server process may run one:
 * the advisory lock in sealAuditLog lets one seal at a time and the others skip that round.
 */
export function startAuditSealer(
  db: Db,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): AuditSealer {
  const intervalMs = options.intervalMs ?? 1_000;
  const onError = options.onError ?? ((error: unknown) => console.error("mandate: sealing the audit log failed", error));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const run = async () => {
    try {
      // A capped seal means a backlog: keep sealing rather than wait another interval.
      let caughtUp = false;
      while (!caughtUp && !stopped) caughtUp = (await sealAuditLog(db)).caughtUp;
    } catch (error) {
      onError(error);
    }
  };

  // The next round is scheduled when this one ends, so rounds never overlap.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = null;
        schedule();
      });
    }, intervalMs);
    // Sealing alone must not keep the process alive.
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
