import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DecideForm } from "@/components/approvals/decide-form";
import { LiveRefresh } from "@/components/approvals/live-refresh";
import { StopWarning } from "@/components/approvals/stop-warning";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime, formatMoney, formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { getApprovalDetail } from "@/lib/approvals/queries";
import { can, roleNames } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { listActiveStops } from "@/lib/stop-switches/queries";
import { getStopCovering } from "@/lib/stop-switches/stop-covering";
import { isUuid } from "@/lib/validation";

export const metadata: Metadata = { title: "Held action" };

export default async function ApprovalPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requirePermission("approvals:read");
  if (!isUuid(id)) notFound();
  const db = getPrisma();
  const [approval, policy, stops] = await Promise.all([getApprovalDetail(db, id), getCurrentPolicy(db), listActiveStops(db)]);
  if (!approval) notFound();
  const d = approval.decision;
  const doc = policy?.document;
  const label = doc?.actions.find((a) => a.key === d.action)?.label;
  const intent = doc?.intents.find((i) => i.key === d.intent)?.label ?? d.intent;
  const owner = doc?.owners.find((o) => o.key === d.owner)?.name ?? d.owner;
  const actionLabels = new Map(doc?.actions.map((a) => [a.key, a.label]));
  const context = (d.request.context ?? {}) as { summary?: string; confidence?: number; channel?: string };
  const now = new Date();
  const open = approval.status === "pending" && approval.expiresAt > now;
  const mayDecide = can(actor.roles, "approvals:decide") && actor.roles.some((r) => approval.roles.includes(r));
  // A courtesy: the server refuses the approval anyway (decideApproval).
  const stop = open ? getStopCovering(stops, { agentName: d.agent.name, action: d.action }) : null;

  return (
    <>
      {/* A stop that starts or ends while the page is open shows up within a few seconds. */}
      {open ? <LiveRefresh intervalMs={5000} /> : null}
      <PageHeader
        title={`${label ?? d.action}${d.amount === null ? "" : ` ${formatMoney(d.amount, d.currency)}`}`}
        description={
          <>
            {label ? <><code className="text-xs">{d.action}</code>, held </> : "Held "}
            {formatRelative(approval.createdAt, now)} for agent {d.agent.name}. <Link href="/approvals" className="underline">Back to the queue</Link>
          </>
        }
        actions={<Badge tone={approval.status === "approved" ? "success" : approval.status === "pending" ? "warning" : "danger"}>{approval.status}</Badge>}
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">
          <Card title="The request">
            <dl className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
              <dt className="text-slate-600">Customer</dt>
              <dd>{d.customerId ?? "—"}</dd>
              <dt className="text-slate-600">Intent</dt>
              <dd>{intent ?? "—"}</dd>
              <dt className="text-slate-600">Tier</dt>
              <dd><Badge tone={TIER_TONES[d.tier ?? ""] ?? "neutral"}>{d.tier ?? "—"}</Badge></dd>
              <dt className="text-slate-600">Owner</dt>
              <dd>{owner ?? "—"}</dd>
              <dt className="text-slate-600">Conversation</dt>
              <dd>{context.summary ? `“${context.summary}”` : "no summary"}{context.channel ? ` via ${context.channel}` : ""}</dd>
              <dt className="text-slate-600">Agent confidence</dt>
              <dd>{typeof context.confidence === "number" ? `${Math.round(context.confidence * 100)}%` : "—"}</dd>
              <dt className="text-slate-600">Why held</dt>
              <dd>
                <ul className="list-disc pl-4">
                  {d.reasons.map((r) => (
                    <li key={r.code + r.rule}>{r.message}</li>
                  ))}
                </ul>
              </dd>
              <dt className="text-slate-600">Policy</dt>
              <dd>version {d.policyVersion}</dd>
              <dt className="text-slate-600">Decision</dt>
              <dd>
                <Link href={`/history/${d.id}`} className="font-mono text-xs underline">{d.id}</Link>
              </dd>
            </dl>
          </Card>
          <Card title={`This customer's recent decisions`}>
            {approval.history.length === 0 ? (
              <p className="text-sm text-slate-600">No other decisions for this customer.</p>
            ) : (
              <SimpleTable
                label="Customer history"
                headers={["When", "Action", "Decision", "Status", "Amount"]}
                rows={approval.history.map((h) => ({ key: h.id, cells: [formatDateTime(h.createdAt), actionLabels.get(h.action) ?? h.action, h.decision, h.status.replaceAll("_", " "), formatMoney(h.amount, h.currency)] }))}
              />
            )}
          </Card>
        </div>
        <aside className="space-y-6">
          <Card title="Approvals">
            <p className="text-sm text-slate-700">
              Needs {approval.required} approval{approval.required === 1 ? "" : "s"} by {roleNames(approval.roles, " or ")}
              {approval.required > 1 ? ", from different people" : ""}. Expires {formatRelative(approval.expiresAt, now)} ({formatDateTime(approval.expiresAt)}).
            </p>
            <ul className="mt-2 space-y-1 text-sm" aria-label="Votes">
              {approval.votes.map((v) => (
                <li key={v.userId}>
                  <Badge tone={v.verdict === "approve" ? "success" : "danger"}>{v.verdict === "approve" ? "approved" : "rejected"}</Badge> {v.user.name} as {roleNames([v.role])}: {v.reason}
                </li>
              ))}
            </ul>
            {stop ? (
              <div className="mt-4">
                <StopWarning stop={stop} id="stop-warning" />
              </div>
            ) : null}
            <div className="mt-4">
              {mayDecide ? (
                <DecideForm approvalId={approval.id} open={open} status={approval.status} approveBlocked={stop ? "Approve is unavailable while the stop is in force." : null} />
              ) : (
                <p className="text-sm text-slate-600">{open
                    ? `Only ${roleNames(approval.roles, " or ")} can decide this tier; you are ${roleNames(actor.roles)}.`
                    : `This request is ${approval.status}.`}</p>
              )}
            </div>
          </Card>
        </aside>
      </div>
    </>
  );
}
