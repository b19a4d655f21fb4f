"use client";

import { useActionState } from "react";
import { setOwnerWebhookAction, testOwnerWebhookAction } from "@/app/(console)/owners/actions";
import { FormMessage, SelectField, SubmitButton, TextField } from "@/components/ui/field";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";
import { OWNER_WEBHOOK_FORMAT_LABELS, OWNER_WEBHOOK_FORMATS } from "@/lib/webhooks/owner-webhook-schema";

const FORMAT_OPTIONS = OWNER_WEBHOOK_FORMATS.map((value) => ({ value, label: OWNER_WEBHOOK_FORMAT_LABELS[value] }));

/** IT's form for an owner's notification webhook; the signing secret appears once, after a new URL. */
export function OwnerWebhookForm({ ownerKey, ownerName, url, format }: { ownerKey: string; ownerName: string; url: string | null; format: string | null }) {
  const [state, action, pending] = useActionState(setOwnerWebhookAction, INITIAL_FORM_STATE);
  const [testState, testAction, testing] = useActionState(testOwnerWebhookAction, INITIAL_FORM_STATE);
  return (
    <div className="space-y-2">
      <form action={action} className="space-y-2" aria-label={`Notification webhook for ${ownerName}`}>
        <input type="hidden" name="ownerKey" value={ownerKey} />
        <FormMessage state={state} />
        <OneTimeSecret secret={state.secret} label="Signing secret (shown once)" testId="owner-webhook-secret" />
        <div className="grid gap-2 sm:grid-cols-[minmax(0,1fr)_11rem]">
          <TextField label="Webhook URL" name="url" defaultValue={state.values.url ?? url ?? ""} error={state.fieldErrors.url} placeholder="https://hooks.slack.com/services/…" hint="HTTPS; plain http only on this machine. Empty removes it." />
          <SelectField label="Format" name="format" options={FORMAT_OPTIONS} defaultValue={state.values.format ?? format ?? "generic"} error={state.fieldErrors.format} />
        </div>
        <SubmitButton pending={pending} tone="secondary">
          Save webhook
        </SubmitButton>
      </form>
      {url ? (
        <form action={testAction} aria-label={`Test notification for ${ownerName}`}>
          <input type="hidden" name="ownerKey" value={ownerKey} />
          <FormMessage state={testState} />
          <SubmitButton pending={testing} tone="secondary">
            Send test notification
          </SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
