"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { DataTable } from "@/components/data-table/data-table";
import { Badge, TIER_TONES, type BadgeTone } from "@/components/ui/badge";
import { formatDateTime, formatMoney } from "@/components/ui/format";

export interface HistoryTableRow {
  id: string;
  createdAt: string;
  action: string;
  decision: string;
  status: string;
  tier: string | null;
  owner: string | null;
  amount: string | null;
  currency: string | null;
  customerId: string | null;
  agent: string;
  policyVersion: number | null;
}

export type HistorySortKey = "created_at" | "amount";

const DECISION_TONES: Record<string, BadgeTone> = { allow: "success", deny: "danger", hold: "warning", step_up: "info", escalate: "brand" };

const col = createColumnHelper<HistoryTableRow>();

// Column ids match the URL's `sort` values, so a header click maps straight onto a link.
const columns = [
  col.accessor("createdAt", {
    id: "created_at",
    header: "When",
    cell: (info) => (
      <Link href={`/history/${info.row.original.id}`} className="whitespace-nowrap tabular-nums underline underline-offset-2" aria-label={`Decision ${info.row.original.id}, ${formatDateTime(info.getValue())}`}>
        {formatDateTime(info.getValue())}
      </Link>
    ),
  }),
  col.accessor("action", {
    header: "Action · owner",
    enableSorting: false,
    cell: (info) => (
      <div className="whitespace-nowrap">
        <p className="font-mono text-xs">{info.getValue()}</p>
        <p className="text-xs text-slate-500">{info.row.original.owner ?? "no owner"}</p>
      </div>
    ),
  }),
  col.accessor("decision", { header: "Decision", enableSorting: false, cell: (info) => <Badge tone={DECISION_TONES[info.getValue()] ?? "neutral"}>{info.getValue()}</Badge> }),
  col.accessor("status", { header: "Status", enableSorting: false, cell: (info) => <span className="whitespace-nowrap">{info.getValue().replaceAll("_", " ")}</span> }),
  col.accessor("tier", { header: "Tier", enableSorting: false, cell: (info) => (info.getValue() ? <Badge tone={TIER_TONES[info.getValue()!] ?? "neutral"}>{info.getValue()}</Badge> : "—") }),
  col.accessor("amount", { id: "amount", header: "Amount", cell: (info) => <span className="whitespace-nowrap tabular-nums">{formatMoney(info.getValue(), info.row.original.currency)}</span> }),
  col.accessor("customerId", { header: "Customer", enableSorting: false, cell: (info) => <span className="font-mono text-xs">{info.getValue() ?? "—"}</span> }),
  col.accessor("agent", { header: "Agent", enableSorting: false, cell: (info) => <span className="whitespace-nowrap">{info.getValue()}</span> }),
  col.accessor("policyVersion", { header: "Policy", enableSorting: false, cell: (info) => (info.getValue() ? `v${info.getValue()}` : "—") }),
];

/** One server page of decisions; sorting by time or amount re-queries through the URL. */
export function HistoryTable({
  rows,
  sort,
  dir,
  sortHrefs,
  pagination,
}: {
  rows: HistoryTableRow[];
  sort: HistorySortKey;
  dir: "asc" | "desc";
  sortHrefs: Record<HistorySortKey, { asc: string; desc: string }>;
  pagination: React.ReactNode;
}) {
  const router = useRouter();
  return (
    <DataTable
      columns={columns}
      data={rows}
      label="Decisions"
      dense
      getRowId={(row) => row.id}
      emptyMessage="No decisions on this page."
      manualSorting={{
        sorting: [{ id: sort, desc: dir === "desc" }],
        onSortingChange: (next) => {
          const wanted = next[0];
          if (!wanted || (wanted.id !== "created_at" && wanted.id !== "amount")) return;
          // A newly chosen column starts with its largest / newest first.
          const desc = wanted.id === sort ? wanted.desc : true;
          router.push(sortHrefs[wanted.id][desc ? "desc" : "asc"]);
        },
      }}
      pagination={pagination}
    />
  );
}
