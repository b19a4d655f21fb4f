"use client";

import { createColumnHelper, type RowSelectionState } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";
import { bulkReviewAction } from "@/app/(console)/reviews/actions";
import { QueueKeyboard } from "@/components/approvals/queue-keyboard";
import { DataTable } from "@/components/data-table/data-table";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { ActionForm } from "@/components/ui/action-form";
import { FormMessage } from "@/components/ui/field";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";
import type { DraftStatus, ReviewSource, ReviewStatus } from "@/lib/generated/prisma/enums";
import { REVIEW_LABEL_NAMES, REVIEW_LABELS, REVIEW_SOURCE_NAMES } from "@/lib/reviews/schemas";
import { ReviewLabelBadges, ReviewStatusBadge } from "./review-badges";

export interface InboxRow {
  id: string;
  source: ReviewSource;
  reason: string;
  action: string | null;
  /** The policy's words for the action and tier (the key itself when it has none). */
  actionLabel: string | null;
  tier: string | null;
  tierLabel: string | null;
  agent: string | null;
  createdAt: string;
  /** Computed on the server, so server and browser render the same text. */
  age: string;
  assignee: string | null;
  status: ReviewStatus;
  labels: string[];
  /** The latest draft started from the case (and the version it became). */
  draft: { id: string; title: string; status: DraftStatus; publishedVersion: number | null } | null;
}

/** What became of a policy-gap case's change, in words. */
function policyChange(row: InboxRow): React.ReactNode {
  if (!row.labels.includes("policy_gap")) return null;
  if (!row.draft) return <p className="text-xs text-amber-800">No policy draft started yet</p>;
  const state = row.draft.publishedVersion !== null ? `changed in version ${row.draft.publishedVersion}` : row.draft.status === "discarded" ? "discarded" : row.draft.status.replace("_", " ");
  return (
    <p className="text-xs text-slate-600">
      Draft{" "}
      <Link href={`/drafts/${row.draft.id}`} className="underline underline-offset-2">
        {row.draft.title}
      </Link>
      : {state}
    </p>
  );
}

const col = createColumnHelper<InboxRow>();

const columns = [
  col.accessor("reason", {
    header: "Case",
    enableSorting: false,
    cell: (info) => (
      <div className="min-w-48 max-w-96">
        <Link
          href={`/reviews/${info.row.original.id}`}
          data-queue-link
          data-case-id={info.row.original.id}
          title={info.getValue()}
          className="font-medium text-slate-900 underline-offset-2 hover:underline"
        >
          {info.getValue()}
        </Link>
        <p className="font-mono text-xs text-slate-500">{info.row.original.id}</p>
        {policyChange(info.row.original)}
      </div>
    ),
  }),
  col.accessor("source", { header: "Source", enableSorting: false, cell: (info) => REVIEW_SOURCE_NAMES[info.getValue()] }),
  col.accessor("actionLabel", { header: "Action", enableSorting: false, cell: (info) => <span title={info.row.original.action ?? undefined}>{info.getValue() ?? "—"}</span> }),
  col.accessor("tierLabel", {
    header: "Tier",
    enableSorting: false,
    cell: (info) => {
      const tier = info.row.original.tier;
      return tier ? <Badge tone={TIER_TONES[tier] ?? "neutral"}>{info.getValue()}</Badge> : "—";
    },
  }),
  col.accessor("agent", { header: "Agent", enableSorting: false, cell: (info) => <span className="whitespace-nowrap">{info.getValue() ?? "—"}</span> }),
  col.accessor("age", {
    id: "age",
    header: "Age",
    cell: (info) => (
      <time dateTime={info.row.original.createdAt} title={info.row.original.createdAt} className="whitespace-nowrap">
        {info.getValue()}
      </time>
    ),
  }),
  col.accessor("assignee", { header: "Assignee", enableSorting: false, cell: (info) => info.getValue() ?? <span className="text-slate-500">unassigned</span> }),
  // Status and labels share a column so the inbox fits beside the navigation without scrolling.
  col.accessor("status", {
    header: "Status · labels",
    enableSorting: false,
    cell: (info) => (
      <div className="min-w-24 space-y-1">
        <span className="whitespace-nowrap">
          <ReviewStatusBadge status={info.getValue()} />
        </span>
        {info.row.original.labels.length ? <ReviewLabelBadges labels={info.row.original.labels} /> : null}
      </div>
    ),
  }),
];

function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [label, setLabel] = useState<string>("policy_gap");
  const [dismissing, setDismissing] = useState(false);
  const [outcome, setOutcome] = useState("");
  const [state, action, pending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await bulkReviewAction(previous, formData);
    if (next.ok) {
      onDone();
      setDismissing(false);
      setOutcome("");
    }
    return next;
  }, INITIAL_FORM_STATE);
  const button = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:border-brand-600 disabled:opacity-60";

  return (
    <ActionForm action={action} aria-label="Bulk actions" className="space-y-2 rounded-lg border border-brand-100 bg-brand-50 p-3">
      {ids.map((id) => (
        <input key={id} type="hidden" name="caseId" value={id} />
      ))}
      <div className="flex flex-wrap items-end gap-2">
        <p className="mr-2 text-sm font-medium text-slate-900" aria-live="polite">
          {ids.length === 0 ? "Select cases to work on several at once" : `${ids.length} selected`}
        </p>
        <button type="submit" name="op" value="assign_me" disabled={pending || ids.length === 0} className={button}>
          Assign to me
        </button>
        <span className="flex items-end gap-1">
          <label className="text-xs font-medium text-slate-600">
            Label
            <select name="label" value={label} onChange={(e) => setLabel(e.target.value)} className="ml-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
              {REVIEW_LABELS.map((l) => (
                <option key={l} value={l}>
                  {REVIEW_LABEL_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" name="op" value="label" disabled={pending || ids.length === 0} className={button}>
            Add label
          </button>
        </span>
        {dismissing ? null : (
          <button type="button" onClick={() => setDismissing(true)} disabled={ids.length === 0} className={button}>
            Dismiss…
          </button>
        )}
      </div>
      {dismissing ? (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-72 flex-1">
            <label htmlFor="bulk-outcome" className="block text-xs font-medium text-slate-600">
              Outcome (required, kept in the audit log)
            </label>
            <input
              id="bulk-outcome"
              name="outcome"
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
              autoFocus
              aria-invalid={state.fieldErrors.outcome ? true : undefined}
              aria-describedby={state.fieldErrors.outcome ? "bulk-outcome-error" : undefined}
              className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm aria-invalid:border-rose-500"
            />
          </div>
          <button type="submit" name="op" value="dismiss" disabled={pending || ids.length === 0} className="rounded-md bg-rose-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-rose-700 disabled:opacity-60">
            Dismiss {ids.length}
          </button>
          <button type="button" onClick={() => setDismissing(false)} className="text-sm underline underline-offset-2">
            Cancel
          </button>
          {state.fieldErrors.outcome ? (
            <p id="bulk-outcome-error" className="w-full text-sm text-rose-700">
              {state.fieldErrors.outcome}
            </p>
          ) : null}
        </div>
      ) : null}
      <FormMessage state={state} />
    </ActionForm>
  );
}

/**
 * The inbox table: one server page of cases, sorted by age on the server, with a checkbox per row
 * for bulk work. Keys: j / k move between cases, x selects the focused one, Enter opens it.
 */
export function ReviewInbox({
  rows,
  sort,
  sortHrefs,
  canWork,
  pagination,
  emptyMessage,
}: {
  rows: InboxRow[];
  sort: "newest" | "oldest";
  sortHrefs: { newest: string; oldest: string };
  canWork: boolean;
  pagination: React.ReactNode;
  emptyMessage: string;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<RowSelectionState>({});
  // Only rows on this page can be selected: a selection never reaches cases the person cannot see.
  const ids = rows.filter((r) => selected[r.id]).map((r) => r.id);

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    if (!canWork || event.key !== "x" || event.metaKey || event.ctrlKey || event.altKey) return;
    const id = (event.target as HTMLElement).closest<HTMLElement>("[data-case-id]")?.dataset.caseId;
    if (!id) return;
    setSelected((current) => ({ ...current, [id]: !current[id] }));
    event.preventDefault();
  }

  return (
    <div onKeyDown={onKeyDown}>
      <QueueKeyboard />
      <DataTable
        columns={columns}
        data={rows}
        label="Review cases"
        dense
        getRowId={(row) => row.id}
        emptyMessage={emptyMessage}
        manualSorting={{
          // Age ascending is newest first.
          sorting: [{ id: "age", desc: sort === "oldest" }],
          onSortingChange: (next) => router.push(next[0]?.desc ? sortHrefs.oldest : sortHrefs.newest),
        }}
        selection={canWork ? { selected, onChange: setSelected, rowLabel: (row) => `case ${row.id}: ${row.reason}` } : undefined}
        toolbar={canWork ? <BulkBar ids={ids} onDone={() => setSelected({})} /> : null}
        pagination={pagination}
      />
    </div>
  );
}
