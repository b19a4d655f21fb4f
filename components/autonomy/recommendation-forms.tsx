"use client";

import { useActionState } from "react";
import { decideRecommendationAction, generateRecommendationsAction } from "@/app/(console)/recommendations/actions";
import { FormMessage, SubmitButton, TextField } from "@/components/ui/field";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";

/** Accept or dismiss, with the reason both require; accepting opens the new draft. */
export function RecommendationDecisionForm({ recommendationId, fingerprint }: { recommendationId: string; fingerprint: string | null }) {
  const [state, action, pending] = useActionState(decideRecommendationAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-3" aria-label="Decide this recommendation" noValidate>
      <input type="hidden" name="recommendationId" value={recommendationId} />
      {fingerprint ? <input type="hidden" name="fingerprint" value={fingerprint} /> : null}
      <FormMessage state={state} />
      <TextField
        label="Reason"
        name="reason"
        defaultValue={state.values.reason}
        error={state.fieldErrors.reason}
        hint="Required either way: kept with the recommendation and in the audit log."
        placeholder="e.g. supervisors approve these anyway"
      />
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          name="verdict"
          value="accept"
          disabled={pending}
          className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? "Working…" : "Accept and draft the change"}
        </button>
        <button
          type="submit"
          name="verdict"
          value="dismiss"
          disabled={pending}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-60"
        >
          Dismiss
        </button>
      </div>
    </form>
  );
}

export function GenerateRecommendationsButton() {
  const [state, action, pending] = useActionState(generateRecommendationsAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="flex flex-col items-end gap-2" aria-label="Run the rules now">
      <SubmitButton pending={pending} tone="secondary">
        Run the rules now
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
