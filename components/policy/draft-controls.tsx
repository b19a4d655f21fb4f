"use client";

import { useActionState, useState } from "react";
import { createDraftAction, discardDraftAction, importDraftAction, removeDraftItemAction, reviewDraftAction, submitDraftAction } from "@/app/(console)/drafts/actions";
import { FormMessage, SubmitButton, TextField } from "@/components/ui/field";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";

export function NewDraftButton({ fromVersion, label }: { fromVersion?: number; label: string }) {
  const [state, action, pending] = useActionState(createDraftAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="inline">
      {fromVersion ? <input type="hidden" name="fromVersion" value={fromVersion} /> : null}
      <SubmitButton pending={pending} tone={fromVersion ? "secondary" : "primary"}>
        {label}
      </SubmitButton>
      {state.ok === false ? <span role="alert" className="ml-2 text-sm text-rose-700">{state.message}</span> : null}
    </form>
  );
}

/** Starts a draft, asking for its name; left empty, the draft gets `defaultTitle`. */
export function StartDraftForm({ section, defaultTitle }: { section?: string; defaultTitle: string }) {
  const [state, action, pending] = useActionState(createDraftAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-3" aria-label="Start a draft" noValidate>
      <FormMessage state={state} />
      {section ? <input type="hidden" name="section" value={section} /> : null}
      <TextField label="Draft name (optional)" name="title" defaultValue={state.values.title} error={state.fieldErrors.title} hint={`Say what you are changing, so reviewers know. Left empty, it is called “${defaultTitle}”.`} />
      <SubmitButton pending={pending}>Start draft</SubmitButton>
    </form>
  );
}

export function ImportForm() {
  const [state, action, pending] = useActionState(importDraftAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-3" aria-label="Import a policy document">
      <FormMessage state={state} />
      {state.ok === false && Object.keys(state.fieldErrors).length > 0 ? (
        <ul className="list-disc space-y-1 pl-5 text-sm text-rose-800" aria-label="Import errors">
          {Object.entries(state.fieldErrors).map(([path, message]) => (
            <li key={path}>
              <code className="font-mono">{path === "form" ? "(document)" : path}</code>: {message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium text-slate-700">
            File (JSON or YAML)
          </label>
          <input id="import-file" name="file" type="file" accept=".json,.yaml,.yml,application/json,text/yaml" className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 file:shadow-sm hover:file:bg-slate-50" />
        </div>
        <TextField label="Draft title" name="title" defaultValue={state.values.title} placeholder="Imported policy" />
      </div>
      <div>
        <label htmlFor="import-text" className="block text-sm font-medium text-slate-700">
          …or paste the document
        </label>
        <textarea id="import-text" name="text" rows={6} defaultValue={state.values.text} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs shadow-sm" />
      </div>
      <SubmitButton pending={pending} tone="secondary">
        Import as a draft
      </SubmitButton>
    </form>
  );
}

export function SubmitForm({ draftId, revision, reason }: { draftId: string; revision: number; reason: string | null }) {
  const [state, action, pending] = useActionState(submitDraftAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-3" aria-label="Submit for review">
      <input type="hidden" name="draftId" value={draftId} />
      <input type="hidden" name="revision" value={revision} />
      <FormMessage state={state} />
      <TextField label="Why this change (published with it)" name="reason" defaultValue={state.values.reason ?? reason ?? ""} error={state.fieldErrors.reason} />
      <SubmitButton pending={pending}>Submit for review</SubmitButton>
    </form>
  );
}

/**
 * `publication` says whether this approval would publish the draft and what its simulation
 * found: publishing a draft never simulated at this revision needs an explicit confirmation
 * (reviewDraft enforces it on the server too).
 */
export function ReviewForm({ draftId, revision, publication }: { draftId: string; revision: number; publication?: { publishes: boolean; impact: string | null; simulated: boolean } }) {
  const [state, action, pending] = useActionState(reviewDraftAction, INITIAL_FORM_STATE);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const needsConfirmation = publication?.publishes === true && !publication.simulated;
  return (
    <form
      action={action}
      className="space-y-3"
      aria-label="Review this draft"
      onSubmit={(e) => {
        const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        const confirmed = new FormData(e.currentTarget).get("publishWithoutSimulation") === "on";
        if (needsConfirmation && submitter?.value === "approve" && !confirmed) {
          e.preventDefault();
          setConfirmError("Confirm that you publish without a simulation, or simulate the draft first.");
        } else setConfirmError(null);
      }}
    >
      <input type="hidden" name="draftId" value={draftId} />
      <input type="hidden" name="revision" value={revision} />
      <FormMessage state={state} />
      {publication?.publishes ? (
        publication.simulated ? (
          <div role="note" aria-label="Impact of publishing" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-800">
            <p className="font-medium">Approving publishes this draft. Its simulation found:</p>
            <p className="mt-1">{publication.impact}</p>
          </div>
        ) : (
          <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <p>Approving publishes this draft, and it was never simulated at revision {revision}: nobody has seen which decisions it would change.</p>
            <label className="mt-2 flex items-center gap-2 font-medium">
              <input type="checkbox" name="publishWithoutSimulation" aria-describedby={confirmError ? "publish-confirm-error" : undefined} className="size-4 rounded border-slate-300" />
              Publish without a simulation
            </label>
            {confirmError ? (
              <p id="publish-confirm-error" role="alert" className="mt-1 text-rose-700">
                {confirmError}
              </p>
            ) : null}
          </div>
        )
      ) : null}
      <TextField label="Comment" name="comment" defaultValue={state.values.comment} error={state.fieldErrors.comment} hint="Required when sending back" />
      <div className="flex gap-2">
        <button type="submit" name="verdict" value="approve" disabled={pending} className="rounded-md bg-emerald-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-emerald-700 disabled:opacity-60">
          Approve
        </button>
        <button type="submit" name="verdict" value="reject" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60">
          Send back
        </button>
      </div>
    </form>
  );
}

export function DiscardButton({ draftId }: { draftId: string }) {
  const [state, action, pending] = useActionState(discardDraftAction, INITIAL_FORM_STATE);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm("Discard this draft? Its changes are lost.")) e.preventDefault();
      }}
    >
      <input type="hidden" name="draftId" value={draftId} />
      <SubmitButton pending={pending} tone="secondary">
        Discard draft
      </SubmitButton>
      {state.ok === false ? <span role="alert" className="ml-2 text-sm text-rose-700">{state.message}</span> : null}
    </form>
  );
}

export function RemoveItemButton({ draftId, revision, section, itemKey, label }: { draftId: string; revision: number; section: string; itemKey: string; label: string }) {
  const [state, action, pending] = useActionState(removeDraftItemAction, INITIAL_FORM_STATE);
  return (
    <form
      action={action}
      className="inline"
      onSubmit={(e) => {
        if (!window.confirm(`Remove ${label} from the draft?`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="draftId" value={draftId} />
      <input type="hidden" name="revision" value={revision} />
      <input type="hidden" name="section" value={section} />
      <input type="hidden" name="key" value={itemKey} />
      <button type="submit" disabled={pending} aria-label={`Remove ${label}`} className="text-xs font-medium text-rose-700 underline underline-offset-2">
        Remove
      </button>
      {state.ok === false ? <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span> : null}
    </form>
  );
}
