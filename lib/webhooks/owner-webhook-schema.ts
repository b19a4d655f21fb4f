import { z } from "zod";
import { webhookUrlSchema } from "./webhook-url";

export const OWNER_WEBHOOK_FORMATS = ["generic", "slack"] as const;
export type OwnerWebhookFormat = (typeof OWNER_WEBHOOK_FORMATS)[number];

export const OWNER_WEBHOOK_FORMAT_LABELS: Record<OwnerWebhookFormat, string> = {
  generic: "Signed JSON",
  slack: "Slack-compatible",
};

/** What an owner webhook's sealed secret is bound to: a ciphertext copied to another row does not open. */
export function ownerWebhookSecretBinding(ownerWebhookId: string): string {
  return `owner-webhook:${ownerWebhookId}`;
}

/** An empty URL removes the owner's webhook. */
export const setOwnerWebhookSchema = z.object({
  ownerKey: z.string().trim().min(1, "Choose an owner").max(100),
  url: z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? null : value), webhookUrlSchema.nullable()),
  format: z.enum(OWNER_WEBHOOK_FORMATS, { error: "Choose a format" }).default("generic"),
});
export type SetOwnerWebhookInput = z.input<typeof setOwnerWebhookSchema>;
