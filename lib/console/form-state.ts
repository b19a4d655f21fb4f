import { isAppError } from "@/lib/errors";
import { hasUnstorableText } from "@/lib/validation";

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
  // Every console form passes here: text that cannot be stored is a field error, never a 500.
  const unstorable = Object.keys(values).filter((key) => hasUnstorableText(values[key]!) || hasUnstorableText(key));
  if (unstorable.length) {
    const fieldErrors = Object.fromEntries(unstorable.map((key) => [hasUnstorableText(key) ? "form" : key, "Remove the NUL or broken character from this field"]));
    return { ok: false, message: "Some fields hold characters that cannot be stored.", fieldErrors, values };
  }
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
