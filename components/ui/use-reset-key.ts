"use client";

import { useState } from "react";
import type { FormState } from "@/lib/console/form-state";

/**
 * A key that changes after each successful submit of a form's action: give it to the fields a
 * success should clear, so they start over (a refused submit keeps what the person typed).
 */
export function useResetKeyOnSuccess(state: FormState): number {
  const [seen, setSeen] = useState(state);
  const [key, setKey] = useState(0);
  if (state !== seen) {
    // Adjusting state while rendering, as React documents for "reset state when a prop changes".
    setSeen(state);
    if (state.ok) setKey((k) => k + 1);
  }
  return key;
}
