import type { Metadata } from "next";
import Link from "next/link";
import { AddKeyForm, CreateAgentForm, RevokeKeyButton, WebhookForm } from "@/components/console/agent-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { listAgents } from "@/lib/agents/queries";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";

export const metadata: Metadata = { title: "Agents & keys" };

export default async function AgentsPage() {
  const actor = await requirePermission("agents:read");
  const manage = can(actor.roles, "agents:manage");
  const agents = await listAgents(getPrisma());
  return (
    <>
      <PageHeader
        title="Agents & keys"
        description="The AI agents allowed to call the decision API, their API keys and webhooks. Keys and signing secrets are shown once and stored only as a hash or for signing."
        actions={
          <Link href="/agents/webhooks" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium">
            Webhook delivery log
          </Link>
        }
      />
      {manage ? (
        <Card title="New agent" className="mb-6">
          <CreateAgentForm />
        </Card>
      ) : null}
      {agents.length === 0 ? (
        <EmptyState title="No agents yet">
          Create one above, or with <code className="rounded bg-slate-100 px-1">npm run mandate -- agent create support-bot</code>: the API key is shown once.
        </EmptyState>
      ) : (
        <SimpleTable
          label="Agents"
          headers={["Agent", "Status", "API keys", "Webhook", "Decisions", "Created"]}
          rows={agents.map((a) => ({
            key: a.id,
            cells: [
              <div key="n">
                <p className="font-medium">{a.name}</p>
                <p className="text-xs text-slate-500">{a.description}</p>
              </div>,
              <Badge key="s" tone={a.status === "active" ? "success" : "danger"}>{a.status}</Badge>,
              <ul key="k" className="space-y-1">
                {a.apiKeys.map((k) => (
                  <li key={k.id} className="text-xs">
                    <span className="font-mono">{k.prefix}…</span> · {k.revokedAt ? "revoked" : "active"} ·{" "}
                    {k.rateLimitPerSecond === 0 ? "no rate limit" : `${k.rateLimitPerSecond}/s`} · last used{" "}
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}
                    {manage && !k.revokedAt ? (
                      <>
                        {" · "}
                        <RevokeKeyButton keyId={k.id} prefix={k.prefix} />
                      </>
                    ) : null}
                  </li>
                ))}
                {manage ? (
                  <li key="new">
                    <AddKeyForm agentId={a.id} agentName={a.name} />
                  </li>
                ) : null}
              </ul>,
              manage ? <WebhookForm key="w" agentId={a.id} agentName={a.name} url={a.webhookUrl} /> : <span key="w" className="text-xs">{a.webhookUrl ?? "none"}</span>,
              a.decisionCount.toLocaleString("en-US"),
              formatDateTime(a.createdAt),
            ],
          }))}
        />
      )}
    </>
  );
}
