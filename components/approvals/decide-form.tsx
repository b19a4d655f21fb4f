"use client";

import Link from "next/link";
import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import { decideApprovalAction } from "@/app/(console)/approvals/actions";
import { FormMessage } from "@/components/ui/field";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";

const BUTTON_TONES = {
  approve: "bg-emerald-600 hover:bg-emerald-700",
  reject: "bg-rose-600 hover:bg-rose-700",
  none: "bg-slate-700 hover:bg-slate-800",
} as const;

/**
 * Approve or reject with a reason; nothing is chosen in advance, so approving is never one keypress. Keys: `a` approve, `r` reject (focus the reason), Ctrl+Enter to send.
 * `approveBlocked` (why approving is refused now: a stop switch, or the remaining approval must come from another role) disables Approve; the server refuses it anyway.
 * When there is nothing (left) for this person to decide, `closedNote` says why and `nextHref` leads to the next item they may decide.
 */
export function DecideForm({
  approvalId,
  open,
  closedNote,
  nextHref,
  approveBlocked = null,
}: {
  approvalId: string;
  open: boolean;
  closedNote: string;
  nextHref: string | null;
  approveBlocked?: string | null;
}) {
  const [state, action, pending] = useActionState(decideApprovalAction, INITIAL_FORM_STATE);
  const nextRef = useRef<HTMLAnchorElement>(null);
  // Once this person's vote is in, the next item is one keypress (Enter) away.
  useEffect(() => {
    if (state.ok) nextRef.current?.focus();
  }, [state]);
  const [chosen, setVerdict] = useState<"approve" | "reject" | null>(null);
  // A stop that starts while the page is open takes an approve choice back.
  const verdict = approveBlocked && chosen === "approve" ? null : chosen;
  const [reason, setReason] = useState("");
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!open) return;
      if ((event.target as HTMLElement).closest("input, textarea, select") || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "a" && approveBlocked) return;
      if (event.key === "a" || event.key === "r") {
        setVerdict(event.key === "a" ? "approve" : "reject");
        reasonRef.current?.focus();
        event.preventDefault();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, approveBlocked]);

  return (
    <form
      ref={formRef}
      // Submitting through a transition rather than `action` keeps React from resetting the form:
      // after a refused send the chosen radio must still match the button's label.
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
      className="space-y-3"
      aria-label="Decide"
    >
      <input type="hidden" name="approvalId" value={approvalId} />
      <input type="hidden" name="verdict" value={verdict ?? ""} />
      <FormMessage state={state} />
      {!open ? <p className="text-sm text-slate-700">{closedNote}</p> : null}
      {!open || state.ok ? (
        nextHref ? (
          <Link ref={nextRef} href={nextHref} className="inline-block rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-900">
            Next item →
          </Link>
        ) : (
          <p className="text-sm text-slate-600">
            Nothing else in the queue waits for you. <Link href="/approvals" className="underline">Back to the queue</Link>
          </p>
        )
      ) : null}
      <fieldset hidden={!open} aria-describedby={state.fieldErrors.verdict ? "decide-verdict-error" : undefined}>
        <legend className="text-sm font-medium text-slate-700">Decision</legend>
        <div className="mt-1 flex gap-4 text-sm">
          <label className={`inline-flex items-center gap-2 ${approveBlocked ? "text-slate-400" : ""}`}>
            <input
              type="radio"
              name="verdict-choice"
              checked={verdict === "approve"}
              disabled={!!approveBlocked}
              aria-describedby={approveBlocked ? "decide-approve-blocked" : undefined}
              onChange={() => setVerdict("approve")}
            />{" "}
            Approve <kbd className="rounded border px-1 text-xs">a</kbd>
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="verdict-choice" checked={verdict === "reject"} onChange={() => setVerdict("reject")} /> Reject <kbd className="rounded border px-1 text-xs">r</kbd>
          </label>
        </div>
        {approveBlocked ? (
          <p id="decide-approve-blocked" className="mt-1 text-sm text-slate-700">
            {approveBlocked}
          </p>
        ) : null}
        {state.fieldErrors.verdict ? (
          <p id="decide-verdict-error" className="mt-1 text-sm text-rose-700">
            {state.fieldErrors.verdict}
          </p>
        ) : null}
      </fieldset>
      <div hidden={!open}>
        <label htmlFor="decide-reason" className="block text-sm font-medium text-slate-700">
          Reason (kept in the audit log)
        </label>
        <textarea
          id="decide-reason"
          ref={reasonRef}
          name="reason"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) formRef.current?.requestSubmit();
          }}
          aria-invalid={state.fieldErrors.reason ? true : undefined}
          aria-describedby={state.fieldErrors.reason ? "decide-reason-error" : undefined}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm aria-invalid:border-rose-500"
        />
        {state.fieldErrors.reason ? (
          <p id="decide-reason-error" className="mt-1 text-sm text-rose-700">
            {state.fieldErrors.reason}
          </p>
        ) : null}
      </div>
      <button
        type="submit"
        hidden={!open}
        disabled={pending}
        className={`rounded-md px-4 py-2 text-sm font-medium text-white shadow-sm disabled:opacity-60 ${BUTTON_TONES[verdict ?? "none"]}`}
      >
        {pending ? "Sending…" : verdict === "approve" ? "Approve" : verdict === "reject" ? "Reject" : "Send decision"} <span className="text-xs opacity-80">(Ctrl+Enter)</span>
      </button>
    </form>
  );
}
