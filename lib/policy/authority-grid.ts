import type { Authority, PolicyDocument } from "./document-schema";

/**
 * One cell of the permission map's action × intent grid: what an agent may do with the action
 * for a request naming the intent, in the order the engine decides (forbidden, the intent's
 * handling and actions, then the authority: the intent's override or the action's own).
 */
export type AuthorityCell =
  | { kind: "forbidden" }
  | { kind: "human" }
  | { kind: "not_in_intent" }
  | { kind: "authority"; authority: Authority; overridden: boolean };

export interface AuthorityGrid {
  intents: { key: string; label: string }[];
  rows: {
    key: string;
    label: string;
    /** For a request that names no intent: the action's own authority. */
    own: AuthorityCell;
    /** In `intents` order. */
    cells: AuthorityCell[];
  }[];
}

export function authorityGrid(document: Pick<PolicyDocument, "actions" | "intents" | "forbidden">): AuthorityGrid {
  const forbidden = new Set((document.forbidden ?? []).map((entry) => entry.action));
  const intents = document.intents ?? [];
  return {
    intents: intents.map((intent) => ({ key: intent.key, label: intent.label })),
    rows: document.actions.map((action) => {
      const denied = forbidden.has(action.key);
      return {
        key: action.key,
        label: action.label,
        own: denied ? { kind: "forbidden" } : { kind: "authority", authority: action.authority, overridden: false },
        cells: intents.map((intent): AuthorityCell => {
          if (denied) return { kind: "forbidden" };
          if (intent.handling === "human") return { kind: "human" };
          if (intent.actions.length > 0 && !intent.actions.includes(action.key)) return { kind: "not_in_intent" };
          const override = intent.authority && Object.hasOwn(intent.authority, action.key) ? intent.authority[action.key] : undefined;
          return override ? { kind: "authority", authority: override, overridden: true } : { kind: "authority", authority: action.authority, overridden: false };
        }),
      };
    }),
  };
}
