"use client";

import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { axisTickFormatter, largestValue, niceTicks } from "./axis-format";
import { LEGEND_STYLE, legendLabel } from "./legend";
import type { SeriesSpec } from "./time-series-chart";

export type CategoryPoint = { label: string; href: string | null } & Record<string, string | number | null>;

const AXIS_TICK = { fontSize: 11, fill: "#475569" };
const LABEL_CHARS = 26;
const LINE_HEIGHT = 13;

/** A label broken at spaces into lines of at most `width` characters (a longer word gets its own line). */
export function wrapLabel(label: string, width = LABEL_CHARS): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [""];
}

/** The category axis' tick: the whole label, wrapped, right-aligned and centred on its bar. */
function WrappedTick({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
  const lines = wrapLabel(String(payload?.value ?? ""));
  const top = -((lines.length - 1) * LINE_HEIGHT) / 2;
  return (
    <text x={Number(x)} y={Number(y)} textAnchor="end" fontSize={AXIS_TICK.fontSize} fill={AXIS_TICK.fill}>
      {lines.map((line, i) => (
        <tspan key={i} x={Number(x) - 4} dy={i === 0 ? top + 4 : LINE_HEIGHT}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/** Categories (reasons, intents, actions) as horizontal bars, largest first as the server sorted them. */
export function CategoryBarChart({ data, series, stacked = false }: { data: CategoryPoint[]; series: SeriesSpec[]; stacked?: boolean }) {
  const router = useRouter();
  // Each row is tall enough for its wrapped label.
  const rowHeight = Math.max(30, ...data.map((d) => wrapLabel(String(d.label)).length * LINE_HEIGHT + 10));
  const height = Math.max(120, data.length * rowHeight + (series.length > 1 ? 48 : 24));
  const tick = axisTickFormatter("count", null);
  const ticks = niceTicks(largestValue(data, series.map((s) => s.key), stacked), { whole: true });
  return (
    <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }} responsive style={{ width: "100%", height }} accessibilityLayer={false} barCategoryGap="20%">
      <CartesianGrid stroke="#e2e8f0" horizontal={false} />
      <XAxis type="number" tickFormatter={tick} tick={AXIS_TICK} allowDecimals={false} tickLine={false} ticks={ticks} domain={ticks ? [0, ticks[ticks.length - 1]!] : [0, "auto"]} />
      <YAxis type="category" dataKey="label" width={180} tick={<WrappedTick />} tickLine={false} interval={0} />
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
