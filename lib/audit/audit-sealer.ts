import { startBackgroundLoop, type BackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import { sealAuditLog } from "./seal-audit-log";

export type AuditSealer = Pick<BackgroundLoop, "stop">;

/**
 * Seals the audit log every `intervalMs` in the background. Every server process may run one:
 * the advisory lock in sealAuditLog lets one seal at a time and the others skip that round.
 */
export function startAuditSealer(db: Db, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}): AuditSealer {
  return startBackgroundLoop(
    async (loop) => {
      // A capped seal means a backlog: keep sealing rather than wait another interval.
      let caughtUp = false;
      while (!caughtUp && !loop.stopped) caughtUp = (await sealAuditLog(db)).caughtUp;
    },
    {
      intervalMs: options.intervalMs ?? 1_000,
      onError: options.onError ?? ((error: unknown) => console.error("mandate: sealing the audit log failed", error)),
    },
  );
}
