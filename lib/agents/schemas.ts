import { z } from "zod";

export const agentNameSchema = z
  .string()
  .trim()
  .min(2, "Use at least 2 characters")
  .max(64, "Use at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Use lowercase letters, digits, dots, dashes and underscores");

export const rateLimitSchema = z.coerce
  .number({ message: "Enter a whole number of requests per second" })
  .int("Enter a whole number of requests per second")
  .min(0, "Use 0 for no limit, or a positive number")
  .max(100_000);

export const DEFAULT_RATE_LIMIT = 50;

export const createAgentSchema = z.object({
  name: agentNameSchema,
  description: z.string().trim().max(500).default(""),
  rateLimitPerSecond: rateLimitSchema.default(DEFAULT_RATE_LIMIT),
});
export type CreateAgentInput = z.input<typeof createAgentSchema>;
