"use client";

import Link from "next/link";
import { useId, useState } from "react";
import { ChartTable, type ChartTableData } from "./chart-table";
import type { Granularity } from "./format";

/**
 * One dashboard card: a figure captioned by its title, description and key numbers in words,
 * showing either the chart (an image to assistive technology, labelled with what it shows) or
 * the table of the same numbers, and a link into the history of what it counts.
 */
export function ChartFigure({
  title,
  description,
  summary,
  chart,
  chartLabel,
  table,
  currency,
  granularity,
  rowLinks,
  historyHref,
  historyLabel = "See these decisions",
  empty = false,
}: {
  title: string;
  description: string;
  summary: string;
  chart: React.ReactNode;
  chartLabel: string;
  table: ChartTableData;
  currency: string | null;
  granularity: Granularity;
  rowLinks?: (string | null)[];
  historyHref: string | null;
  historyLabel?: string;
  empty?: boolean;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <figure className="flex min-w-0 flex-1 flex-col">
        <figcaption>
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">{description}</p>
          <p className="mt-2 text-sm font-medium text-slate-800">{summary}</p>
        </figcaption>
        <div id={`${id}-body`} className="mt-3 min-w-0 flex-1">
          {empty ? (
            <p className="rounded-md border border-dashed border-slate-300 px-4 py-10 text-center text-sm text-slate-500">Nothing to show for this range and these filters.</p>
          ) : view === "chart" ? (
            <div role="img" aria-label={chartLabel}>
              {/* The drawing's own parts (axis text, legend icons) would only be noise to a screen reader. */}
              <div aria-hidden="true">{chart}</div>
            </div>
          ) : (
            <ChartTable label={`${title}: the numbers`} table={table} currency={currency} granularity={granularity} rowLinks={rowLinks} />
          )}
        </div>
      </figure>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm">
        {empty ? (
          <span />
        ) : (
          <button
            type="button"
            onClick={() => setView(view === "chart" ? "table" : "chart")}
            aria-controls={`${id}-body`}
            className="rounded-md border border-slate-300 bg-white px-2.5 py-1 text-slate-700 hover:bg-slate-50"
          >
            {view === "chart" ? "Show table" : "Show chart"}
          </button>
        )}
        {historyHref ? (
          <Link href={historyHref} className="font-medium text-brand-700 underline underline-offset-4">
            {historyLabel}
          </Link>
        ) : null}
      </div>
    </section>
  );
}
