import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime, formatMoney } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getDecisionLineage } from "@/lib/history/get-decision-lineage";
import { getPolicyLabels, labelOf } from "@/lib/policy/policy-labels";
import { listActiveStops } from "@/lib/stop-switches/queries";
import { describeStopForPeople, getExecutionPause } from "@/lib/stop-switches/stop-covering";

export const metadata: Metadata = { title: "Decision" };

const KIND_TONES = { request: "neutral", decision: "brand", approval: "warning", outcome: "success", review: "info", webhook: "neutral", audit: "neutral" } as const;

export default async function DecisionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePermission("history:read");
  if (!/^dec_[A-Za-z0-9_-]{1,60}$/.test(id)) notFound();
  const [lineage, stops, labels] = await Promise.all([getDecisionLineage(getPrisma(), id), listActiveStops(getPrisma()), getPolicyLabels(getPrisma())]);
  if (!lineage) notFound();
  const d = lineage.decision;
  // What the agent reads too: allowed or approved, but not to be executed while the stop holds.
  const pause = getExecutionPause(stops, { agentName: d.agent.name, action: d.action, status: d.status });
  return (
    <>
      <PageHeader
        title={`${labelOf(labels, "action", d.action)} ${formatMoney(d.amount, d.currency)}`}
        description={<><code className="text-xs">{d.action}</code>. Decision <span className="font-mono">{d.id}</span> by {d.agent.name}, {formatDateTime(d.createdAt)}. <Link href="/history" className="underline">Back to the history</Link></>}
        actions={
          <span className="flex gap-2">
            <Badge tone="brand">{d.decision}</Badge>
            <Badge>{d.status.replaceAll("_", " ")}</Badge>
            {pause ? <Badge tone="danger">execution paused</Badge> : null}
            {d.tier ? <Badge tone={TIER_TONES[d.tier] ?? "neutral"}>{labelOf(labels, "tier", d.tier)}</Badge> : null}
          </span>
        }
      />
      <div className="space-y-6">
        {pause ? (
          <p className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
            <span className="font-semibold">Execution paused.</span> {describeStopForPeople(pause)} The agent is told not to carry this out until the stop is lifted.
          </p>
        ) : null}
        <Card title="Lineage">
          <ol className="relative space-y-3 border-l border-slate-200 pl-4" aria-label="Lineage">
            {lineage.steps.map((step, i) => (
              <li key={i}>
                <p className="text-sm">
                  <Badge tone={KIND_TONES[step.kind]}>{step.kind}</Badge>{" "}
                  {step.href ? (
                    <Link href={step.href} className="font-medium underline underline-offset-2">
                      {step.title}
                    </Link>
                  ) : (
                    <span className="font-medium">{step.title}</span>
                  )}{" "}
                  <time className="text-xs text-slate-500" dateTime={step.at.toISOString()}>{formatDateTime(step.at)}</time>
                </p>
                {step.detail ? <p className="mt-0.5 text-xs break-words text-slate-600">{step.detail}</p> : null}
                {step.raw ? (
                  <details className="mt-1 text-xs">
                    <summary className="cursor-pointer text-slate-600">The request as the agent sent it</summary>
                    <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-900 px-3 py-2 text-slate-100">{step.raw}</pre>
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Audit entries">
          <SimpleTable
            label="Audit entries"
            headers={["#", "When", "Who", "What", "Hash", "Verification"]}
            rows={lineage.audit.map((a) => ({
              key: a.id,
              cells: [a.id, formatDateTime(a.at), a.actor, a.action, <span key="h" className="font-mono text-xs">{a.hash.slice(0, 12)}…</span>, <span key="s" className="flex flex-wrap gap-1">
                {a.intact ? <Badge tone="success">content matches hash</Badge> : <Badge tone="danger">altered</Badge>}
                {a.seal ? <Badge tone="success">sealed in #{a.seal.id}</Badge> : <Badge tone="warning">awaiting seal</Badge>}
              </span>,
            ],
            }))}
          />
        </Card>
      </div>
    </>
  );
}
