import { z } from "zod";

/** Accept and dismiss take the same input: which recommendation, and why (kept with it and in the audit log). */
export const decideRecommendationSchema = z.object({
  recommendationId: z.string().uuid("Choose a recommendation"),
  reason: z.string().trim().min(5, "Say why (at least 5 characters)").max(1000, "At most 1,000 characters"),
  /** The evidence the person read; when the rules have moved on since, they are asked to look again. */
  fingerprint: z.string().max(500).optional(),
});

export type DecideRecommendationInput = z.input<typeof decideRecommendationSchema>;
