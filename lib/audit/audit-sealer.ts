import { startBackgroundLoop, type BackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import type { AuditTrust } from "./audit-trust";
import { AuditSealRefused, sealAuditLog } from "./seal-audit-log";
import { componentLogger } from "@/lib/logger";

export type AuditSealer = Pick<BackgroundLoop, "stop">;

/**
 * Seals the audit log every `intervalMs` in the background. Every server process may run one:
 * the advisory lock in sealAuditLog lets one seal at a time and the others skip that round.
 * A refusal (a forged entry) is reported once per entry, not every second.
 */
export function startAuditSealer(db: Db, options: { intervalMs?: number; trust?: AuditTrust; onError?: (error: unknown) => void } = {}): AuditSealer {
  const onError = options.onError ?? ((error: unknown) => componentLogger("sealer").error({ err: error }, "sealing the audit log failed"));
  let lastRefused: string | null = null;
  return startBackgroundLoop(
    async (loop) => {
      // A capped seal means a backlog: keep sealing rather than wait another interval.
      let caughtUp = false;
      while (!caughtUp && !loop.stopped) caughtUp = (await sealAuditLog(db, { trust: options.trust })).caughtUp;
      lastRefused = null;
    },
    {
      intervalMs: options.intervalMs ?? 1_000,
      onError: (error) => {
        if (error instanceof AuditSealRefused) {
          if (error.entryId === lastRefused) return;
          lastRefused = error.entryId;
        }
        onError(error);
      },
    },
  );
}
