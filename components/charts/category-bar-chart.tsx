"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { axisTickFormatter, largestValue, niceTicks } from "./axis-format";
import { LEGEND_STYLE, legendLabel } from "./legend";
import type { SeriesSpec } from "./time-series-chart";

export type CategoryPoint = { label: string; href: string | null } & Record<string, string | number | null>;

const AXIS_TICK = { fontSize: 11, fill: "#475569" };

/** Categories (reasons, intents, actions) as horizontal bars, largest first as the server sorted them. */
export function CategoryBarChart({ data, series, stacked = false }: { data: CategoryPoint[]; series: SeriesSpec[]; stacked?: boolean }) {
  const router = useRouter();
  const height = Math.max(120, data.length * 30 + (series.length > 1 ? 48 : 24));
  const tick = axisTickFormatter("count", null);
  const ticks = niceTicks(largestValue(data, series.map((s) => s.key), stacked), { whole: true });
  return (
    <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }} responsive style={{ width: "100%", height }} accessibilityLayer={false} barCategoryGap="20%">
      <CartesianGrid stroke="#e2e8f0" horizontal={false} />
      <XAxis type="number" tickFormatter={tick} tick={AXIS_TICK} allowDecimals={false} tickLine={false} ticks={ticks} domain={ticks ? [0, ticks[ticks.length - 1]!] : [0, "auto"]} />
      <YAxis type="category" dataKey="label" width={190} tick={AXIS_TICK} tickLine={false} interval={0} tickFormatter={(v: string) => (v.length > 27 ? `${v.slice(0, 26)}…` : v)} />
      <Tooltip formatter={(value, name) => [Number(value).toLocaleString("en-US"), name]} contentStyle={{ fontSize: 12 }} />
      {series.length > 1 ? <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} iconSize={10} itemSorter={null} /> : null}
      {series.map((s) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={s.label}
          fill={s.color}
          stackId={stacked ? "stack" : undefined}
          cursor="pointer"
          isAnimationActive={false}
          onClick={(entry: { payload?: CategoryPoint }) => {
            if (entry.payload?.href) router.push(entry.payload.href);
          }}
        />
      ))}
    </BarChart>
  );
}
