"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "@/components/data-table/data-table";
import { AUTHORITY_TONES, Badge, TIER_TONES } from "@/components/ui/badge";

export interface ActionRow {
  key: string;
  label: string;
  authority: string;
  owner: string;
  ownerName: string;
  dataSources: string[];
  bands: { when: string; tier: string }[];
  limits: string[];
  forbidden: boolean;
}

const col = createColumnHelper<ActionRow>();

const columns = [
  col.accessor("label", {
    header: "Action",
    cell: (info) => (
      <div>
        <p className="font-medium text-slate-900">{info.getValue()}</p>
        <p className="font-mono text-xs text-slate-500">{info.row.original.key}</p>
        {info.row.original.forbidden ? <Badge tone="danger">forbidden by legal</Badge> : null}
      </div>
    ),
  }),
  col.accessor("authority", {
    header: "Authority",
    cell: (info) => <Badge tone={AUTHORITY_TONES[info.getValue()] ?? "neutral"}>{info.getValue()}</Badge>,
  }),
  col.accessor("ownerName", { header: "Owner" }),
  col.accessor((row) => row.dataSources.join(", "), {
    id: "dataSources",
    header: "May read",
    cell: (info) => <span className="text-slate-700">{info.getValue() || "nothing"}</span>,
  }),
  col.accessor((row) => row.bands.map((b) => `${b.when} ${b.tier}`).join(" "), {
    id: "risk",
    header: "Risk tiers",
    enableSorting: false,
    cell: (info) => (
      <ol className="space-y-1">
        {info.row.original.bands.map((band, i) => (
          <li key={i} className="flex flex-wrap items-center gap-1">
            <span className="text-slate-600">{band.when}</span>
            <span aria-hidden="true">→</span>
            <Badge tone={TIER_TONES[band.tier] ?? "neutral"}>{band.tier}</Badge>
          </li>
        ))}
      </ol>
    ),
  }),
  col.accessor((row) => row.limits.join("; "), {
    id: "limits",
    header: "Limits",
    enableSorting: false,
    cell: (info) =>
      info.row.original.limits.length ? (
        <ul className="list-disc space-y-1 pl-4 text-slate-700">
          {info.row.original.limits.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      ) : (
        <span className="text-slate-500">none</span>
      ),
  }),
];

export function ActionsTable({ rows }: { rows: ActionRow[] }) {
  return <DataTable columns={columns} data={rows} label="Actions" searchPlaceholder="Search actions, owners, data…" initialSorting={[{ id: "label", desc: false }]} />;
}
