import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatDateTime } from "@/components/ui/format";
import type { NotificationDeliveryState, OwnerNotificationSettings } from "@/lib/webhooks/queries";
import { OWNER_WEBHOOK_FORMAT_LABELS, type OwnerWebhookFormat } from "@/lib/webhooks/owner-webhook-schema";

const STATE: Record<NotificationDeliveryState, { label: string; tone: BadgeTone }> = {
  pending: { label: "Pending", tone: "info" },
  failing: { label: "Failing, will retry", tone: "warning" },
  delivered: { label: "Delivered", tone: "success" },
  failed: { label: "Failed, gave up", tone: "danger" },
};

export function deliveryStateLabel(state: NotificationDeliveryState): string {
  return STATE[state].label;
}

/** Where an owner's escalations go and what became of the latest ones. The URL is shown only to who may change it (a Slack URL is itself a credential). */
export function OwnerNotificationState({ ownerName, settings, showUrl }: { ownerName: string; settings: OwnerNotificationSettings | undefined; showUrl: boolean }) {
  const webhook = settings?.webhook ?? null;
  const deliveries = settings?.deliveries ?? [];
  return (
    <div className="space-y-2 text-sm">
      <p>
        {webhook ? (
          <>
            Escalations go to a webhook, as {OWNER_WEBHOOK_FORMAT_LABELS[webhook.format as OwnerWebhookFormat] ?? webhook.format}.
            {showUrl ? <span className="block font-mono text-xs break-all text-slate-600">{webhook.url}</span> : null}
          </>
        ) : (
          <span className="text-slate-600">No webhook: escalations for {ownerName} are only recorded, nobody receives them.</span>
        )}
      </p>
      {deliveries.length > 0 ? (
        <ul className="space-y-1.5" aria-label={`Latest notifications to ${ownerName}`}>
          {deliveries.map((d) => (
            <li key={d.eventId} className="rounded-md border border-slate-200 px-2.5 py-1.5">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Badge tone={STATE[d.state].tone}>{STATE[d.state].label}</Badge>
                <span className="min-w-0 break-words">{d.type === "test" ? "Test notification" : (d.subject ?? "Escalation")}</span>
              </div>
              <p className="mt-0.5 text-xs text-slate-600">
                Queued {formatDateTime(d.createdAt)} · {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
                {d.deliveredAt ? ` · delivered ${formatDateTime(d.deliveredAt)}` : ""}
                {d.state === "failing" && d.nextAttemptAt ? ` · next try ${formatDateTime(d.nextAttemptAt)}` : ""}
              </p>
              {d.lastError ? <p className="mt-0.5 text-xs break-words text-rose-700">Last error: {d.lastError}</p> : null}
            </li>
          ))}
        </ul>
      ) : webhook ? (
        <p className="text-xs text-slate-600">No notification sent yet.</p>
      ) : null}
    </div>
  );
}
