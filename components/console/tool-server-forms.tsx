"use client";

import { useActionState, useId, useState } from "react";
import { refreshToolServerAction, registerToolServerAction, removeToolServerAction } from "@/app/(console)/tool-servers/actions";
import { describedBy, FieldMessage, FormMessage, INPUT, SubmitButton, TextField } from "@/components/ui/field";
import { useResetKeyOnSuccess } from "@/components/ui/use-reset-key";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";

/** The rows a refused submit sent back (so nothing typed is lost), or one empty row. */
function rowsFrom(state: FormState): number[] {
  const rows = Object.keys(state.values)
    .map((key) => /^headerName\.(\d{1,2})$/.exec(key)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number);
  return rows.length ? rows.sort((a, b) => a - b) : [0];
}

export function AddToolServerForm() {
  const [state, action, pending] = useActionState(registerToolServerAction, INITIAL_FORM_STATE);
  const resetKey = useResetKeyOnSuccess(state);
  return (
    <form action={action} className="space-y-4" aria-label="Add a tool server" noValidate>
      <FormMessage state={state} />
      <div key={resetKey} className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="Name" name="name" defaultValue={state.values.name} error={state.fieldErrors.name} placeholder="payments" hint="Used in the policy's tool mappings" required />
          <div className="sm:col-span-2">
            <TextField label="MCP address (Streamable HTTP)" name="url" defaultValue={state.values.url} error={state.fieldErrors.url} placeholder="https://payments.internal/mcp" hint="http:// or https://; its tool list is read when you save" required />
          </div>
        </div>
        <HeaderRows state={state} />
      </div>
      <SubmitButton pending={pending}>{pending ? "Reading its tools…" : "Add tool server"}</SubmitButton>
    </form>
  );
}

function HeaderRows({ state }: { state: FormState }) {
  const [rows, setRows] = useState<number[]>(() => rowsFrom(state));
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    // A refused submit brings back the rows it sent, as typed.
    setSeen(state);
    if (state.ok === false) setRows(rowsFrom(state));
  }
  const legendId = useId();
  return (
    <fieldset className="space-y-2" aria-describedby={`${legendId}-hint`}>
      <legend className="text-sm font-medium text-slate-700">Headers sent with every request (credentials)</legend>
      <p id={`${legendId}-hint`} className="text-xs text-slate-500">
        Such as Authorization. The values are stored sealed and never shown again, here or anywhere: to change one, remove the server and add it again.
      </p>
      {rows.map((row, position) => (
        <HeaderRow
          key={row}
          index={row}
          position={position + 1}
          state={state}
          onRemove={rows.length > 1 ? () => setRows(rows.filter((r) => r !== row)) : undefined}
        />
      ))}
      {rows.length < 20 ? (
        <button type="button" onClick={() => setRows([...rows, Math.max(...rows) + 1])} className="text-sm font-medium text-brand-700 underline underline-offset-2">
          Add another header
        </button>
      ) : null}
    </fieldset>
  );
}

function HeaderRow({ index, position, state, onRemove }: { index: number; position: number; state: FormState; onRemove?: () => void }) {
  const id = useId();
  const name = state.values[`headerName.${index}`];
  const error = state.fieldErrors[`headers.${(name ?? "").trim()}`] && (name || state.values[`headerValue.${index}`]) ? state.fieldErrors[`headers.${(name ?? "").trim()}`] : undefined;
  return (
    <div className="grid items-start gap-2 sm:grid-cols-[1fr_2fr_auto]">
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm text-slate-700">
          Header {position} name
        </label>
        <input id={`${id}-name`} name={`headerName.${index}`} defaultValue={name} placeholder="Authorization" autoComplete="off" spellCheck={false} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} className={INPUT} />
        <FieldMessage id={id} error={error} />
      </div>
      <div>
        <label htmlFor={`${id}-value`} className="block text-sm text-slate-700">
          Header {position} value
        </label>
        <input id={`${id}-value`} name={`headerValue.${index}`} type="password" defaultValue={state.values[`headerValue.${index}`]} autoComplete="new-password" className={INPUT} />
      </div>
      {onRemove ? (
        <button type="button" onClick={onRemove} className="mt-6 self-start rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" aria-label={`Remove header ${position}`}>
          Remove
        </button>
      ) : (
        <span />
      )}
    </div>
  );
}

export function RefreshToolServerButton({ name }: { name: string }) {
  const [state, action, pending] = useActionState(refreshToolServerAction, INITIAL_FORM_STATE);
  return (
    <form action={action} aria-label={`Refresh ${name}`} className="space-y-2">
      <input type="hidden" name="name" value={name} />
      <FormMessage state={state} />
      <SubmitButton pending={pending} tone="secondary">
        Refresh tool list
      </SubmitButton>
    </form>
  );
}

export function RemoveToolServerButton({ name }: { name: string }) {
  const [state, action, pending] = useActionState(removeToolServerAction, INITIAL_FORM_STATE);
  return (
    <form
      action={action}
      aria-label={`Remove ${name}`}
      className="space-y-2"
      onSubmit={(e) => {
        if (!window.confirm(`Remove the tool server ${name}? Agents can no longer call its tools through Mandate, and its stored credentials are deleted.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="name" value={name} />
      <FormMessage state={state} />
      <SubmitButton pending={pending} tone="danger">
        Remove
      </SubmitButton>
    </form>
  );
}
