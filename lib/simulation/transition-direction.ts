import type { Decision } from "@/lib/engine";
import { DECISION_KINDS, type Matrix } from "./replay";

// How much a decision keeps a person in the loop, least to most: allowing acts alone, a step-up
// asks the customer, a hold asks a supervisor, an escalation hands it over, a denial stops it.
const STRICTNESS: Record<Decision, number> = { allow: 0, step_up: 1, hold: 2, escalate: 3, deny: 4 };

export interface TransitionDirections {
  key: string;
  /** Decided alike by the policy in force and the draft. */
  same: number;
  /** The draft decides with more human control than the policy in force. */
  stricter: number;
  /** The draft decides with less human control: more autonomy. */
  looser: number;
}

/** Splits a from→to matrix into requests decided the same, more strictly and more loosely. */
export function transitionDirections(key: string, matrix: Matrix): TransitionDirections {
  const out = { key, same: 0, stricter: 0, looser: 0 };
  for (const from of DECISION_KINDS) {
    for (const to of DECISION_KINDS) {
      const n = matrix[from]?.[to] ?? 0;
      if (STRICTNESS[to] === STRICTNESS[from]) out.same += n;
      else if (STRICTNESS[to] > STRICTNESS[from]) out.stricter += n;
      else out.looser += n;
    }
  }
  return out;
}

/** One row per key (action or tier), the ones that change most first, then the busiest. */
export function directionsByKey(matrices: Record<string, Matrix>): TransitionDirections[] {
  return Object.entries(matrices)
    .map(([key, matrix]) => transitionDirections(key, matrix))
    .filter((row) => row.same + row.stricter + row.looser > 0)
    .sort((a, b) => b.stricter + b.looser - (a.stricter + a.looser) || b.same - a.same || a.key.localeCompare(b.key));
}
