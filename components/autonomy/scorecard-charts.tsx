"use client";

import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatPercent } from "@/components/charts/format";
import { LEGEND_STYLE, legendLabel } from "@/components/charts/legend";

const AXIS_TICK = { fontSize: 11, fill: "#475569" };
const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface WeeklyChartPoint {
  week: string;
  automatic: number;
  held: number;
  approvalRate: number | null;
}

function weekLabel(week: string): string {
  const d = new Date(`${week}T00:00:00Z`);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** Decisions per week, split into what went through on its own and what was held, with the held items' approval rate. */
export function WeeklyChart({ data }: { data: WeeklyChartPoint[] }) {
  return (
    <ComposedChart data={data} margin={MARGIN} responsive style={{ width: "100%", height: 240 }} accessibilityLayer={false}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="week" tickFormatter={weekLabel} tick={AXIS_TICK} />
      <YAxis yAxisId="count" tick={AXIS_TICK} width={48} tickFormatter={(v: number) => formatCount(v)} />
      <YAxis yAxisId="rate" orientation="right" domain={[0, 1]} tick={AXIS_TICK} width={44} tickFormatter={(v: number) => formatPercent(v)} />
      <Tooltip
        labelFormatter={(week) => `Week of ${weekLabel(String(week))}`}
        formatter={(value, name) => (name === "Approval rate of held" ? formatPercent(value as number) : formatCount(value as number))}
      />
      <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} />
      <Bar yAxisId="count" dataKey="automatic" name="Not held" stackId="v" fill="#a5b4fc" isAnimationActive={false} />
      <Bar yAxisId="count" dataKey="held" name="Held for a person" stackId="v" fill="#f59e0b" isAnimationActive={false} />
      <Line yAxisId="rate" dataKey="approvalRate" name="Approval rate of held" stroke="#047857" strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
    </ComposedChart>
  );
}

export interface AmountChartPoint {
  /** "$50–$60" */
  label: string;
  approved: number;
  rejected: number;
  expired: number;
  pending: number;
}

/**
 * Held amounts on the friendly grid, by what people did with them. `marker` names the slice a
 * recommendation would auto-approve up to.
 */
export function HeldAmountChart({ data, marker }: { data: AmountChartPoint[]; marker?: { label: string; text: string } | null }) {
  return (
    <BarChart data={data} margin={{ ...MARGIN, top: 22 }} responsive style={{ width: "100%", height: 270 }} accessibilityLayer={false}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="label" tick={AXIS_TICK} interval={0} angle={-30} textAnchor="end" height={56} />
      <YAxis tick={AXIS_TICK} width={48} tickFormatter={(v: number) => formatCount(v)} />
      <Tooltip formatter={(value) => formatCount(value as number)} />
      <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} />
      {marker ? <ReferenceLine x={marker.label} stroke="#4f46e5" strokeDasharray="4 3" label={{ value: marker.text, position: "top", fontSize: 11, fill: "#3730a3" }} /> : null}
      <Bar dataKey="approved" name="Approved" stackId="a" fill="#10b981" isAnimationActive={false} />
      <Bar dataKey="rejected" name="Rejected" stackId="a" fill="#e11d48" isAnimationActive={false} />
      <Bar dataKey="expired" name="Expired" stackId="a" fill="#94a3b8" isAnimationActive={false} />
      <Bar dataKey="pending" name="Waiting" stackId="a" fill="#fcd34d" isAnimationActive={false} />
    </BarChart>
  );
}
