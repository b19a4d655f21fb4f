import { z } from "zod";
import { actionKeySchema } from "@/lib/decisions/schemas";
import { AppError } from "@/lib/errors";
import { TIME_RANGES, type TimeRange } from "@/lib/history/history-filters";
import { fieldErrors } from "@/lib/validation";

// The dashboards' query parameters, shared by the API routes, the console page and the tests.
// Ranges are the history explorer's, so a chart's link into the history means the same window.

export const DASHBOARD_RANGES = Object.keys(TIME_RANGES) as [TimeRange, ...TimeRange[]];
export type DashboardRange = TimeRange;

const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const rangeSchema = z.enum(DASHBOARD_RANGES, { message: "Choose 24h, 7d, 30d or 90d" }).default("7d");

export const dashboardQuerySchema = z.object({
  range: rangeSchema,
  action: actionKeySchema.optional(),
  // An agent's name, or its id.
  agent: z.string().trim().min(1).max(200).optional(),
  tier: z.string().max(100).regex(KEY, "Use a tier key such as high").optional(),
});
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

export const approverStatsQuerySchema = z.object({ range: rangeSchema });
export type ApproverStatsQuery = z.infer<typeof approverStatsQuerySchema>;

/** First value of each known parameter from a URL; a blank field means "any". */
function readParams(params: URLSearchParams, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name)?.trim();
    if (value) out[name] = value;
  }
  return out;
}

function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError("validation_failed", "Some dashboard filters are invalid.", fieldErrors(result.error));
  return result.data;
}

export function parseDashboardQuery(params: URLSearchParams): DashboardQuery {
  return parseQuery(dashboardQuerySchema, readParams(params, ["range", "action", "agent", "tier"]));
}

export function parseApproverStatsQuery(params: URLSearchParams): ApproverStatsQuery {
  return parseQuery(approverStatsQuerySchema, readParams(params, ["range"]));
}
