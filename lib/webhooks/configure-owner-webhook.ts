import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { sealSecret } from "@/lib/keys/secret-box";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { parseOrThrow } from "@/lib/validation";
import { enqueueOwnerNotification } from "./enqueue-webhook";
import { ownerWebhookSecretBinding, setOwnerWebhookSchema, type SetOwnerWebhookInput } from "./owner-webhook-schema";
import { generateWebhookSecret } from "./signature";
import { wakeWebhookDispatchers } from "./webhook-dispatcher";

export interface SetOwnerWebhookResult {
  owner: string;
  url: string | null;
  /** The signing secret, only when a new one was made (URL set or changed): shown once. */
  secret: string | null;
  changed: boolean;
}

/**
 * Sets, changes or removes (url empty) the webhook an outcome owner's notifications go to. A new
 * URL gets a new secret, so the previous receiver's secret never signs for the new one; changing
 * only the format keeps the secret.
 */
export async function setOwnerWebhook(db: Db, actor: Actor, input: SetOwnerWebhookInput): Promise<SetOwnerWebhookResult> {
  authorize(actor, "owners:notifications");
  const { ownerKey, url, format } = parseOrThrow(setOwnerWebhookSchema, input);
  const policy = await getCurrentPolicy(db);
  const owner = policy?.document.owners.find((o) => o.key === ownerKey);
  // Removing stays possible for an owner the policy has since dropped.
  if (!owner && url !== null) throw new AppError("not_found", "The published policy has no such owner.");
  const name = owner?.name ?? ownerKey;
  return db.$transaction(async (tx) => {
    // Locked so two concurrent edits cannot both create the row.
    const [current] = await tx.$queryRaw<{ id: string; url: string; format: string }[]>`
      SELECT id::text, url, format FROM owner_webhooks WHERE owner_key = ${ownerKey} FOR UPDATE`;
    if (url === null) {
      if (!current) return { owner: name, url: null, secret: null, changed: false };
      await tx.ownerWebhook.delete({ where: { id: current.id } });
      await recordAudit(tx, actor, { action: "owner.webhook_cleared", subjectType: "owner", subjectId: ownerKey, data: { owner: name, previous_url: current.url } });
      return { owner: name, url: null, secret: null, changed: true };
    }
    if (current && current.url === url) {
      if (current.format === format) return { owner: name, url, secret: null, changed: false };
      await tx.ownerWebhook.update({ where: { id: current.id }, data: { format, updatedBy: actor.label } });
      await recordAudit(tx, actor, { action: "owner.webhook_set", subjectType: "owner", subjectId: ownerKey, data: { owner: name, url, format, previous_format: current.format } });
      return { owner: name, url, secret: null, changed: true };
    }
    const id = current?.id ?? randomUUID();
    const secret = generateWebhookSecret();
    const secretSealed = sealSecret(secret, ownerWebhookSecretBinding(id));
    if (current) await tx.ownerWebhook.update({ where: { id }, data: { url, format, secretSealed, updatedBy: actor.label } });
    else await tx.ownerWebhook.create({ data: { id, ownerKey, url, format, secretSealed, updatedBy: actor.label } });
    // The secret never enters the audit log.
    await recordAudit(tx, actor, { action: "owner.webhook_set", subjectType: "owner", subjectId: ownerKey, data: { owner: name, url, format, previous_url: current?.url ?? null } });
    return { owner: name, url, secret, changed: true };
  });
}

/** Queues a test notification to the owner's webhook so IT can check the receiver end to end. */
export async function sendTestOwnerNotification(db: Db, actor: Actor, input: { ownerKey: string }): Promise<{ eventId: string }> {
  authorize(actor, "owners:notifications");
  const { ownerKey } = parseOrThrow(setOwnerWebhookSchema.pick({ ownerKey: true }), input);
  const eventId = await db.$transaction(async (tx) => {
    const text = "This is a test notification from Mandate: escalations for this owner will arrive here.";
    const notification = await tx.notification.create({ data: { kind: "test", recipient: ownerKey, subject: "Test notification", body: text } });
    const id = await enqueueOwnerNotification(tx, { ownerKey, notificationId: notification.id, decisionId: null, type: "test", data: { text, owner: ownerKey } });
    if (!id) throw new AppError("conflict", "This owner has no notification webhook: set one first.");
    await recordAudit(tx, actor, { action: "owner.webhook_test", subjectType: "owner", subjectId: ownerKey, data: { event_id: id } });
    return id;
  });
  wakeWebhookDispatchers();
  return { eventId };
}
