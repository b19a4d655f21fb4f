import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import type { Db } from "@/lib/db/prisma";
import { generateRecommendations, type GenerationResult } from "./generate-recommendations";

export interface RecommendationRefresher {
  /** Stops the loop and waits for a run in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

/**
 * Re-runs the earned-autonomy rules in the background: once shortly after start (the demo
 * history is loaded before this starts) and then every `intervalMs` (10 minutes). Every server
 * may run one: the advisory lock in generateRecommendations lets one process work per round.
 */
export function startRecommendationRefresher(
  db: Db,
  options: { intervalMs?: number; firstRunMs?: number; onError?: (error: unknown) => void; onRun?: (result: GenerationResult) => void } = {},
): RecommendationRefresher {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  const onError = options.onError ?? ((error: unknown) => console.error("mandate: generating recommendations failed", error));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const run = async () => {
    try {
      const result = await generateRecommendations(db, SYSTEM_ACTOR);
      options.onRun?.(result);
    } catch (error) {
      onError(error);
    }
  };

  // The next run is scheduled when this one ends, so runs never overlap.
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = null;
        schedule(intervalMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(options.firstRunMs ?? 1_000);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
