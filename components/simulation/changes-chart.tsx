"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { LEGEND_STYLE, legendLabel } from "@/components/charts/legend";
import type { Decision } from "@/lib/engine";

const SERIES: { key: Decision; label: string; color: string }[] = [
  { key: "allow", label: "would allow", color: "#059669" },
  { key: "hold", label: "would hold", color: "#d97706" },
  { key: "step_up", label: "would ask step-up", color: "#0284c7" },
  { key: "escalate", label: "would escalate", color: "#4f46e5" },
  { key: "deny", label: "would deny", color: "#e11d48" },
];

/** Changed decisions per action, stacked by what the draft would decide; series prepared on the server. */
export function ChangesChart({ rows }: { rows: { action: string; counts: Record<Decision, number> }[] }) {
  const data = rows.map((row) => ({ action: row.action, ...row.counts }));
  const height = 60 + rows.length * 36;
  return (
    <figure aria-label="Changed decisions per action" className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
            <YAxis type="category" dataKey="action" width={130} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(value, name) => [Number(value).toLocaleString("en-US"), String(name)]} />
            <Legend wrapperStyle={LEGEND_STYLE} formatter={legendLabel} />
            {SERIES.map((series) => (
              <Bar key={series.key} dataKey={series.key} name={series.label} stackId="changes" fill={series.color} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">Decisions that would change kind, per action, by what the draft would decide.</figcaption>
    </figure>
  );
}
