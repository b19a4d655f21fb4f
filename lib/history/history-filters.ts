import { z } from "zod";
import { actionKeySchema, externalIdSchema } from "@/lib/decisions/schemas";
import { AppError } from "@/lib/errors";
import { DecisionKind, DecisionStatus } from "@/lib/generated/prisma/enums";
import { fieldErrors } from "@/lib/validation";

// One schema for the explorer's URL, the CSV export and the links other pages make into the
// history (dashboards send action, agent, tier, decision, status, from, to), so they never drift.

export const TIME_RANGES = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24 } as const;
export type TimeRange = keyof typeof TIME_RANGES;
export const PAGE_SIZES = [25, 50, 100] as const;

/** Amounts have no index: sorting by amount reads every matching row, so it is held to a window. */
export const AMOUNT_SORT_DEFAULT_RANGE: TimeRange = "30d";

const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const DECIMAL = /^\d{1,18}(\.\d{1,8})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant from a URL: an ISO timestamp (a missing zone means UTC) or a bare date. A bare `to`
 * date includes that whole day, so `from=2026-11-01&to=2026-11-30` is all of November.
 */
export function parseInstant(text: string, bound: "from" | "to"): Date | null {
  if (DATE_ONLY.test(text)) {
    const day = new Date(`${text}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) return null;
    return bound === "to" ? new Date(day.getTime() + 86_400_000) : day;
  }
  if (!DATE_TIME.test(text)) return null;
  const normalized = text.replace(" ", "T");
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized) ? normalized : `${normalized}Z`;
  const at = new Date(zoned);
  return Number.isNaN(at.getTime()) ? null : at;
}

const instant = (bound: "from" | "to") =>
  z.string().max(40).transform((text, ctx) => {
    const at = parseInstant(text.trim(), bound);
    if (!at) {
      ctx.addIssue({ code: "custom", message: "Use a date such as 2026-11-21 or a time such as 2026-11-21T09:30Z" });
      return z.NEVER;
    }
    return at;
  });

export const historyQuerySchema = z
  .object({
    range: z.enum(Object.keys(TIME_RANGES) as [TimeRange, ...TimeRange[]], { message: "Choose 24h, 7d, 30d or 90d" }).optional(),
    from: instant("from").optional(),
    to: instant("to").optional(),
    action: actionKeySchema.optional(),
    // An agent's name, or its id (links built from rollups carry the id).
    agent: z.string().min(1).max(200).optional(),
    decision: z.enum(DecisionKind, { message: "Unknown decision" }).optional(),
    status: z.enum(DecisionStatus, { message: "Unknown status" }).optional(),
    tier: z.string().max(100).regex(KEY, "Use a tier key such as high").optional(),
    owner: z.string().max(100).regex(KEY, "Use an owner key such as finance-ops").optional(),
    customer: externalIdSchema.optional(),
    min: z.string().regex(DECIMAL, "Use a plain amount such as 50 or 49.99").optional(),
    max: z.string().regex(DECIMAL, "Use a plain amount such as 50 or 49.99").optional(),
    sort: z.enum(["created_at", "amount"], { message: "Sort by created_at or amount" }).default("created_at"),
    dir: z.enum(["asc", "desc"], { message: "Use asc or desc" }).default("desc"),
    size: z.enum(PAGE_SIZES.map(String) as [string, ...string[]], { message: "Show 25, 50 or 100 per page" }).default("50").transform(Number),
    cursor: z.string().max(400).optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.range && q.from && q.to && q.from >= q.to) ctx.addIssue({ code: "custom", path: ["to"], message: "“To” must be after “from”" });
    if (q.min && q.max && Number(q.min) > Number(q.max)) ctx.addIssue({ code: "custom", path: ["max"], message: "The maximum is below the minimum" });
  });

export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const HISTORY_PARAM_NAMES = ["range", "from", "to", "action", "agent", "decision", "status", "tier", "owner", "customer", "min", "max", "sort", "dir", "size", "cursor"] as const;
export type HistoryParams = Partial<Record<(typeof HISTORY_PARAM_NAMES)[number], string>>;

/** The explorer's parameters from a URL: first value of each, blanks dropped (an empty GET form field means "any"). */
export function readHistoryParams(input: URLSearchParams | Record<string, string | string[] | undefined>): HistoryParams {
  const out: HistoryParams = {};
  for (const name of HISTORY_PARAM_NAMES) {
    const raw = input instanceof URLSearchParams ? input.get(name) : input[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value) out[name] = value;
  }
  return out;
}

export function parseHistoryQuery(params: HistoryParams): HistoryQuery {
  const result = historyQuerySchema.safeParse(params);
  if (!result.success) throw new AppError("validation_failed", "Some filters are invalid.", fieldErrors(result.error));
  return result.data;
}

/**
 * The window the query reads. A preset wins over from/to (choosing one in the form is the newer
 * intent; links from dashboards carry only from/to); an amount sort never reads all of history.
 */
export function timeWindow(query: Pick<HistoryQuery, "range" | "from" | "to" | "sort">, now: Date): { from: Date | null; to: Date | null; range: TimeRange | null; implied: boolean } {
  if (!query.range && (query.from || query.to)) return { from: query.from ?? null, to: query.to ?? null, range: null, implied: false };
  const range = query.range ?? (query.sort === "amount" ? AMOUNT_SORT_DEFAULT_RANGE : null);
  if (!range) return { from: null, to: null, range: null, implied: false };
  return { from: new Date(now.getTime() - TIME_RANGES[range] * 3_600_000), to: null, range, implied: !query.range };
}

/** A URL into the explorer (or its export) with some parameters changed; `undefined` removes one. */
export function historyHref(path: string, params: HistoryParams, changes: HistoryParams | Record<string, string | undefined> = {}): string {
  const merged: Record<string, string | undefined> = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const name of HISTORY_PARAM_NAMES) {
    const value = merged[name];
    if (value) search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
