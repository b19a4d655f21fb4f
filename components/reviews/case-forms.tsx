"use client";

import { useActionState, useState } from "react";
import {
  addReviewNoteAction,
  assignReviewCaseAction,
  labelReviewCaseAction,
  resolveReviewCaseAction,
  startDraftFromCaseAction,
} from "@/app/(console)/reviews/actions";
import { ActionForm } from "@/components/ui/action-form";
import { FormMessage, SubmitButton } from "@/components/ui/field";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";
import { REVIEW_LABEL_NAMES, REVIEW_LABELS } from "@/lib/reviews/schemas";

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-sm text-rose-700">
      {message}
    </p>
  );
}

export function AssignForm({ caseId, mine, assignee, closed }: { caseId: string; mine: boolean; assignee: string | null; closed: boolean }) {
  const [state, action, pending] = useActionState(assignReviewCaseAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-2" aria-label="Assignment">
      <input type="hidden" name="caseId" value={caseId} />
      {/* This line is the confirmation (it changes with the case); a success message under it would say it twice. */}
      <p role="status" className="text-sm text-slate-700">
        {assignee ? <>Assigned to {mine ? "you" : assignee}.</> : "Nobody has this case yet."}
      </p>
      {closed ? null : mine ? (
        <button type="submit" name="assign" value="nobody" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm disabled:opacity-60">
          Unassign
        </button>
      ) : (
        <button type="submit" name="assign" value="me" disabled={pending} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60">
          Assign to me
        </button>
      )}
      {state.ok === false ? <FormMessage state={state} /> : null}
    </form>
  );
}

/** One toggle button per label in the vocabulary; pressed means the case has it. */
export function LabelToggles({ caseId, labels }: { caseId: string; labels: string[] }) {
  const [state, action, pending] = useActionState(labelReviewCaseAction, INITIAL_FORM_STATE);
  return (
    <form action={action} aria-label="Labels" className="space-y-2">
      <input type="hidden" name="caseId" value={caseId} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Labels</legend>
        <div className="mt-1 flex flex-wrap gap-2">
          {REVIEW_LABELS.map((label) => {
            const on = labels.includes(label);
            return (
              <button
                key={label}
                type="submit"
                name="toggle"
                value={`${label}:${on ? "remove" : "add"}`}
                aria-pressed={on}
                disabled={pending}
                className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset disabled:opacity-60 ${on ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:ring-brand-600"}`}
              >
                {on ? "✓ " : ""}
                {REVIEW_LABEL_NAMES[label]}
              </button>
            );
          })}
        </div>
      </fieldset>
      {state.ok === false ? <FormMessage state={state} /> : null}
    </form>
  );
}

export function NoteForm({ caseId }: { caseId: string }) {
  // Controlled: kept when the note is refused, cleared once it is in the thread.
  const [body, setBody] = useState("");
  const [state, action, pending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await addReviewNoteAction(previous, formData);
    if (next.ok) setBody("");
    return next;
  }, INITIAL_FORM_STATE);
  const error = state.fieldErrors.body;
  return (
    <form action={action} className="space-y-2" aria-label="Add a note">
      <input type="hidden" name="caseId" value={caseId} />
      <label htmlFor="note-body" className="block text-sm font-medium text-slate-700">
        Note
      </label>
      <textarea
        id="note-body"
        name="body"
        rows={3}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
        }}
        placeholder="What did you find? Notes are kept with the case and in the audit log."
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "note-body-error" : undefined}
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm aria-invalid:border-rose-500"
      />
      <FieldError id="note-body-error" message={error} />
      <div className="flex items-center gap-3">
        <SubmitButton pending={pending}>Add note</SubmitButton>
        <span className="text-xs text-slate-500">Ctrl+Enter</span>
        {state.ok === false && !error ? <FormMessage state={state} /> : null}
      </div>
    </form>
  );
}

export function ResolveForm({ caseId, hasLabels }: { caseId: string; hasLabels: boolean }) {
  const [state, action, pending] = useActionState(resolveReviewCaseAction, INITIAL_FORM_STATE);
  // Controlled, so a refused submit keeps the choice and the text on screen.
  const [status, setStatus] = useState<"resolved" | "dismissed">("resolved");
  const [outcome, setOutcome] = useState("");
  const outcomeError = state.fieldErrors.outcome;
  const labelsError = state.fieldErrors.labels;
  return (
    <ActionForm action={action} className="space-y-3" aria-label="Close the case">
      <input type="hidden" name="caseId" value={caseId} />
      <FormMessage state={state} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Close as</legend>
        <div className="mt-1 flex gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="status" value="resolved" checked={status === "resolved"} onChange={() => setStatus("resolved")} /> Resolved
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name="status" value="dismissed" checked={status === "dismissed"} onChange={() => setStatus("dismissed")} /> Dismissed
          </label>
        </div>
        {status === "resolved" && !hasLabels ? <p className="mt-1 text-xs text-slate-600">Resolving needs at least one label.</p> : null}
        <FieldError id="resolve-labels-error" message={labelsError} />
      </fieldset>
      <div>
        <label htmlFor="resolve-outcome" className="block text-sm font-medium text-slate-700">
          Outcome (required)
        </label>
        <textarea
          id="resolve-outcome"
          name="outcome"
          rows={3}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
          placeholder="What was decided, and what happens next"
          aria-invalid={outcomeError ? true : undefined}
          aria-describedby={outcomeError ? "resolve-outcome-error" : undefined}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm aria-invalid:border-rose-500"
        />
        <FieldError id="resolve-outcome-error" message={outcomeError} />
      </div>
      <SubmitButton pending={pending} tone={status === "dismissed" ? "secondary" : "primary"}>
        {status === "resolved" ? "Resolve case" : "Dismiss case"}
      </SubmitButton>
    </ActionForm>
  );
}

export function StartDraftForm({ caseId, action: actionKey, actionLabel }: { caseId: string; action: string | null; actionLabel: string | null }) {
  const [state, action, pending] = useActionState(startDraftFromCaseAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-2" aria-label="Start a policy draft">
      <input type="hidden" name="caseId" value={caseId} />
      <p className="text-sm text-slate-700">
        {actionKey ? (
          <>
            Opens a draft of the policy in force at <span title={actionKey}>{actionLabel ?? actionKey}</span>, named after this case. Nothing changes for agents until the draft is reviewed and published.
          </>
        ) : (
          "Opens a draft of the policy in force, named after this case. Nothing changes for agents until it is reviewed and published."
        )}
      </p>
      <SubmitButton pending={pending} tone="secondary">
        Start a policy draft from this case
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
