import type { Actor } from "@/lib/audit/actor";
import { sealSecret } from "@/lib/keys/secret-box";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { enqueueDecisionWebhook } from "./enqueue-webhook";
import { generateWebhookSecret } from "./signature";
import { wakeWebhookDispatchers } from "./webhook-dispatcher";
import { setAgentWebhookSchema, type SetAgentWebhookInput } from "./webhook-url";

export interface SetAgentWebhookResult {
  agent: string;
  url: string | null;
  /** The signing secret, only when a new one was made (URL set or changed): shown once, like an API key. */
  secret: string | null;
}

/**
 * Sets, changes or clears (url null or empty) an agent's webhook. A new URL gets a new secret so a
 * previous receiver's secret never signs for the new one; saving the same URL again changes nothing.
 */
export async function setAgentWebhook(db: Db, actor: Actor, input: SetAgentWebhookInput): Promise<SetAgentWebhookResult> {
  authorize(actor, "agents:manage");
  const { agentId, url } = parseOrThrow(setAgentWebhookSchema, input);
  return db.$transaction(async (tx) => {
    // Locked so two concurrent edits cannot both think they set the URL first.
    const [agent] = await tx.$queryRaw<{ id: string; name: string; webhook_url: string | null }[]>`
      SELECT id, name, webhook_url FROM agents WHERE id = ${agentId}::uuid FOR UPDATE`;
    if (!agent) throw new AppError("not_found", "That agent does not exist.");
    if (agent.webhook_url === url) return { agent: agent.name, url, secret: null };

    if (url === null) {
      await tx.agent.update({ where: { id: agentId }, data: { webhookUrl: null, webhookSecret: null } });
      await recordAudit(tx, actor, { action: "agent.webhook_cleared", subjectType: "agent", subjectId: agentId, data: { agent: agent.name, previous_url: agent.webhook_url } });
      return { agent: agent.name, url: null, secret: null };
    }
    const secret = generateWebhookSecret();
    // Stored encrypted under the key store's key, bound to this agent (lib/keys/secret-box.ts).
    await tx.agent.update({ where: { id: agentId }, data: { webhookUrl: url, webhookSecret: sealSecret(secret, `agent:${agentId}:webhook`) } });
    // The secret never enters the audit log.
    await recordAudit(tx, actor, { action: "agent.webhook_set", subjectType: "agent", subjectId: agentId, data: { agent: agent.name, url, previous_url: agent.webhook_url } });
    return { agent: agent.name, url, secret };
  });
}

/** Queues a signed `test` event to the agent's webhook so IT can check the receiver end to end. */
export async function sendTestWebhook(db: Db, actor: Actor, input: { agentId: string }): Promise<{ eventId: string }> {
  authorize(actor, "agents:manage");
  const { agentId } = parseOrThrow(setAgentWebhookSchema.pick({ agentId: true }), input);
  const eventId = await db.$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({ where: { id: agentId }, select: { name: true, webhookUrl: true } });
    if (!agent) throw new AppError("not_found", "That agent does not exist.");
    if (!agent.webhookUrl) throw new AppError("conflict", `Agent ${agent.name} has no webhook URL: set one first.`);
    const id = await enqueueDecisionWebhook(tx, {
      agentId,
      decisionId: null,
      type: "test",
      data: { message: "This is a test webhook from Mandate.", agent: agent.name },
    });
    if (!id) throw new AppError("conflict", `Agent ${agent.name} has no webhook URL: set one first.`);
    await recordAudit(tx, actor, { action: "agent.webhook_test", subjectType: "agent", subjectId: agentId, data: { agent: agent.name, event_id: id, url: agent.webhookUrl } });
    return id;
  });
  wakeWebhookDispatchers();
  return { eventId };
}
