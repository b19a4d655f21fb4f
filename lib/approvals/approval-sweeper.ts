import type { Db } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { escalateApprovals, expireApprovals } from "./expire-approvals";

/** Expires due holds every second and escalates those close to expiry, in every server process. */
export function startApprovalSweeper(db: Db, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}) {
  const interval = options.intervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  let ticks = 0;

  async function run() {
    try {
      await expireApprovals(db);
      if (ticks++ % 10 === 0) {
        const policy = await getCurrentPolicy(db);
        const owners = new Map((policy?.document.owners ?? []).map((o) => [o.key, { name: o.name, contact: o.contact }]));
        await escalateApprovals(db, owners);
      }
    } catch (error) {
      (options.onError ?? console.error)(error);
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = null;
        schedule();
      });
    }, interval);
    timer.unref();
  }
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
