import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatRelative } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listReviewCases } from "@/lib/reviews/queries";

export const metadata: Metadata = { title: "Reviews" };

export default async function ReviewsPage() {
  await requirePermission("reviews:read");
  const cases = await listReviewCases(getPrisma());
  const now = new Date();
  return (
    <>
      <PageHeader title="Edge-case reviews" description="Cases flagged by agents, rejected or expired holds, failed outcomes and sampled decisions, for a person to look at." />
      {cases.length === 0 ? (
        <EmptyState title="The review inbox is empty">Cases open here when an agent flags an edge case, a hold is rejected or expires, or an outcome fails.</EmptyState>
      ) : (
        <SimpleTable
          label="Review cases"
          headers={["Case", "Source", "Action", "Status", "Labels", "Assignee", "Opened"]}
          rows={cases.map((c) => ({
            key: c.id,
            cells: [
              <div key="c">
                <p className="font-medium">{c.reason}</p>
                <p className="font-mono text-xs text-slate-500">{c.id}</p>
              </div>,
              c.source.replaceAll("_", " "),
              c.action ?? "—",
              <Badge key="s" tone={c.status === "open" ? "warning" : c.status === "resolved" ? "success" : "neutral"}>{c.status.replace("_", " ")}</Badge>,
              c.labels.join(", ") || "—",
              c.assignee?.name ?? "unassigned",
              formatRelative(c.createdAt, now),
            ],
          }))}
        />
      )}
    </>
  );
}
