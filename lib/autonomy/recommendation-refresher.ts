import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { startBackgroundLoop, type BackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import { generateRecommendations, type GenerationResult } from "./generate-recommendations";
import { componentLogger } from "@/lib/logger";

export type RecommendationRefresher = Pick<BackgroundLoop, "stop">;

/**
 * Re-runs the earned-autonomy rules in the background: once shortly after start (the demo
 * history is loaded before this starts) and then every `intervalMs` (10 minutes). Every server
 * may run one: the advisory lock in generateRecommendations lets one process work per round.
 */
export function startRecommendationRefresher(
  db: Db,
  options: { intervalMs?: number; firstRunMs?: number; onError?: (error: unknown) => void; onRun?: (result: GenerationResult) => void } = {},
): RecommendationRefresher {
  return startBackgroundLoop(
    async () => {
      const result = await generateRecommendations(db, SYSTEM_ACTOR);
      options.onRun?.(result);
    },
    {
      intervalMs: options.intervalMs ?? 10 * 60_000,
      firstDelayMs: options.firstRunMs ?? 1_000,
      onError: options.onError ?? ((error: unknown) => componentLogger("recommendations").error({ err: error }, "generating recommendations failed")),
    },
  );
}
