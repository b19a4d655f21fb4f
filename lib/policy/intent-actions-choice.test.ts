import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { checkIntentActionsChoice } from "./intent-actions-choice";

function refusal(choice: string, item: unknown) {
  try {
    checkIntentActionsChoice(choice, item);
    return null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return error.errors;
  }
}

describe("checkIntentActionsChoice", () => {
  it('refuses "only these actions" with none ticked, on the actions field', () => {
    expect(refusal("only", { key: "x", actions: [] })).toEqual([{ path: "actions", message: 'Tick at least one action, or choose "Any action"' }]);
    expect(refusal("only", { key: "x" })).not.toBeNull();
  });

  it('accepts "only these" with an action ticked, and "any action" with none', () => {
    expect(refusal("only", { actions: ["refund.issue"] })).toBeNull();
    expect(refusal("any", { actions: [] })).toBeNull();
    // A form that does not send the choice (the API, an import) keeps the document's meaning.
    expect(refusal("", { actions: [] })).toBeNull();
  });
});
