import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listOpenDrafts, listPolicyVersions } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Policy versions" };

export default async function PolicyVersionsPage() {
  await requirePermission("policy:read");
  const db = getPrisma();
  const [versions, drafts] = await Promise.all([listPolicyVersions(db), listOpenDrafts(db)]);
  return (
    <>
      <PageHeader title="Policy versions" description="Published versions are immutable and numbered; every decision records the version that made it." />
      <div className="space-y-6">
        <Card title="Drafts in progress">
          {drafts.length === 0 ? (
            <p className="text-sm text-slate-600">No open drafts. Import a policy document as a draft to start a change.</p>
          ) : (
            <SimpleTable
              label="Drafts"
              headers={["Draft", "Status", "Author", "Revision", "Updated"]}
              rows={drafts.map((d) => ({ key: d.id, cells: [d.title, <Badge key="s">{d.status.replace("_", " ")}</Badge>, d.authorLabel, d.revision, formatDateTime(d.updatedAt)] }))}
            />
          )}
        </Card>
        {versions.length === 0 ? (
          <EmptyState title="Nothing published yet">Publish a first policy with the CLI: <code>npm run mandate -- policy import policy.json --publish --reason &quot;…&quot;</code></EmptyState>
        ) : (
          <SimpleTable
            label="Published versions"
            headers={["Version", "Reason", "Published by", "Approved by", "Source", "When"]}
            rows={versions.map((v, i) => ({
              key: v.id,
              cells: [
                <span key="v" className="flex items-center gap-2 font-medium">
                  v{v.version} {i === 0 ? <Badge tone="success">in force</Badge> : null}
                </span>,
                v.reason,
                v.publishedBy?.name ?? "operator (CLI or seed)",
                v.approvedBy?.name ?? "—",
                v.source,
                formatDateTime(v.createdAt),
              ],
            }))}
          />
        )}
      </div>
    </>
  );
}
