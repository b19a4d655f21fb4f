import { z } from "zod";

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;

export const startSimulationSchema = z.object({
  draftId: z.string().uuid(),
  /** The period ends now and reaches this many days back. */
  days: z.coerce
    .number({ message: "Enter a number of days" })
    .int("Enter whole days")
    .min(1, "At least 1 day")
    .max(MAX_PERIOD_DAYS, `At most ${MAX_PERIOD_DAYS} days`)
    .default(DEFAULT_PERIOD_DAYS),
});

export const cancelSimulationSchema = z.object({ runId: z.string().uuid() });

export const setDraftShadowSchema = z.object({
  draftId: z.string().uuid(),
  shadow: z.preprocess((value) => value === true || value === "true" || value === "on", z.boolean()),
});
