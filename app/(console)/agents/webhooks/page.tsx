import type { Metadata } from "next";
import Link from "next/link";
import { LiveRefresh } from "@/components/approvals/live-refresh";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listWebhookDeliveries } from "@/lib/webhooks/queries";

export const metadata: Metadata = { title: "Webhook deliveries" };

export default async function WebhookDeliveriesPage() {
  await requirePermission("agents:read");
  const events = await listWebhookDeliveries(getPrisma(), { take: 100 });
  return (
    <>
      <LiveRefresh intervalMs={3000} />
      <PageHeader
        title="Webhook delivery log"
        description={<>Every event sent to agent webhooks, with each attempt. Failed attempts are retried with growing delays for 24 hours. <Link href="/agents" className="underline">Back to agents</Link></>}
      />
      {events.length === 0 ? (
        <EmptyState title="No webhook events yet">Events are sent when a held decision is approved, rejected or expires, to agents with a webhook URL.</EmptyState>
      ) : (
        <SimpleTable
          label="Webhook events"
          headers={["Event", "Agent", "Status", "Attempts", "Created"]}
          rows={events.map((e) => ({
            key: e.id,
            cells: [
              <div key="e">
                <p className="font-medium">{e.type}</p>
                <p className="font-mono text-xs text-slate-500">{e.id}</p>
                {e.decisionId ? <Link href={`/history/${e.decisionId}`} className="text-xs underline">{e.decisionId}</Link> : null}
              </div>,
              e.agent?.name,
              <Badge key="s" tone={e.status === "delivered" ? "success" : e.status === "failed" ? "danger" : "warning"}>{e.status}</Badge>,
              <ol key="a" className="space-y-0.5 text-xs">
                {e.deliveries.map((d) => (
                  <li key={d.attempt}>
                    #{d.attempt} {formatDateTime(d.createdAt)}: {d.statusCode ? `HTTP ${d.statusCode}` : d.error} ({d.durationMs} ms)
                  </li>
                ))}
                {e.status === "pending" ? <li>next try {formatDateTime(e.nextAttemptAt)}</li> : null}
              </ol>,
              formatDateTime(e.createdAt),
            ],
          }))}
        />
      )}
    </>
  );
}
