import Link from "next/link";
import { formatDateTime } from "@/components/ui/format";
import type { listActiveStops } from "@/lib/stop-switches/queries";

type ActiveStop = Awaited<ReturnType<typeof listActiveStops>>[number];

/**
 * On every console page while a stop is in force: a supervisor or CX lead looking at the queue
 * must see at once that agents are being denied, not only whoever opens Stop switches.
 */
export function StopBanner({ stops }: { stops: ActiveStop[] }) {
  if (stops.length === 0) return null;
  const everything = stops.find((stop) => stop.scope === "all");
  const named = stops.filter((stop) => stop.scope !== "all").map((stop) => `${stop.scope === "agent" ? "agent" : "action"} ${stop.target}`);
  return (
    <div role="region" aria-label="Stops in force" className="border-b border-rose-300 bg-rose-700 text-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-2 text-sm">
        <p>
          <span className="font-semibold">{everything ? "Everything is paused." : `Paused: ${named.join(", ")}.`}</span>{" "}
          {everything
            ? `Every agent request is denied. “${everything.reason}” (${everything.createdBy}, ${formatDateTime(everything.createdAt)})`
            : `Matching agent requests are denied.${stops.length === 1 ? ` “${stops[0]!.reason}” (${stops[0]!.createdBy})` : ""}`}
          {everything && named.length > 0 ? ` Also paused: ${named.join(", ")}.` : null}
        </p>
        <Link href="/stop-switches" className="rounded font-medium underline underline-offset-2 hover:no-underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
          Stop switches
        </Link>
      </div>
    </div>
  );
}
