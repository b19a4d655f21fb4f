import type { Metadata } from "next";
import Link from "next/link";
import { Badge, TIER_TONES, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatMoney } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listRecentDecisions } from "@/lib/decisions/queries";

export const metadata: Metadata = { title: "History" };

const DECISION_TONES: Record<string, BadgeTone> = { allow: "success", deny: "danger", hold: "warning", step_up: "info", escalate: "brand" };

export default async function HistoryPage() {
  await requirePermission("history:read");
  const decisions = await listRecentDecisions(getPrisma());
  return (
    <>
      <PageHeader title="Action history" description="Every decision agents asked for, newest first, with the policy version that made it." />
      {decisions.length === 0 ? (
        <EmptyState title="No decisions yet">Decisions appear here as soon as an agent calls the decision API with its key.</EmptyState>
      ) : (
        <SimpleTable
          label="Decisions"
          headers={["When", "Action", "Decision", "Status", "Tier", "Amount", "Customer", "Agent", "Policy"]}
          rows={decisions.map((d) => ({
            key: d.id,
            cells: [
              <Link key="w" href={`/history/${d.id}`} className="underline underline-offset-2">
                {formatDateTime(d.createdAt)}
              </Link>,
              <span key="a" className="font-mono">{d.action}</span>,
              <Badge key="d" tone={DECISION_TONES[d.decision] ?? "neutral"}>{d.decision}</Badge>,
              d.status.replaceAll("_", " "),
              d.tier ? <Badge key="t" tone={TIER_TONES[d.tier] ?? "neutral"}>{d.tier}</Badge> : "—",
              formatMoney(d.amount, d.currency),
              d.customerId ?? "—",
              d.agent,
              d.policyVersion ? `v${d.policyVersion}` : "—",
            ],
          }))}
        />
      )}
    </>
  );
}
