export interface BackgroundLoop {
  /** True once stop() was called: a round that keeps going through a backlog checks it between steps. */
  readonly stopped: boolean;
  /** Runs a round now, or straight after the one in progress. */
  wake(): void;
  /** Stops the loop and waits for a round in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * The server's background work (audit sealing, approval expiry, webhook delivery, rollups,
 * recommendations, simulations) as one kind of loop: a round runs `intervalMs` after the previous
 * one ended, so rounds never overlap; the first runs after `firstDelayMs` (default: one interval).
 * A round's error goes to `onError` and the loop carries on. The timer never keeps the process
 * alive on its own.
 */
export function startBackgroundLoop(
  round: (loop: BackgroundLoop) => Promise<void>,
  options: { intervalMs: number; firstDelayMs?: number; onError: (error: unknown) => void },
): BackgroundLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let wokenWhileRunning = false;

  const tick = () => {
    timer = undefined;
    if (stopped) return;
    running = round(loop)
      .catch(options.onError)
      .finally(() => {
        running = null;
        const again = wokenWhileRunning;
        wokenWhileRunning = false;
        schedule(again ? 0 : options.intervalMs);
      });
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };

  const loop: BackgroundLoop = {
    get stopped() {
      return stopped;
    },
    wake() {
      if (stopped) return;
      if (running) wokenWhileRunning = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
  schedule(options.firstDelayMs ?? options.intervalMs);
  return loop;
}
