import { Prisma } from "@/lib/generated/prisma/client";
import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { loadDecisionResponse } from "@/lib/decisions/get-decision";
import { newId } from "@/lib/ids";
import { enqueueDecisionWebhook, enqueueOwnerNotification } from "@/lib/webhooks/enqueue-webhook";
import { wakeWebhookDispatchers } from "@/lib/webhooks/webhook-dispatcher";

// Any fixed key: one process sweeps at a time.
const SWEEP_LOCK_KEY = 72_707_369_201;

/**
 * Expires held decisions whose time is up: the decision becomes `expired`, the agent is told
 * (webhook), and a review case opens, all in one transaction per batch. Runs in every server on a
 * timer; state lives in the database, so a restart loses nothing.
 */
export async function expireApprovals(db: Db, options: { batch?: number } = {}): Promise<number> {
  const expired = await db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}::bigint) AS ok`;
    if (!lock?.ok) return 0;
    const due = await tx.$queryRaw<{ id: string; decision_id: string; agent_id: string; action: string; tier: string | null; conversation_id: string | null }[]>`
      UPDATE approvals a SET status = 'expired', decided_at = now()
        FROM decisions d
       WHERE d.id = a.decision_id AND a.id IN (
         SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= now() ORDER BY expires_at LIMIT ${options.batch ?? 200} FOR UPDATE SKIP LOCKED)
      RETURNING a.id, a.decision_id, d.agent_id::text AS agent_id, d.action, d.tier, d.conversation_id`;
    for (const row of due) {
      await tx.decision.update({ where: { id: row.decision_id }, data: { status: "expired", updatedAt: new Date() } });
      await tx.reviewCase.create({
        data: { id: newId("rev"), source: "hold_expired", reason: "Nobody decided the held action before it expired", decisionId: row.decision_id, agentId: row.agent_id, action: row.action, tier: row.tier, conversationId: row.conversation_id },
      });
      await recordAudit(tx, SYSTEM_ACTOR, { action: "approval.expire", subjectType: "decision", subjectId: row.decision_id, data: { approval_id: row.id } });
      const decision = await loadDecisionResponse(tx, row.decision_id);
      await enqueueDecisionWebhook(tx, { agentId: row.agent_id, decisionId: row.decision_id, type: "decision.expired", data: decision });
    }
    return due.length;
  });
  if (expired > 0) wakeWebhookDispatchers();
  return expired;
}

/**
 * Pending approvals with under a quarter of their time left, not yet escalated, most urgent first.
 * `approval_escalation_due` (a migration) is that instant; taken in its order, through its partial
 * index, the sweep reads only the approvals that are due.
 */
export const DUE_FOR_ESCALATION = `SELECT id FROM approvals
  WHERE status = 'pending' AND escalated_at IS NULL AND approval_escalation_due(created_at, expires_at) <= now() AND expires_at > now()
  ORDER BY approval_escalation_due(created_at, expires_at)`;

/**
 * Items close to expiry (under a quarter of their time left) send their owner a notification
 * once, so someone acts before the agent is told to stand down: a record, and, when IT gave the
 * owner a webhook (Owners page), a signed delivery from the webhook outbox, retried like any other.
 */
export async function escalateApprovals(
  db: Db,
  owners: ReadonlyMap<string, { name: string; contact: string }>,
  options: { actionLabels?: Readonly<Record<string, string>>; consoleUrl?: string; now?: () => Date } = {},
): Promise<number> {
  const now = options.now ?? (() => new Date());
  const { escalated, queued } = await db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string; decision_id: string; owner: string | null; action: string; expires_at: Date }[]>`
      UPDATE approvals a SET escalated_at = now()
        FROM decisions d
       WHERE d.id = a.decision_id AND a.id IN (${Prisma.raw(DUE_FOR_ESCALATION)} LIMIT 200 FOR UPDATE SKIP LOCKED)
      RETURNING a.id, a.decision_id, d.owner, d.action, a.expires_at`;
    let queued = 0;
    for (const row of due) {
      const owner = row.owner ? owners.get(row.owner) : undefined;
      const action = options.actionLabels?.[row.action] ?? row.action;
      const notification = await tx.notification.create({
        data: {
          kind: "approval_escalation",
          recipient: owner?.contact ?? "unassigned",
          subject: `Held ${action} expires soon`,
          body: `A held ${action} (decision ${row.decision_id}) expires at ${row.expires_at.toISOString()} and still needs a decision.${owner ? ` ${owner.name} owns this action.` : ""}`,
          decisionId: row.decision_id,
        },
      });
      let eventId: string | null = null;
      if (row.owner) {
        const minutes = Math.max(1, Math.round((row.expires_at.getTime() - now().getTime()) / 60_000));
        const link = options.consoleUrl ? `${options.consoleUrl.replace(/\/$/, "")}/approvals/${row.id}` : null;
        const text = `A held ${action} expires in ${minutes} minute${minutes === 1 ? "" : "s"} and still needs a decision${owner ? ` (${owner.name} owns this action)` : ""}.${link ? ` Decide it: ${link}` : ""}`;
        eventId = await enqueueOwnerNotification(tx, {
          ownerKey: row.owner,
          notificationId: notification.id,
          decisionId: row.decision_id,
          type: "approval.escalation",
          data: { text, notification_id: notification.id, approval_id: row.id, decision_id: row.decision_id, action: row.action, action_label: action, owner: row.owner, owner_name: owner?.name ?? null, expires_at: row.expires_at.toISOString(), url: link },
        });
        if (eventId) queued++;
      }
      await recordAudit(tx, SYSTEM_ACTOR, { action: "approval.escalate", subjectType: "decision", subjectId: row.decision_id, data: { recipient: owner?.contact ?? null, webhook_event_id: eventId } });
    }
    return { escalated: due.length, queued };
  });
  if (queued > 0) wakeWebhookDispatchers();
  return escalated;
}
