import type { Db } from "@/lib/db/prisma";
import { DEFAULT_BATCH, deliverDueWebhooks, type DeliverWebhooksOptions } from "./deliver-webhooks";

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
  const { intervalMs = 1_000, onError = (error: unknown) => console.error("mandate: delivering webhooks failed", error), ...deliver } = options;
  const batch = deliver.batch ?? DEFAULT_BATCH;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let wokenWhileRunning = false;

  const run = async () => {
    try {
      // A full batch means a backlog: keep going rather than wait another interval.
      let full = true;
      while (full && !stopped) full = (await deliverDueWebhooks(db, { ...deliver, batch })).attempted >= batch;
    } catch (error) {
      onError(error);
    }
  };

  const tick = () => {
    timer = undefined;
    if (stopped) return;
    running = run().finally(() => {
      running = null;
      const again = wokenWhileRunning;
      wokenWhileRunning = false;
      schedule(again ? 0 : intervalMs);
    });
  };

  // The next round is scheduled when this one ends, so rounds never overlap.
  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    // Delivery alone must not keep the process alive.
    timer.unref();
  };

  const dispatcher: WebhookDispatcher = {
    async stop() {
      stopped = true;
      dispatchers.delete(dispatcher);
      clearTimeout(timer);
      await running;
    },
    wake() {
      if (stopped) return;
      if (running) wokenWhileRunning = true;
      else schedule(0);
    },
  };
  dispatchers.add(dispatcher);
  // Start with a round: events queued while no process was running go out at boot.
  schedule(0);
  return dispatcher;
}
