"use client";

import { useActionState, useId } from "react";
import { createUserAction, setDisabledAction, updateRolesAction } from "@/app/(console)/users/actions";
import { ActionForm } from "@/components/ui/action-form";
import { FormMessage, SubmitButton, TextField } from "@/components/ui/field";
import { OneTimeSecret } from "@/components/ui/one-time-secret";
import { useResetKeyOnSuccess } from "@/components/ui/use-reset-key";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { INITIAL_FORM_STATE, type FormState } from "@/lib/console/form-state";
import { ROLES, type Role } from "@/lib/policy/roles";

/** One checkbox per role; after a refused submit, the boxes the person ticked stay ticked. */
function RoleChecks({ state, initial, legend }: { state: FormState; initial: readonly Role[]; legend: string }) {
  const id = useId();
  const checked = state.ok === false && state.values.roles !== undefined ? state.values.roles.split(",").filter(Boolean) : initial;
  const error = state.fieldErrors.roles;
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {ROLES.map((role) => (
          <label key={role} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={checked.includes(role)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className="size-4 rounded border-slate-300"
            />
            {ROLE_LABELS[role]}
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function AddUserForm() {
  const [state, action, pending] = useActionState(createUserAction, INITIAL_FORM_STATE);
  const resetKey = useResetKeyOnSuccess(state);
  return (
    <ActionForm action={action} className="space-y-3" aria-label="Add a person" noValidate>
      <FormMessage state={state} />
      <OneTimeSecret secret={state.secret} label="One-time password" testId="new-user-password" />
      <div key={resetKey} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Name" name="name" defaultValue={state.values.name} error={state.fieldErrors.name} required />
          <TextField label="Email" name="email" type="email" defaultValue={state.values.email} error={state.fieldErrors.email} required />
        </div>
        <RoleChecks state={state} initial={[]} legend="Roles" />
      </div>
      <SubmitButton pending={pending}>Add person</SubmitButton>
    </ActionForm>
  );
}

export function EditRolesForm({ userId, name, roles }: { userId: string; name: string; roles: readonly Role[] }) {
  const [state, action, pending] = useActionState(updateRolesAction, INITIAL_FORM_STATE);
  return (
    <ActionForm action={action} className="space-y-2" aria-label={`Roles of ${name}`} noValidate>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="name" value={name} />
      <FormMessage state={state} />
      <RoleChecks state={state} initial={roles} legend={`Roles of ${name}`} />
      <SubmitButton pending={pending} tone="secondary">
        Save roles
      </SubmitButton>
    </ActionForm>
  );
}

export function DisableUserForm({ userId, name, disabled }: { userId: string; name: string; disabled: boolean }) {
  const [state, action, pending] = useActionState(setDisabledAction, INITIAL_FORM_STATE);
  // After a change the form turns into its opposite: the reason must start over, not carry across.
  const resetKey = useResetKeyOnSuccess(state);
  const verb = disabled ? "Enable" : "Disable";
  return (
    <ActionForm action={action} className="space-y-2" aria-label={`${verb} ${name}`} noValidate>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="disabled" value={String(!disabled)} />
      <FormMessage state={state} />
      <TextField key={resetKey} label={disabled ? "Why enable" : "Why disable"} name="reason" defaultValue={state.ok ? undefined : state.values.reason} error={state.fieldErrors.reason} required />
      <SubmitButton pending={pending} tone={disabled ? "secondary" : "danger"}>
        {verb} {name}
      </SubmitButton>
    </ActionForm>
  );
}
