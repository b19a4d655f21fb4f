import type { Db } from "@/lib/db/prisma";

/** The latest webhook events, newest first, each with its attempts: the IT delivery log. */
export async function listWebhookDeliveries(db: Db, options: { agentId?: string; take?: number } = {}) {
  return db.webhookEvent.findMany({
    where: options.agentId ? { agentId: options.agentId } : {},
    // Ids are time-ordered, so they break ties between events created in the same millisecond.
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 50,
    select: {
      id: true,
      type: true,
      decisionId: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      deliveredAt: true,
      createdAt: true,
      agent: { select: { id: true, name: true } },
      deliveries: {
        orderBy: { attempt: "asc" },
        select: { attempt: true, statusCode: true, error: true, durationMs: true, createdAt: true },
      },
    },
  });
}
export type WebhookEventRow = Awaited<ReturnType<typeof listWebhookDeliveries>>[number];
