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
  /** The policy's words for the action, tier and owner keys (the key itself when it has none). */
  actionLabel: string;
  decision: string;
  status: string;
  tier: string | null;
  tierLabel: string | null;
  owner: string | null;
  ownerLabel: string | null;
  amount: string | null;
  currency: string | null;
  customerId: string | null;
  agent: string;
  policyVersion: number | null;
}

export type HistorySortKey = "created_at" | "amount";

const DECISION_TONES: Record<string, BadgeTone> = { allow: "success", deny: "danger", hold: "warning", step_up: "info", escalate: "brand" };

const col = createColumnHelper<HistoryTableRow>();

// Column ids match the URL's `sort` values, so a header click maps straight onto a link. Seven
// columns, pairs sharing a cell, so the table fits the console at 1440 px without scrolling.
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
  col.accessor("actionLabel", {
    header: "Action · owner",
    enableSorting: false,
    cell: (info) => {
      const r = info.row.original;
      return (
        <div className="min-w-32">
          <p title={r.action}>{info.getValue()}</p>
          <p className="text-xs text-slate-500" title={r.owner ?? undefined}>
            {r.ownerLabel ?? "no owner"}
          </p>
        </div>
      );
    },
  }),
  col.accessor("decision", {
    header: "Decision · status",
    enableSorting: false,
    cell: (info) => (
      <div>
        <Badge tone={DECISION_TONES[info.getValue()] ?? "neutral"}>{info.getValue().replaceAll("_", " ")}</Badge>
        <p className="text-xs whitespace-nowrap text-slate-500">{info.row.original.status.replaceAll("_", " ")}</p>
      </div>
    ),
  }),
  col.accessor("tierLabel", {
    header: "Tier",
    enableSorting: false,
    cell: (info) => {
      const tier = info.row.original.tier;
      return tier ? (
        <span title={tier}>
          <Badge tone={TIER_TONES[tier] ?? "neutral"}>{info.getValue()}</Badge>
        </span>
      ) : (
        "—"
      );
    },
  }),
  col.accessor("amount", { id: "amount", header: "Amount", cell: (info) => <span className="whitespace-nowrap tabular-nums">{formatMoney(info.getValue(), info.row.original.currency)}</span> }),
  col.accessor("agent", {
    header: "Agent · customer",
    enableSorting: false,
    cell: (info) => (
      <div>
        <p>{info.getValue()}</p>
        <p className="font-mono text-xs break-all text-slate-500">{info.row.original.customerId ?? "no customer"}</p>
      </div>
    ),
  }),
  col.accessor("policyVersion", { header: "Policy", enableSorting: false, cell: (info) => <span className="whitespace-nowrap">{info.getValue() ? `v${info.getValue()}` : "—"}</span> }),
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
      contained
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
