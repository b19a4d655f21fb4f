import type { Db } from "@/lib/db/prisma";

/** The latest webhook events, newest first, each with its attempts: the IT delivery log. */
export async function listWebhookDeliveries(db: Db, options: { agentId?: string; take?: number } = {}) {
  return db.webhookEvent.findMany({
    // Owners' notifications have their own view (the Owners page).
    where: options.agentId ? { agentId: options.agentId } : { agentId: { not: null } },
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

export type NotificationDeliveryState = "pending" | "failing" | "delivered" | "failed";

export interface OwnerNotificationDelivery {
  eventId: string;
  type: string;
  subject: string | null;
  state: NotificationDeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface OwnerNotificationSettings {
  webhook: { url: string; format: string; updatedBy: string; updatedAt: Date } | null;
  /** Newest first, at most `perOwner`. */
  deliveries: OwnerNotificationDelivery[];
}

/** "failing" is a pending event that already failed at least once: it will be tried again. */
export function deliveryState(status: string, attempts: number): NotificationDeliveryState {
  if (status === "delivered") return "delivered";
  if (status === "failed") return "failed";
  return attempts > 0 ? "failing" : "pending";
}

/** Each owner's webhook (never its secret) and the delivery state of its latest notifications. */
export async function listOwnerNotificationSettings(db: Db, options: { perOwner?: number } = {}): Promise<Map<string, OwnerNotificationSettings>> {
  const perOwner = options.perOwner ?? 5;
  const [webhooks, events] = await Promise.all([
    db.ownerWebhook.findMany({ select: { ownerKey: true, url: true, format: true, updatedBy: true, updatedAt: true } }),
    db.webhookEvent.findMany({
      where: { ownerKey: { not: null } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 500,
      select: {
        id: true,
        ownerKey: true,
        type: true,
        status: true,
        attempts: true,
        createdAt: true,
        deliveredAt: true,
        nextAttemptAt: true,
        notification: { select: { subject: true } },
        deliveries: { orderBy: { attempt: "desc" }, take: 1, select: { statusCode: true, error: true } },
      },
    }),
  ]);
  const byOwner = new Map<string, OwnerNotificationSettings>();
  const entry = (key: string) => byOwner.get(key) ?? byOwner.set(key, { webhook: null, deliveries: [] }).get(key)!;
  for (const w of webhooks) entry(w.ownerKey).webhook = { url: w.url, format: w.format, updatedBy: w.updatedBy, updatedAt: w.updatedAt };
  for (const e of events) {
    const list = entry(e.ownerKey!).deliveries;
    if (list.length >= perOwner) continue;
    const last = e.deliveries[0];
    const ok = last?.statusCode != null && last.statusCode >= 200 && last.statusCode < 300;
    list.push({
      eventId: e.id,
      type: e.type,
      subject: e.notification?.subject ?? null,
      state: deliveryState(e.status, e.attempts),
      attempts: e.attempts,
      lastError: !last || ok ? null : (last.error ?? `HTTP ${last.statusCode}`),
      createdAt: e.createdAt,
      deliveredAt: e.deliveredAt,
      nextAttemptAt: e.status === "pending" ? e.nextAttemptAt : null,
    });
  }
  return byOwner;
}
