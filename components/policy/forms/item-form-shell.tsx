"use client";

import Link from "next/link";
import { useActionState } from "react";
import { saveDraftItemAction } from "@/app/(console)/drafts/actions";
import { ActionForm } from "@/components/ui/action-form";
import { FormMessage, SubmitButton } from "@/components/ui/field";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";

export type FieldErrors = Record<string, string>;

/**
 * Every draft item form posts the item as JSON through one server action; what the person typed
 * stays in the form's own state, and errors come back keyed by path (`risk[0].tier`).
 */
export function ItemFormShell({
  draftId,
  revision,
  section,
  originalKey,
  item,
  itemJson,
  label,
  children,
}: {
  draftId: string;
  revision: number;
  section: string;
  originalKey: string | null;
  item?: unknown;
  /** The item as JSON text, for what an object cannot carry (a key typed twice, which the server then refuses). */
  itemJson?: string;
  label: string;
  children: (errors: FieldErrors) => React.ReactNode;
}) {
  const [state, action, pending] = useActionState(saveDraftItemAction, INITIAL_FORM_STATE);
  const errors = state.ok === false ? state.fieldErrors : {};
  return (
    <ActionForm action={action} className="space-y-5" aria-label={label} noValidate>
      <input type="hidden" name="draftId" value={draftId} />
      <input type="hidden" name="revision" value={revision} />
      <input type="hidden" name="section" value={section} />
      <input type="hidden" name="originalKey" value={originalKey ?? ""} />
      <input type="hidden" name="item" value={itemJson ?? JSON.stringify(item)} />
      <FormMessage state={state} />
      {errors.form ? (
        <p role="alert" className="text-sm text-rose-700">
          {errors.form}
        </p>
      ) : null}
      {children(errors)}
      <div className="flex items-center gap-3">
        <SubmitButton pending={pending}>Save to draft</SubmitButton>
        <Link href={`/drafts/${draftId}`} className="text-sm text-slate-600 underline underline-offset-2">
          Cancel
        </Link>
      </div>
    </ActionForm>
  );
}

/** Errors at a path or below it, for a field that edits a whole subtree. */
export function errorsUnder(errors: FieldErrors, path: string): string | undefined {
  const found = Object.entries(errors).filter(([p]) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  return found.length ? found.map(([, m]) => m).join(" ") : undefined;
}
