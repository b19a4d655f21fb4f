"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { formatCount, formatPercent, formatSeconds } from "@/components/charts/format";
import { DataTable } from "@/components/data-table/data-table";

export interface AgentBreakdownRow {
  agentId: string;
  agentName: string;
  href: string;
  volume: number;
  held: number;
  heldShare: number | null;
  approvalRate: number | null;
  medianSecondsToApprove: number | null;
  reversalRate: number | null;
  failed: number;
  limitBreaches: number;
}

const COLUMNS: ColumnDef<AgentBreakdownRow, unknown>[] = [
  {
    accessorKey: "agentName",
    header: "Agent",
    cell: ({ row }) => (
      <Link href={row.original.href} className="font-medium whitespace-nowrap text-brand-700 underline underline-offset-2">
        {row.original.agentName}
      </Link>
    ),
  },
  { accessorKey: "volume", header: "Decisions", cell: ({ getValue }) => <span className="tabular-nums">{formatCount(getValue() as number)}</span> },
  { accessorKey: "heldShare", header: "Held", cell: ({ row }) => <span className="tabular-nums">{formatPercent(row.original.heldShare)} ({formatCount(row.original.held)})</span> },
  { accessorKey: "approvalRate", header: "Approved", cell: ({ getValue }) => <span className="tabular-nums">{formatPercent(getValue() as number | null)}</span> },
  { accessorKey: "medianSecondsToApprove", header: "Median to approve", cell: ({ getValue }) => <span className="tabular-nums">{formatSeconds(getValue() as number | null)}</span> },
  { accessorKey: "reversalRate", header: "Reverted", cell: ({ getValue }) => <span className="tabular-nums">{formatPercent(getValue() as number | null)}</span> },
  { accessorKey: "failed", header: "Failed", cell: ({ getValue }) => <span className="tabular-nums">{formatCount(getValue() as number)}</span> },
  { accessorKey: "limitBreaches", header: "Limit breaches", cell: ({ getValue }) => <span className="tabular-nums">{formatCount(getValue() as number)}</span> },
];

/** The same scorecard per agent; a name opens that agent's own scorecard. */
export function AgentBreakdownTable({ rows }: { rows: AgentBreakdownRow[] }) {
  return <DataTable columns={COLUMNS} data={rows} label="Per agent" searchPlaceholder="Search agents…" emptyMessage="No agent matches." initialSorting={[{ id: "volume", desc: true }]} />;
}
