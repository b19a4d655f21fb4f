import { isAppError } from "@/lib/errors";

/** What a console form's server action returns: field errors and the values to keep on screen. */
export interface FormState {
  ok: boolean | null;
  message?: string;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
  /** Shown once after success (a new API key). */
  secret?: string;
}

export const INITIAL_FORM_STATE: FormState = { ok: null, fieldErrors: {}, values: {} };

export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === "string" && !key.startsWith("$")) values[key] = value;
  return values;
}

/** Runs a mutation for a form: a user's mistake comes back as field errors, never as a crash. */
export async function runForm(formData: FormData, fn: () => Promise<{ message: string; secret?: string }>): Promise<FormState> {
  const values = formValues(formData);
  try {
    const result = await fn();
    return { ok: true, message: result.message, secret: result.secret, fieldErrors: {}, values: {} };
  } catch (error) {
    if (isAppError(error) && error.status < 500) {
      const fieldErrors: Record<string, string> = {};
      for (const e of error.errors ?? []) {
        const key = e.path || "form";
        fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]} ${e.message}` : e.message;
      }
      return { ok: false, message: error.message, fieldErrors, values };
    }
    console.error(error);
    return { ok: false, message: "Something went wrong on our side; nothing was changed. Try again.", fieldErrors: {}, values };
  }
}
