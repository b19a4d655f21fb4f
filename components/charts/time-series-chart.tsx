"use client";

import { useRouter } from "next/navigation";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { axisTickFormatter, largestValue, niceTicks } from "./axis-format";
import { formatBucket, formatBucketTick, formatValue, type Granularity, type ValueKind } from "./format";
import { LEGEND_STYLE, legendLabel } from "./legend";

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
}

export type TimeSeriesPoint = { bucket: string; href: string | null } & Record<string, string | number | null>;

const MARGIN = { top: 8, right: 8, bottom: 0, left: 0 };
// Round durations for a seconds axis: the automatic ticks would read "58.3 min", "1.9 h".
const NICE_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800];

/** Ticks at a round step from zero past the largest value, at most five of them (0, 30 min, 1 h, 1.5 h). */
function secondsTicks(data: TimeSeriesPoint[], keys: string[]): number[] | undefined {
  const max = Math.max(0, ...data.flatMap((p) => keys.map((k) => Number(p[k] ?? 0))));
  if (max === 0) return undefined;
  const step = NICE_SECONDS.find((s) => max / s <= 4) ?? Math.ceil(max / 4);
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}
const AXIS_TICK = { fontSize: 11, fill: "#475569" };

/**
 * A series over time as the server prepared it: stacked or grouped bars, lines or an area.
 * Clicking a bar opens the history of that bucket; the table view carries the same links.
 */
export function TimeSeriesChart({
  data,
  series,
  variant,
  valueKind,
  granularity,
  currency,
  height = 240,
  domain,
}: {
  data: TimeSeriesPoint[];
  series: SeriesSpec[];
  variant: "stacked-bars" | "bars" | "lines" | "area";
  valueKind: ValueKind;
  granularity: Granularity;
  currency: string | null;
  height?: number;
  domain?: [number, number];
}) {
  const router = useRouter();
  const common = {
    data,
    margin: MARGIN,
    responsive: true,
    style: { width: "100%", height },
    // The figure is an image to assistive technology; its table view is the accessible data.
    accessibilityLayer: false,
  };
  const tick = axisTickFormatter(valueKind, currency);
  const keys = series.map((s) => s.key);
  const valueTicks =
    valueKind === "seconds"
      ? secondsTicks(data, keys)
      : valueKind === "count" || valueKind === "money"
        ? niceTicks(largestValue(data, keys, variant === "stacked-bars"), { whole: valueKind === "count" })
        : undefined;
  const axes = (
    <>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="bucket"
        interval="preserveEnd"
        tickFormatter={(v: string) => formatBucketTick(v, granularity)}
        tick={AXIS_TICK}
        minTickGap={24}
        tickLine={false}
      />
      <YAxis tickFormatter={tick} tick={AXIS_TICK} width={valueKind === "money" || valueKind === "seconds" ? 56 : 44} tickLine={false} axisLine={false} domain={domain ?? (valueTicks ? [0, valueTicks[valueTicks.length - 1]!] : [0, "auto"])} ticks={valueTicks} allowDecimals={valueKind !== "count"} />
      <Tooltip
        labelFormatter={(label) => formatBucket(String(label), granularity)}
        formatter={(value, name) => [formatValue(valueKind, value as number | null, { currency, granularity }), name]}
        contentStyle={{ fontSize: 12 }}
      />
      {series.length > 1 ? <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} iconSize={10} itemSorter={null} /> : null}
    </>
  );
  const open = (entry: { payload?: TimeSeriesPoint }) => {
    if (entry.payload?.href) router.push(entry.payload.href);
  };

  // Straight segments between buckets: a curve through daily counts overshoots, drawing values
  // between two days that never happened (issue #23, point 9).
  if (variant === "lines") {
    return (
      <LineChart {...common}>
        {axes}
        {series.map((s) => (
          <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
        ))}
      </LineChart>
    );
  }
  if (variant === "area") {
    return (
      <AreaChart {...common}>
        {axes}
        {series.map((s) => (
          <Area key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={s.color} fill={s.color} fillOpacity={0.2} strokeWidth={2} connectNulls isAnimationActive={false} />
        ))}
      </AreaChart>
    );
  }
  return (
    <BarChart {...common} barCategoryGap={data.length > 60 ? 0 : "15%"}>
      {axes}
      {series.map((s) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={s.label}
          fill={s.color}
          stackId={variant === "stacked-bars" ? "stack" : undefined}
          onClick={open}
          cursor="pointer"
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}
