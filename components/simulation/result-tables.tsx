import { formatDateTime, formatMoney } from "@/components/ui/format";
import { SimpleTable } from "@/components/ui/simple-table";
import type { Decision } from "@/lib/engine";
import { DECISION_KINDS, NO_TIER, type Matrix, type SampleEntry, type SimulationResult } from "@/lib/simulation/replay";
import { DECISION_LABELS, OutcomeBadges } from "./outcome-badges";

const count = (n: number) => n.toLocaleString("en-US");

function totals(matrix: Matrix): { total: number; changed: number; transitions: { from: Decision; to: Decision; count: number }[] } {
  let total = 0;
  let changed = 0;
  const transitions: { from: Decision; to: Decision; count: number }[] = [];
  for (const from of DECISION_KINDS) {
    for (const to of DECISION_KINDS) {
      const n = matrix[from][to];
      total += n;
      if (from !== to && n > 0) {
        changed += n;
        transitions.push({ from, to, count: n });
      }
    }
  }
  return { total, changed, transitions: transitions.sort((a, b) => b.count - a.count) };
}

/** One side's decisions (rows) against the draft's (columns); the diagonal is what stays the same. */
export function TransitionMatrix({ matrix, label, rows }: { matrix: Matrix; label: string; rows: string }) {
  return (
    <div className="table-scroll rounded-lg border border-slate-200 shadow-sm">
      <table className="min-w-full text-sm" aria-label={label}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
              {rows} ↓ / this draft →
            </th>
            {DECISION_KINDS.map((to) => (
              <th key={to} scope="col" className="px-3 py-2 text-right font-semibold text-slate-700">
                {DECISION_LABELS[to]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {DECISION_KINDS.map((from) => (
            <tr key={from}>
              <th scope="row" className="px-3 py-2 text-left font-medium text-slate-700">
                {DECISION_LABELS[from]}
              </th>
              {DECISION_KINDS.map((to) => {
                const n = matrix[from][to];
                const tone = from === to ? "bg-slate-50 text-slate-500" : n > 0 ? (to === "allow" ? "bg-amber-50 font-semibold text-amber-900" : "bg-sky-50 font-semibold text-sky-900") : "text-slate-400";
                return (
                  <td key={to} className={`px-3 py-2 text-right tabular-nums ${tone}`}>
                    {count(n)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function transitionWords(transitions: { from: Decision; to: Decision; count: number }[]): string {
  if (transitions.length === 0) return "—";
  const shown = transitions.slice(0, 3).map((t) => `${DECISION_LABELS[t.from]} → ${DECISION_LABELS[t.to]} ${count(t.count)}`);
  return transitions.length > 3 ? `${shown.join(", ")}, …` : shown.join(", ");
}

export function MatrixBreakdown({ label, keyHeader, matrices }: { label: string; keyHeader: string; matrices: Record<string, Matrix> }) {
  const rows = Object.entries(matrices)
    .map(([key, matrix]) => ({ key, ...totals(matrix) }))
    .sort((a, b) => b.changed - a.changed || b.total - a.total);
  return (
    <SimpleTable
      label={label}
      headers={[keyHeader, "Replayed", "Would change", "Main changes"]}
      rows={rows.map((row) => ({
        key: row.key,
        cells: [
          <span key="k" className="font-mono text-xs">
            {row.key === NO_TIER ? "(decided before a tier)" : row.key}
          </span>,
          count(row.total),
          row.changed > 0 ? <strong key="c">{count(row.changed)}</strong> : "0",
          transitionWords(row.transitions),
        ],
      }))}
    />
  );
}

export function ChangeGroups({ result }: { result: SimulationResult }) {
  const groups = result.changes.slice(0, 50);
  return (
    <SimpleTable
      label="Groups of changed decisions"
      headers={["Action", "Policy in force", "This draft", "Requests", "Amount"]}
      rows={groups.map((g, i) => ({
        key: String(i),
        cells: [
          <span key="a" className="font-mono text-xs">
            {g.action}
          </span>,
          <OutcomeBadges key="f" decision={g.from} tier={g.fromTier} />,
          <OutcomeBadges key="t" decision={g.to} tier={g.tier} />,
          count(g.count),
          g.amount === "0" ? "—" : formatMoney(g.amount, result.currency),
        ],
      }))}
    />
  );
}

function Side({ title, side }: { title: string; side: SampleEntry["draft"] }) {
  return (
    <div className="min-w-0">
      <p className="flex items-center gap-2">
        <span className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</span>
        <OutcomeBadges decision={side.decision} tier={side.tier} />
      </p>
      <ul className="mt-1 space-y-1 text-sm text-slate-800">
        {side.reasons.map((reason, i) => (
          <li key={i}>
            <span className="font-mono text-xs text-slate-500">{reason.code}</span> {reason.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Changed decisions with both explanations side by side, and what was decided at the time. */
export function SampleList({ sample, currency, inForce }: { sample: SampleEntry[]; currency: string; inForce: string }) {
  return (
    <ol className="space-y-3" aria-label="Sample of changed decisions">
      {sample.map((entry) => (
        <li key={entry.id} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <p className="mb-2 flex flex-wrap items-baseline gap-x-3 text-sm">
            <span className="font-mono text-xs font-medium">{entry.action}</span>
            {entry.amount ? <span>{formatMoney(entry.amount, currency)}</span> : null}
            <span className="text-slate-500">{entry.customerId ? `customer ${entry.customerId}` : "no customer"}</span>
            <span className="text-slate-500">{entry.agentName ?? "agent"}</span>
            <span className="text-slate-500">{formatDateTime(entry.at)}</span>
            <span className="font-mono text-xs text-slate-400">{entry.id}</span>
          </p>
          <div className="grid gap-3 md:grid-cols-2">
            <Side title={inForce} side={entry.inForce} />
            <Side title="This draft" side={entry.draft} />
          </div>
          <p className="mt-2 flex items-center gap-2 text-xs text-slate-500">
            Decided at the time: <OutcomeBadges decision={entry.recorded.decision} tier={entry.recorded.tier} />
          </p>
        </li>
      ))}
    </ol>
  );
}

