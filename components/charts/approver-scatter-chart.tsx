"use client";

import { CartesianGrid, LabelList, ReferenceArea, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatPercent, formatSeconds } from "./format";

export interface ApproverPoint {
  name: string;
  decided: number;
  approvalRate: number;
  medianSeconds: number;
  flagged: boolean;
}

const AXIS_TICK = { fontSize: 11, fill: "#475569" };
// A log axis cannot show zero: a median under a second is drawn at the axis' left edge.
const MIN_SECONDS = 1;

/**
 * Most like a rubber stamp first: flagged, then by approval rate (highest first), then by median
 * time (fastest first). The rank is the number drawn on each dot and listed beside the chart.
 */
export function rankApprovers<T extends ApproverPoint>(data: readonly T[]): (T & { rank: number })[] {
  return [...data]
    .sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.approvalRate - a.approvalRate || a.medianSeconds - b.medianSeconds || a.name.localeCompare(b.name))
    .map((p, i) => ({ ...p, rank: i + 1 }));
}

/**
 * Each approver as a numbered point: median time to decide (log scale) against approval rate. The shaded
 * corner is the rubber-stamp zone: approving nearly everything, in seconds.
 */
export function ApproverScatterChart({ data, thresholds }: { data: ApproverPoint[]; thresholds: { approvalRate: number; medianSeconds: number } }) {
  const ranked = rankApprovers(data);
  const points = ranked.map((p) => ({ ...p, x: Math.max(p.medianSeconds, MIN_SECONDS) }));
  // Log axes get no round ticks of their own: a second, ten seconds, a minute, ten minutes, an hour…
  const candidates = [1, 10, 60, 600, 3600, 6 * 3600, 86_400, 7 * 86_400];
  const wanted = Math.max(thresholds.medianSeconds * 10, ...points.map((p) => p.x * 1.5));
  const maxX = candidates.find((t) => t >= wanted) ?? wanted;
  const ticks = candidates.filter((t) => t <= maxX);
  const ok = points.filter((p) => !p.flagged);
  const flagged = points.filter((p) => p.flagged);
  return (
    <div className="grid min-w-0 gap-3 md:grid-cols-[minmax(0,1fr)_15rem]">
    <ScatterChart margin={{ top: 24, right: 28, bottom: 16, left: 0 }} responsive style={{ width: "100%", height: 280 }} accessibilityLayer={false}>
      <CartesianGrid stroke="#e2e8f0" />
      <ReferenceArea x1={MIN_SECONDS} x2={thresholds.medianSeconds} y1={thresholds.approvalRate} y2={1} fill="#e11d48" fillOpacity={0.12} stroke="#e11d48" strokeOpacity={0.4} />
      <XAxis
        type="number"
        dataKey="x"
        name="Median time to decide"
        scale="log"
        domain={[MIN_SECONDS, maxX]}
        ticks={ticks}
        interval={0}
        allowDataOverflow
        tickFormatter={(v: number) => formatSeconds(v)}
        tick={AXIS_TICK}
        label={{ value: "Median time to decide (log scale)", position: "insideBottom", offset: -10, fontSize: 11, fill: "#475569" }}
      />
      <YAxis type="number" dataKey="approvalRate" name="Approval rate" domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v)} tick={AXIS_TICK} width={48} />
      <Tooltip
        cursor={{ strokeDasharray: "3 3" }}
        content={({ active, payload }) => {
          const p = active ? (payload?.[0]?.payload as (ApproverPoint & { x: number }) | undefined) : undefined;
          if (!p) return null;
          return (
            <div className="rounded border border-slate-200 bg-white px-2 py-1 text-xs shadow">
              <p className="font-medium">{p.name}</p>
              <p>
                {formatPercent(p.approvalRate)} approved of {p.decided.toLocaleString("en-US")}, median {formatSeconds(p.medianSeconds)}
              </p>
              {p.flagged ? <p className="font-medium text-rose-700">Flagged: rubber stamp</p> : null}
            </div>
          );
        }}
      />
      <Scatter name="Approvers" data={ok} fill="#4f46e5" isAnimationActive={false}>
        <LabelList dataKey="rank" position="top" offset={6} fontSize={10} fill="#1e293b" />
      </Scatter>
      <Scatter name="Flagged" data={flagged} fill="#e11d48" shape="diamond" isAnimationActive={false}>
        <LabelList dataKey="rank" position="top" offset={6} fontSize={10} fontWeight={600} fill="#9f1239" />
      </Scatter>
    </ScatterChart>
      <ol className="max-h-72 min-w-0 space-y-1 overflow-y-auto text-xs" aria-label="Approvers, most like a rubber stamp first">
        {ranked.map((p) => (
          <li key={p.name} className="flex min-w-0 items-baseline gap-2">
            <span className={`w-5 shrink-0 text-right font-semibold tabular-nums ${p.flagged ? "text-rose-700" : "text-slate-700"}`}>{p.rank}</span>
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium text-slate-900" title={p.name}>
                {p.name}
              </span>
              <span className={p.flagged ? "text-rose-700" : "text-slate-600"}>
                {formatPercent(p.approvalRate)} approved, median {formatSeconds(p.medianSeconds)}
                {p.flagged ? " · flagged" : ""}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
