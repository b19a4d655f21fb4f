"use client";

import { useActionState, useState } from "react";
import { pauseAction, resumeAction } from "@/app/(console)/stop-switches/actions";
import { ActionForm } from "@/components/ui/action-form";
import { FormMessage, SubmitButton, TextField } from "@/components/ui/field";
import { useResetKeyOnSuccess } from "@/components/ui/use-reset-key";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";

export function PauseForm({ agentNames, actionKeys }: { agentNames: string[]; actionKeys: string[] }) {
  const [state, action, pending] = useActionState(pauseAction, INITIAL_FORM_STATE);
  // After a pause, the fields start over: a second click must not pause the same thing again.
  const resetKey = useResetKeyOnSuccess(state);
  return (
    <ActionForm
      action={action}
      className="space-y-3"
      aria-label="Pause"
      noValidate
      onSubmit={(event) => {
        const everything = new FormData(event.currentTarget).get("scope") === "all";
        if (everything && !window.confirm("Pause everything? Every agent request will be denied until someone resumes.")) event.preventDefault();
      }}
    >
      <FormMessage state={state} />
      <PauseFields key={resetKey} state={state} agentNames={agentNames} actionKeys={actionKeys} />
      <SubmitButton pending={pending} tone="danger">
        Pause
      </SubmitButton>
    </ActionForm>
  );
}

function PauseFields({ state, agentNames, actionKeys }: { state: FormState; agentNames: string[]; actionKeys: string[] }) {
  const [scope, setScope] = useState(state.values.scope ?? "agent");
  // Controlled, so a refused submit keeps the person's choice.
  const [target, setTarget] = useState(state.values.target ?? agentNames[0] ?? "");
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <div>
        <label htmlFor="pause-scope" className="block text-sm font-medium text-slate-700">
          What to stop
        </label>
        <select
          id="pause-scope"
          name="scope"
          value={scope}
          onChange={(e) => {
            setScope(e.target.value);
            setTarget((e.target.value === "agent" ? agentNames : actionKeys)[0] ?? "");
          }}
          className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
        >
          <option value="agent">One agent</option>
          <option value="action">One action</option>
          <option value="all">Everything</option>
        </select>
      </div>
      {scope === "all" ? (
        <p className="self-end text-sm text-rose-800">Every agent request will be denied.</p>
      ) : (
        <div>
          <label htmlFor="pause-target" className="block text-sm font-medium text-slate-700">
            {scope === "agent" ? "Agent" : "Action"}
          </label>
          <select
            id="pause-target"
            name="target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            aria-invalid={state.fieldErrors["target.target"] ? true : undefined}
            className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
          >
            {(scope === "agent" ? agentNames : actionKeys).map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
          {state.fieldErrors["target.target"] ? <p className="mt-1 text-sm text-rose-700">{state.fieldErrors["target.target"]}</p> : null}
        </div>
      )}
      <TextField label="Reason" name="reason" defaultValue={state.values.reason} error={state.fieldErrors.reason} placeholder="e.g. refund fraud suspected" required />
    </div>
  );
}

export function ResumeForm({ scope, target }: { scope: string; target: string | null }) {
  const [state, action, pending] = useActionState(resumeAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label={`Resume ${target ?? "everything"}`} noValidate>
      <input type="hidden" name="scope" value={scope} />
      {target ? <input type="hidden" name="target" value={target} /> : null}
      <div className="min-w-56 flex-1">
        <TextField label="Reason to resume" name="reason" defaultValue={state.values.reason} error={state.ok === false ? (state.fieldErrors.reason ?? state.message) : undefined} required />
      </div>
      <SubmitButton pending={pending} tone="secondary">
        Resume
      </SubmitButton>
    </form>
  );
}
