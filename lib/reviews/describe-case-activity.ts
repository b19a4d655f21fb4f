import { labelName } from "./schemas";

export interface CaseActivityEntry {
  action: string;
  /** Who did it, as people know them (a user's name; an agent's name; the audit label otherwise). */
  actor: string;
  data: unknown;
}

function words(list: readonly string[]): string {
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * One line of a case's activity in words ("Sam Supervisor labelled it policy gap"), from its
 * audit entry. `names` turns user ids in the entry (an assignee) into names. An action this
 * does not know reads as its key, so nothing the log holds is hidden.
 */
export function describeCaseActivity(entry: CaseActivityEntry, names: ReadonlyMap<string, string> = new Map()): string {
  const data = (entry.data && typeof entry.data === "object" ? entry.data : {}) as Record<string, unknown>;
  const who = entry.actor;
  const bulk = data.bulk ? " (with other cases)" : "";
  switch (entry.action) {
    case "review.open":
      return `${who} opened the case`;
    case "review.assign": {
      const to = typeof data.to === "string" ? data.to : null;
      const from = typeof data.from === "string" ? data.from : null;
      const target = to && names.get(to);
      if (to && to === from) return `${who} kept the case`;
      if (!target || target === who) return `${who} took the case${bulk}`;
      return `${who} assigned the case to ${target}${bulk}`;
    }
    case "review.unassign":
      return `${who} handed the case back${bulk}`;
    case "review.label": {
      const added = strings(data.added).map(labelName);
      const removed = strings(data.removed).map(labelName);
      const parts = [added.length ? `labelled it ${words(added)}` : null, removed.length ? `removed the label${removed.length > 1 ? "s" : ""} ${words(removed)}` : null].filter(Boolean);
      return parts.length ? `${who} ${parts.join(" and ")}${bulk}` : `${who} changed its labels${bulk}`;
    }
    case "review.note":
      return `${who} added a note`;
    case "review.resolve":
      return `${who} resolved the case${bulk}`;
    case "review.dismiss":
      return `${who} dismissed the case${bulk}`;
    case "review.draft_start":
      return `${who} started a policy draft${typeof data.title === "string" ? ` “${data.title}”` : ""}`;
    default:
      return `${who}: ${entry.action}`;
  }
}
