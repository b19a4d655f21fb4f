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
import { describeApprovalRequirement, voterStanding } from "@/lib/approvals/approval-roles";
import { getApprovalDetail, getHoldExplanation, getNextApprovalFor } from "@/lib/approvals/queries";
import { can, roleNames } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { describeToolName } from "@/lib/policy/describe";
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
  const [approval, current, stops] = await Promise.all([getApprovalDetail(db, id), getCurrentPolicy(db), listActiveStops(db)]);
  if (!approval) notFound();
  const d = approval.decision;
  const held = await getHoldExplanation(db, d, approval);
  // Labels as the version that decided named them; the version in force when that one is gone.
  const doc = held?.policy.document ?? current?.document;
  const label = doc?.actions.find((a) => a.key === d.action)?.label;
  const intent = doc?.intents.find((i) => i.key === d.intent)?.label ?? d.intent;
  const owner = doc?.owners.find((o) => o.key === d.owner)?.name ?? d.owner;
  const tierLabel = doc?.risk_tiers.find((t) => t.key === d.tier)?.label ?? d.tier;
  const actionLabels = new Map(doc?.actions.map((a) => [a.key, a.label]));
  const request = d.request as {
    params?: Record<string, unknown>;
    customer?: { verified?: unknown; segment?: unknown };
    data_sources?: unknown;
    context?: { summary?: string; confidence?: number; channel?: string };
    mcp?: { server?: unknown; tool?: unknown };
  };
  const context = request.context ?? {};
  const orderId = request.params?.order_id;
  const verified = request.customer?.verified;
  const sources = Array.isArray(request.data_sources) ? request.data_sources.map((s) => doc?.data_sources.find((x) => x.key === s)?.label ?? String(s)) : [];
  const mcp = typeof request.mcp?.server === "string" && typeof request.mcp.tool === "string" ? { server: request.mcp.server, tool: request.mcp.tool } : null;
  const now = new Date();
  const open = approval.status === "pending" && approval.expiresAt > now;
  const mayDecide = can(actor.roles, "approvals:decide") && actor.roles.some((r) => approval.roles.includes(r));
  const standing = voterStanding(approval, approval.votes, actor);
  const mine = standing.kind === "voted" ? standing : null;
  // A courtesy: the server refuses the approval anyway (decideApproval).
  const stop = open ? getStopCovering(stops, { agentName: d.agent.name, action: d.action }) : null;
  const nextId = mayDecide ? await getNextApprovalFor(db, actor, approval.id, current?.document.risk_tiers.map((t) => t.key) ?? []) : null;
  const requirement = describeApprovalRequirement(approval);

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
          <Card title="Why held">
            <div className="space-y-2 text-sm" data-testid="why-held">
              {(held?.explanation.why ?? d.reasons.map((r) => r.message)).map((sentence) => (
                <p key={sentence}>{sentence}</p>
              ))}
            </div>
            {held?.explanation.weighed.length ? (
              <>
                <h3 className="mt-3 text-sm font-medium text-slate-700">Also weighed</h3>
                <ul className="mt-1 list-disc space-y-0.5 pl-5 text-sm text-slate-700" aria-label="Also weighed">
                  {held.explanation.weighed.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </Card>
          <Card title="The request">
            <dl className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
              <dt className="text-slate-600">Customer</dt>
              <dd>
                {d.customerId ?? "—"}
                {typeof request.customer?.segment === "string" ? ` (segment ${request.customer.segment})` : ""}
              </dd>
              <dt className="text-slate-600">Verified</dt>
              <dd>{verified === true ? "Yes, the customer is verified" : verified === false ? "No, the customer is not verified" : "Not stated by the agent"}</dd>
              <dt className="text-slate-600">Order</dt>
              <dd>{typeof orderId === "string" || typeof orderId === "number" ? <span className="font-mono text-xs">{String(orderId)}</span> : "—"}</dd>
              <dt className="text-slate-600">Intent</dt>
              <dd>{intent ?? "—"}</dd>
              <dt className="text-slate-600">Data read</dt>
              <dd>{sources.length ? sources.join(", ") : "none stated"}</dd>
              {mcp ? (
                <>
                  <dt className="text-slate-600">Through</dt>
                  <dd>{describeToolName(mcp)}, by the MCP gateway</dd>
                </>
              ) : null}
              <dt className="text-slate-600">Tier</dt>
              <dd><Badge tone={TIER_TONES[d.tier ?? ""] ?? "neutral"}>{tierLabel ?? "—"}</Badge></dd>
              <dt className="text-slate-600">Owner</dt>
              <dd>{owner ?? "—"}</dd>
              <dt className="text-slate-600">Conversation</dt>
              <dd>{context.summary ? `“${context.summary}”` : "no summary"}{context.channel ? ` via ${context.channel}` : ""}</dd>
              <dt className="text-slate-600">Agent confidence</dt>
              <dd>{typeof context.confidence === "number" ? `${Math.round(context.confidence * 100)}%` : "—"}</dd>
              <dt className="text-slate-600">Policy</dt>
              <dd>version {d.policyVersion}</dd>
              <dt className="text-slate-600">Decision</dt>
              <dd>
                <Link href={`/history/${d.id}`} className="font-mono text-xs break-all underline">{d.id}</Link>
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
              Needs {requirement}. Expires {formatRelative(approval.expiresAt, now)} ({formatDateTime(approval.expiresAt)}).
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
                <DecideForm
                  approvalId={approval.id}
                  open={open && !mine}
                  closedNote={
                    mine && approval.status === "pending"
                      ? `You ${mine.verdict === "approve" ? "approved" : "rejected"} this ${formatRelative(mine.at, now)}: “${mine.reason}”. ${open ? "The next approval must come from a different person." : "It expired before anyone else decided."}`
                      : `This request is ${approval.status === "pending" ? "expired" : approval.status}: nothing left to decide.`
                  }
                  nextHref={nextId ? `/approvals/${nextId}` : null}
                  approveBlocked={stop ? "Approve is unavailable while the stop is in force." : standing.kind === "reject_only" ? standing.why : null}
                />
              ) : (
                <p className="text-sm text-slate-600">{open
                    ? `This needs ${requirement}; you are ${roleNames(actor.roles)}, so you can read it but not decide it.`
                    : `This request is ${approval.status}.`}</p>
              )}
            </div>
          </Card>
        </aside>
      </div>
    </>
  );
}
