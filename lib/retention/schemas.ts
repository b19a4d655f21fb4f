import { z } from "zod";

/** `mandate retention prune --before`: a date alone means midnight UTC, the same instant everywhere. */
export const pruneInput = z
  .object({ before: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "Enter a date (2025-12-31) or an ISO 8601 time" }) })
  .transform((v) => ({ before: new Date(v.before.length === 10 ? `${v.before}T00:00:00.000Z` : v.before) }));
