"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatDateTime } from "@/components/ui/format";

export interface ActiveStop {
  id: string;
  scope: string;
  target: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
}

const REFRESH_MS = 5_000;

/**
 * On every console page while a stop is in force: a supervisor or CX lead looking at the queue
 * must see at once that agents are being denied, not only whoever opens Stop switches. The layout
 * renders it once with the stops of the first page; it then checks again on every navigation
 * (layouts are not re-rendered by the router) and every few seconds while the tab is visible.
 * `stops` null means they could not be read.
 */
export function StopBanner({ initial }: { initial: ActiveStop[] | null }) {
  const [stops, setStops] = useState(initial);
  // A refresh of the layout (after a pause or resume here) brings newer stops: take them.
  const [seen, setSeen] = useState(initial);
  if (initial !== seen) {
    setSeen(initial);
    setStops(initial);
  }
  const pathname = usePathname();
  // The first page came with the stops the layout read: check again only after a move or a while.
  const firstRender = useRef(true);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch("/api/console/stops", { cache: "no-store" });
        if (!res.ok) return;
        const body = (await res.json()) as { stops: ActiveStop[] };
        if (!cancelled) setStops(body.stops);
      } catch {
        // Offline for a moment: keep what is shown until the next check.
      }
    };
    if (firstRender.current) firstRender.current = false;
    else void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [pathname]);

  if (stops === null) {
    return (
      <div role="region" aria-label="Stops in force" className="border-b border-amber-300 bg-amber-50 text-amber-900">
        <p className="mx-auto max-w-7xl px-4 py-2 text-sm">Mandate could not check the stop switches just now. <Link href="/stop-switches" className="font-medium underline">See Stop switches</Link></p>
      </div>
    );
  }
  if (stops.length === 0) return null;
  const everything = stops.find((stop) => stop.scope === "all");
  const named = stops.filter((stop) => stop.scope !== "all").map((stop) => `${stop.scope === "agent" ? "agent" : "action"} ${stop.target}`);
  return (
    <div role="region" aria-label="Stops in force" className="border-b border-rose-300 bg-rose-700 text-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-2 text-sm">
        <p>
          <span className="font-semibold">{everything ? "Everything is paused." : `Paused: ${named.join(", ")}.`}</span>{" "}
          {everything
            ? `Every agent request is denied. “${everything.reason}” (${everything.createdBy}, ${formatDateTime(new Date(everything.createdAt))})`
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
