import { z } from "zod";

export const WEBHOOK_URL_MAX_LENGTH = 2_000;

// The rule: HTTPS everywhere; plain HTTP only to a loopback host (a receiver on the same machine,
// for local development and tests), because a payload and its signature sent in clear across a
// network can be read and replayed within the timestamp tolerance.
const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why a URL may not receive webhooks, or null when it may. Checked when set and again before each send. */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL such as https://agent.example.com/mandate-webhook";
  }
  if (url.username || url.password) return "Leave credentials out of the URL";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:") return isLoopbackHost(url.hostname) ? null : "Use https (plain http only for localhost)";
  return "Use an https URL";
}

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(WEBHOOK_URL_MAX_LENGTH, `Use at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** An empty form field clears the webhook. */
export const setAgentWebhookSchema = z.object({
  agentId: z.uuid(),
  url: z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? null : value), webhookUrlSchema.nullable()),
});
export type SetAgentWebhookInput = z.input<typeof setAgentWebhookSchema>;
