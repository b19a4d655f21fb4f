import { startBackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import { DEFAULT_BATCH, deliverDueWebhooks, type DeliverWebhooksOptions } from "./deliver-webhooks";
import { componentLogger } from "@/lib/logger";

export interface WebhookDispatcher {
  /** Stops the loop and waits for a round in progress, so the database can be closed after it. */
  stop(): Promise<void>;
  /** Runs a round now (or straight after the current one), so a fresh event goes out at once. */
  wake(): void;
}

// The custom server and the Next.js bundle load this module separately (see lib/db/prisma.ts):
// the registry lives on globalThis so a server action can wake the dispatcher the server started.
const registry = globalThis as unknown as { __mandateWebhookDispatchers?: Set<WebhookDispatcher> };
const dispatchers = (registry.__mandateWebhookDispatchers ??= new Set());

/** Wakes every dispatcher in this process; a no-op where none runs (the next tick elsewhere sends it). */
export function wakeWebhookDispatchers(): void {
  for (const dispatcher of dispatchers) dispatcher.wake();
}

/**
 * Delivers due webhooks every `intervalMs` in the background. Every server process may run one:
 * claims skip events another process holds, so they share the work without sending twice.
 */
export function startWebhookDispatcher(
  db: Db,
  options: DeliverWebhooksOptions & { intervalMs?: number; onError?: (error: unknown) => void } = {},
): WebhookDispatcher {
  const { intervalMs = 1_000, onError = (error: unknown) => componentLogger("webhooks").error({ err: error }, "delivering webhooks failed"), ...deliver } = options;
  const batch = deliver.batch ?? DEFAULT_BATCH;
  const loop = startBackgroundLoop(
    async (self) => {
      // A full batch means a backlog: keep going rather than wait another interval.
      let full = true;
      while (full && !self.stopped) full = (await deliverDueWebhooks(db, { ...deliver, batch })).attempted >= batch;
    },
    // Start with a round: events queued while no process was running go out at boot.
    { intervalMs, firstDelayMs: 0, onError },
  );
  const dispatcher: WebhookDispatcher = {
    async stop() {
      dispatchers.delete(dispatcher);
      await loop.stop();
    },
    wake: () => loop.wake(),
  };
  dispatchers.add(dispatcher);
  return dispatcher;
}
