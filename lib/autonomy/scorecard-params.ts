import { DEFAULT_WINDOW_DAYS, SCORECARD_WINDOWS } from "./scorecards";

type SearchParams = Record<string, string | string[] | undefined>;

function first(raw: SearchParams, name: string): string | undefined {
  const value = raw[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** ?window= as one of the offered windows; anything else falls back to the default (a link, not a form: nothing to report). */
export function readWindowDays(raw: SearchParams): number {
  const days = Number(first(raw, "window"));
  return (SCORECARD_WINDOWS as readonly number[]).includes(days) ? days : DEFAULT_WINDOW_DAYS;
}

export function readAgentParam(raw: SearchParams): string | undefined {
  return first(raw, "agent");
}
