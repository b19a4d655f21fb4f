"use client";

import { useActionState } from "react";
import { addKeyAction, createAgentAction, revokeKeyAction, setWebhookAction, testWebhookAction } from "@/app/(console)/agents/actions";
import { FormMessage, SubmitButton, TextField } from "@/components/ui/field";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";

// Every secret on this page carries the same test id: one is shown at a time.
function AgentSecret({ state, label = "API key (shown once)" }: { state: FormState; label?: string }) {
  return <OneTimeSecret secret={state.secret} label={label} testId="new-api-key" />;
}

export function CreateAgentForm() {
  const [state, action, pending] = useActionState(createAgentAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-3" aria-label="Create an agent" noValidate>
      <FormMessage state={state} />
      <AgentSecret state={state} />
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="Name" name="name" defaultValue={state.values.name} error={state.fieldErrors.name} placeholder="refund-bot" required />
        <TextField label="What it does" name="description" defaultValue={state.values.description} error={state.fieldErrors.description} />
        <TextField label="Rate limit (requests per second)" name="rateLimitPerSecond" type="number" defaultValue={state.values.rateLimitPerSecond ?? "50"} error={state.fieldErrors.rateLimitPerSecond} hint="0 means no limit" />
      </div>
      <SubmitButton pending={pending}>Create agent and key</SubmitButton>
    </form>
  );
}

export function AddKeyForm({ agentId, agentName }: { agentId: string; agentName: string }) {
  const [state, action, pending] = useActionState(addKeyAction, INITIAL_FORM_STATE);
  return (
    <form action={action} className="space-y-2" aria-label={`New key for ${agentName}`}>
      <input type="hidden" name="agentId" value={agentId} />
      <input type="hidden" name="rateLimitPerSecond" value="50" />
      <FormMessage state={state} />
      <AgentSecret state={state} />
      <SubmitButton pending={pending} tone="secondary">
        New key
      </SubmitButton>
    </form>
  );
}

export function RevokeKeyButton({ keyId, prefix }: { keyId: string; prefix: string }) {
  const [state, action, pending] = useActionState(revokeKeyAction, INITIAL_FORM_STATE);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke key ${prefix}…? Agents using it are refused within a second.`)) e.preventDefault();
      }}
      className="inline"
    >
      <input type="hidden" name="keyId" value={keyId} />
      <button type="submit" disabled={pending} className="text-xs font-medium text-rose-700 underline underline-offset-2 disabled:opacity-60" aria-label={`Revoke key ${prefix}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.ok === false ? <span role="alert" className="ml-2 text-xs text-rose-700">{state.message}</span> : null}
    </form>
  );
}

export function WebhookForm({ agentId, agentName, url }: { agentId: string; agentName: string; url: string | null }) {
  const [state, action, pending] = useActionState(setWebhookAction, INITIAL_FORM_STATE);
  const [testState, testAction, testing] = useActionState(testWebhookAction, INITIAL_FORM_STATE);
  return (
    <div className="space-y-2">
      <form action={action} className="space-y-2" aria-label={`Webhook for ${agentName}`}>
        <input type="hidden" name="agentId" value={agentId} />
        <FormMessage state={state} />
        <AgentSecret state={state} label="Signing secret (shown once)" />
        <TextField label="Webhook URL" name="url" defaultValue={state.values.url ?? url ?? ""} error={state.fieldErrors.url} placeholder="https://agent.example/hooks" hint="HTTPS; plain http only on this machine. Empty removes it." />
        <SubmitButton pending={pending} tone="secondary">
          Save webhook
        </SubmitButton>
      </form>
      {url ? (
        <form action={testAction} aria-label={`Test webhook for ${agentName}`}>
          <input type="hidden" name="agentId" value={agentId} />
          <FormMessage state={testState} />
          <SubmitButton pending={testing} tone="secondary">
            Send test event
          </SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
