"use client";

import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { LEGEND_STYLE, legendLabel } from "@/components/charts/legend";
import type { TransitionDirections } from "@/lib/simulation/transition-direction";

const AXIS_TICK = { fontSize: 11, fill: "#475569" };
const LOOSER = "#d97706";
const STRICTER = "#2563eb";
const count = (n: number) => n.toLocaleString("en-US");

export type TransitionRow = TransitionDirections & { label: string };

/** The row's label and, below it, how many requests it decides alike. */
function RowTick({ x, y, payload, rows }: { x?: number | string; y?: number | string; payload?: { value?: unknown }; rows: TransitionRow[] }) {
  const row = rows.find((r) => r.label === payload?.value);
  return (
    <text x={Number(x)} y={Number(y)} textAnchor="end" fontSize={AXIS_TICK.fontSize}>
      <tspan x={Number(x) - 4} dy={-2} fill="#1e293b">
        {row?.label}
      </tspan>
      <tspan x={Number(x) - 4} dy={13} fill="#64748b">
        {row ? `${count(row.same)} unchanged` : ""}
      </tspan>
    </text>
  );
}

/**
 * Per action (or tier), requests the draft decides more loosely (left, more autonomy) and more
 * strictly (right, more human control) than the policy in force; the unchanged count under each
 * label. A table with the same numbers follows for screen readers and for reading exact values.
 */
export function TransitionsChart({ rows, title, keyHeader }: { rows: TransitionRow[]; title: string; keyHeader: string }) {
  // Only rows that change are drawn; the others are named under the chart and listed in the table.
  const changing = rows.filter((r) => r.stricter + r.looser > 0);
  const unchanged = rows.filter((r) => r.stricter + r.looser === 0);
  const data = changing.map((r) => ({ ...r, looserNegative: -r.looser }));
  const max = Math.max(1, ...rows.map((r) => Math.max(r.looser, r.stricter)));
  // Whole, symmetric ticks: recharts' own on a signed domain land on fractions (-7.67 drawn as "8").
  const half = Math.round(max / 2);
  const ticks = [...new Set([-max, -half, 0, half, max])];
  const looser = rows.reduce((s, r) => s + r.looser, 0);
  const stricter = rows.reduce((s, r) => s + r.stricter, 0);
  const summary = `${title}: ${count(stricter)} requests would be decided more strictly and ${count(looser)} more loosely by the draft. ${rows
    .filter((r) => r.stricter + r.looser > 0)
    .map((r) => `${r.label}: ${count(r.stricter)} stricter, ${count(r.looser)} looser, ${count(r.same)} unchanged`)
    .join("; ")}.`;
  return (
    <figure className="min-w-0 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <figcaption className="mb-1 text-sm font-medium text-slate-800">{title}</figcaption>
      <div role="img" aria-label={summary}>
        <div aria-hidden="true">
          <BarChart
            data={data}
            layout="vertical"
            stackOffset="sign"
            margin={{ top: 4, right: 16, bottom: 4, left: 0 }}
            responsive
            style={{ width: "100%", height: 56 + changing.length * 40 }}
            accessibilityLayer={false}
            barCategoryGap="25%"
          >
            <CartesianGrid stroke="#e2e8f0" horizontal={false} />
            <XAxis type="number" domain={[-max, max]} ticks={ticks} interval={0} allowDecimals={false} tick={AXIS_TICK} tickFormatter={(v: number) => count(Math.abs(v))} />
            <YAxis type="category" dataKey="label" width={150} interval={0} tickLine={false} tick={<RowTick rows={changing} />} />
            <ReferenceLine x={0} stroke="#475569" />
            <Tooltip
              formatter={(value, name) => [count(Math.abs(Number(value))), String(name)]}
              labelFormatter={(label) => {
                const row = rows.find((r) => r.label === label);
                return row ? `${label} (${count(row.same)} unchanged)` : String(label);
              }}
              contentStyle={{ fontSize: 12 }}
            />
            <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} iconSize={10} />
            <Bar dataKey="looserNegative" name="Looser: less human control" stackId="d" fill={LOOSER} isAnimationActive={false} />
            <Bar dataKey="stricter" name="Stricter: more human control" stackId="d" fill={STRICTER} isAnimationActive={false} />
          </BarChart>
        </div>
      </div>
      {unchanged.length > 0 ? (
        <p className="mt-1 text-xs text-slate-600">
          Decided alike by both: {unchanged.map((r) => `${r.label} (${count(r.same)})`).join(", ")}.
        </p>
      ) : null}
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-700">The numbers</summary>
        <div className="table-scroll mt-2">
          <table className="min-w-full text-left text-sm" aria-label={`${title}: the numbers`}>
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="py-1 pr-3 font-semibold">{keyHeader}</th>
                <th scope="col" className="py-1 pr-3 text-right font-semibold">Unchanged</th>
                <th scope="col" className="py-1 pr-3 text-right font-semibold">Stricter</th>
                <th scope="col" className="py-1 text-right font-semibold">Looser</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} className="border-b border-slate-100">
                  <th scope="row" className="py-1 pr-3 font-normal">{r.label}</th>
                  <td className="py-1 pr-3 text-right tabular-nums">{count(r.same)}</td>
                  <td className="py-1 pr-3 text-right tabular-nums">{count(r.stricter)}</td>
                  <td className="py-1 text-right tabular-nums">{count(r.looser)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
