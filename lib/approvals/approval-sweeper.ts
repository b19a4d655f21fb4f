import { startBackgroundLoop } from "@/lib/background-loop";
import type { Db } from "@/lib/db/prisma";
import { getEnv } from "@/lib/env";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { escalateApprovals, expireApprovals } from "./expire-approvals";
import { componentLogger } from "@/lib/logger";

/** Expires due holds every second and escalates those close to expiry (every tenth round), in every server process. */
export function startApprovalSweeper(db: Db, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}) {
  let rounds = 0;
  return startBackgroundLoop(
    async () => {
      await expireApprovals(db);
      if (rounds++ % 10 === 0) {
        const policy = await getCurrentPolicy(db);
        const owners = new Map((policy?.document.owners ?? []).map((o) => [o.key, { name: o.name, contact: o.contact }]));
        const actionLabels = Object.fromEntries((policy?.document.actions ?? []).map((a) => [a.key, a.label]));
        await escalateApprovals(db, owners, { actionLabels, consoleUrl: getEnv().NEXTAUTH_URL });
      }
    },
    { intervalMs: options.intervalMs ?? 1000, onError: options.onError ?? ((error: unknown) => componentLogger("approvals").error({ err: error }, "expiring approvals failed")) },
  );
}
