import { z } from "zod";

const DAY_MS = 86_400_000;
/** One export covers at most a year: longer periods are split so each file stays manageable. */
export const MAX_PERIOD_DAYS = 366;

// A date alone means midnight UTC, so the same text names the same instant on every machine.
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Enter a date (2026-01-31) or an ISO 8601 time" });

function toInstant(text: string): Date {
  return new Date(text.length === 10 ? `${text}T00:00:00.000Z` : text);
}

/**
 * The period of an evidence export, half-open [from, to). `through` is the console form's
 * inclusive last day; the CLI and the route also take an exclusive `to`.
 */
export const evidencePeriodInput = z
  .object({
    from: instant,
    to: instant.optional(),
    through: z.iso.date({ error: "Enter a date (2026-01-31)" }).optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.to === undefined) === (value.through === undefined)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "Give the end of the period (to, or through for an inclusive last day)" });
    }
  })
  .transform((value, ctx) => {
    const from = toInstant(value.from);
    const to = value.through !== undefined ? new Date(toInstant(value.through).getTime() + DAY_MS) : toInstant(value.to!);
    if (to.getTime() <= from.getTime()) {
      ctx.addIssue({ code: "custom", path: [value.through !== undefined ? "through" : "to"], message: "The end must come after the start" });
      return z.NEVER;
    }
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
      ctx.addIssue({ code: "custom", path: ["from"], message: `One bundle covers at most ${MAX_PERIOD_DAYS} days: export longer periods in parts` });
      return z.NEVER;
    }
    return { from, to };
  });

export type EvidencePeriod = z.output<typeof evidencePeriodInput>;
