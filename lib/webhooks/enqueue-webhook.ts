import type { Tx } from "@/lib/db/prisma";
import type { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";

export const DECISION_WEBHOOK_TYPES = ["decision.approved", "decision.rejected", "decision.expired"] as const;
export type WebhookEventType = (typeof DECISION_WEBHOOK_TYPES)[number] | "test";

/**
 * Puts a webhook in the outbox inside the caller's transaction, so it exists exactly when the
 * decision change commits (a rollback leaves nothing to send). Returns the event id (`msg_…`,
 * the receiver's `webhook-id`), or null when the agent has no webhook URL. `data` is stored as
 * is and sent on every attempt, so pass the decision as it stands after the change.
 * After commit, call wakeWebhookDispatchers() so it goes out at once rather than on the next tick.
 */
export async function enqueueDecisionWebhook(
  tx: Tx,
  input: { agentId: string; decisionId: string | null; type: WebhookEventType; data: unknown },
): Promise<string | null> {
  const agent = await tx.agent.findUnique({ where: { id: input.agentId }, select: { webhookUrl: true } });
  if (!agent?.webhookUrl) return null;
  const id = newId("msg");
  await tx.webhookEvent.create({
    data: {
      id,
      agentId: input.agentId,
      decisionId: input.decisionId,
      type: input.type,
      // Round-trip through JSON so what is stored is exactly what will be sent (no undefined, no Dates).
      payload: JSON.parse(JSON.stringify(input.data ?? {})) as Prisma.InputJsonValue,
    },
  });
  return id;
}

/**
 * Puts an owner's notification in the same outbox (same retries, signature and delivery log),
 * inside the caller's transaction. `data.text` is the message a Slack-format receiver gets; a
 * generic receiver gets all of `data` in the signed envelope. Null when the owner has no webhook.
 */
export async function enqueueOwnerNotification(
  tx: Tx,
  input: { ownerKey: string; notificationId: string; decisionId: string | null; type: "approval.escalation" | "test"; data: { text: string } & Record<string, unknown> },
): Promise<string | null> {
  const target = await tx.ownerWebhook.findUnique({ where: { ownerKey: input.ownerKey }, select: { id: true } });
  if (!target) return null;
  const id = newId("msg");
  await tx.webhookEvent.create({
    data: {
      id,
      ownerKey: input.ownerKey,
      notificationId: input.notificationId,
      decisionId: input.decisionId,
      type: input.type,
      payload: JSON.parse(JSON.stringify(input.data)) as Prisma.InputJsonValue,
    },
  });
  return id;
}
