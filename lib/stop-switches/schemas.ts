import { z } from "zod";

export const stopTargetSchema = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("all") }),
  z.object({ scope: z.literal("agent"), target: z.string().trim().min(1, "Name the agent").max(64) }),
  z.object({ scope: z.literal("action"), target: z.string().trim().min(1, "Name the action").max(200) }),
]);
export type StopTarget = z.infer<typeof stopTargetSchema>;

export const stopReasonSchema = z.string().trim().min(3, "Give a reason (at least 3 characters)").max(500);

export const stopInputSchema = z.object({ target: stopTargetSchema, reason: stopReasonSchema });

/** A stop's target in words, for messages: "every agent and action", "agent support-bot", "action refund.issue". */
export function describeStopInput(target: StopTarget): string {
  return target.scope === "all" ? "every agent and action" : `${target.scope} ${target.target}`;
}
