import { AppError } from "@/lib/errors";
import { isPlainObject } from "./conditions";

/**
 * The intent form's explicit choice between "any action" and "only these actions". The document
 * keeps `actions: []` meaning any action (policy-document.md, intents), so a form must never let
 * "none ticked" mean that silently: "only these" with none ticked is refused on the field.
 */
export const INTENT_ACTIONS_CHOICES = ["any", "only"] as const;
export type IntentActionsChoice = (typeof INTENT_ACTIONS_CHOICES)[number];

export function checkIntentActionsChoice(choice: string, item: unknown): void {
  if (choice !== "only") return;
  const actions = isPlainObject(item) ? item.actions : undefined;
  if (Array.isArray(actions) && actions.length > 0) return;
  throw new AppError("validation_failed", "The intent has errors.", [
    { path: "actions", message: 'Tick at least one action, or choose "Any action"' },
  ]);
}
