import Link from "next/link";
import { formatValue, type Granularity, type ValueKind } from "./format";

export interface ChartTableData {
  columns: { key: string; label: string; kind: ValueKind }[];
  rows: Record<string, string | number | null>[];
}

const NUMERIC: ValueKind[] = ["count", "percent", "seconds", "money"];

/**
 * The numbers behind a chart as a real table. The first cell of a row links into the history of
 * that row (a bucket, a reason, an action) when the server gave a link for it.
 */
export function ChartTable({
  label,
  table,
  currency,
  granularity,
  rowLinks,
}: {
  label: string;
  table: ChartTableData;
  currency: string | null;
  granularity: Granularity;
  rowLinks?: (string | null)[];
}) {
  return (
    <div className="table-scroll max-h-80 overflow-auto rounded-md border border-slate-200">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{label}</caption>
        <thead className="sticky top-0 bg-slate-50">
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={`px-3 py-2 font-semibold whitespace-nowrap text-slate-700 ${NUMERIC.includes(c.kind) ? "text-right" : "text-left"}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((c, j) => {
                const text = formatValue(c.kind, row[c.key], { currency, granularity });
                const href = j === 0 ? rowLinks?.[i] : null;
                const Cell = j === 0 ? "th" : "td";
                return (
                  <Cell key={c.key} scope={j === 0 ? "row" : undefined} className={`px-3 py-1.5 whitespace-nowrap ${j === 0 ? "text-left font-normal" : ""} ${NUMERIC.includes(c.kind) ? "text-right tabular-nums" : ""}`}>
                    {href ? (
                      <Link href={href} className="text-brand-700 underline underline-offset-2">
                        {text}
                      </Link>
                    ) : (
                      text
                    )}
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
