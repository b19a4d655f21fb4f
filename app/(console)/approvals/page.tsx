import type { Metadata } from "next";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatMoney, formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { listPendingApprovals } from "@/lib/approvals/queries";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requirePermission("approvals:read");
  const items = await listPendingApprovals(getPrisma());
  const now = new Date();
  return (
    <>
      <PageHeader title="Approvals" description="Held actions waiting for a person. An agent is waiting with a customer: oldest first." />
      {items.length === 0 ? (
        <EmptyState title="No held actions are waiting">When an agent asks for an action its tier holds for approval, it appears here.</EmptyState>
      ) : (
        <SimpleTable
          label="Pending approvals"
          headers={["Action", "Tier", "Amount", "Customer", "Agent", "Waiting", "Expires", "Approvals"]}
          rows={items.map((a) => ({
            key: a.id,
            cells: [
              <span key="a" className="font-mono">{a.action}</span>,
              <Badge key="t" tone={TIER_TONES[a.tier ?? ""] ?? "neutral"}>{a.tier ?? "—"}</Badge>,
              formatMoney(a.amount, a.currency),
              a.customerId ?? "—",
              a.agent,
              formatRelative(a.createdAt, now),
              formatRelative(a.expiresAt, now),
              `${a.approvals} of ${a.required} (${a.roles.join(" or ")})`,
            ],
          }))}
        />
      )}
    </>
  );
}
