import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { startBackgroundLoop, type BackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import { listToolServers } from "./queries";
import { refreshToolServer } from "./refresh-tool-server";

/**
 * Re-reads every registered tool server's tool list in the background (every 10 minutes), so a
 * tool an upstream adds or drops, or a server that went down, shows on the Tool servers page and
 * reaches the gateway without IT pressing Refresh. A change to a tool list is audited by
 * refreshToolServer; a server that fails keeps its last tool list.
 */
export function startToolServerRefresher(db: Db, options: { intervalMs?: number; onError: (error: unknown) => void; onChange?: () => void }): Pick<BackgroundLoop, "stop"> {
  return startBackgroundLoop(
    async () => {
      let changed = false;
      for (const server of await listToolServers(db)) {
        try {
          const result = await refreshToolServer(db, SYSTEM_ACTOR, { name: server.name });
          changed ||= result.change !== null || result.status !== server.status;
        } catch (error) {
          options.onError(error);
        }
      }
      if (changed) options.onChange?.();
    },
    { intervalMs: options.intervalMs ?? 10 * 60_000, firstDelayMs: options.intervalMs ?? 10 * 60_000, onError: options.onError },
  );
}
