import type { Metadata } from "next";
import Link from "next/link";
import { ImportForm, NewDraftButton } from "@/components/policy/draft-controls";
import { PolicyDiffView } from "@/components/policy/policy-diff-view";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { diffPolicy } from "@/lib/policy/diff-policy";
import { listOpenDrafts, listPolicyVersions } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Policy versions" };

export default async function PolicyVersionsPage() {
  const actor = await requirePermission("policy:read");
  const db = getPrisma();
  const [versions, drafts] = await Promise.all([listPolicyVersions(db), listOpenDrafts(db)]);
  const canDraft = can(actor.roles, "policy:review");
  return (
    <>
      <PageHeader
        title="Policy versions"
        description="Changes are made in drafts, reviewed by a second person and published as numbered, immutable versions. Every decision records the version that made it."
        actions={
          canDraft && versions.length > 0 ? (
            <Link href="/drafts/new" className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700">
              New draft
            </Link>
          ) : null
        }
      />
      <div className="space-y-6">
        <Card title="Drafts in progress">
          {drafts.length === 0 ? (
            <p className="text-sm text-slate-600">No open drafts. Start one from the policy in force, restore an earlier version, or import a document.</p>
          ) : (
            <SimpleTable
              label="Drafts"
              headers={["Draft", "Status", "Author", "Revision", "Updated"]}
              rows={drafts.map((d) => ({
                key: d.id,
                cells: [
                  <Link key="t" href={`/drafts/${d.id}`} className="font-medium text-brand-700 underline underline-offset-2">
                    {d.title}
                  </Link>,
                  <Badge key="s" tone={d.status === "in_review" ? "warning" : "neutral"}>{d.status.replace("_", " ")}</Badge>,
                  d.authorName,
                  d.revision,
                  formatDateTime(d.updatedAt),
                ],
              }))}
            />
          )}
        </Card>
        {versions.length === 0 ? (
          <EmptyState title="Nothing published yet">Import a policy document below, or publish one with the CLI: <code>npm run mandate -- policy import policy.json --publish --reason &quot;…&quot;</code></EmptyState>
        ) : (
          <section aria-label="Published versions" className="space-y-3">
            <h2 className="text-base font-semibold">Published versions</h2>
            <ol className="space-y-3">
              {versions.map((v, i) => {
                const previous = versions[i + 1];
                return (
                  <li key={v.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label={`Version ${v.version}`}>
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <p className="flex items-center gap-2 font-medium">
                        Version {v.version} {i === 0 ? <Badge tone="success">in force</Badge> : null}
                        {v.restoredFrom ? <Badge tone="info">restores v{v.restoredFrom}</Badge> : null}
                      </p>
                      <div className="flex flex-wrap items-center gap-3 text-sm">
                        <a href={`/policy-versions/${v.version}/export`} className="underline underline-offset-2">JSON</a>
                        <a href={`/policy-versions/${v.version}/export?format=yaml`} className="underline underline-offset-2">YAML</a>
                        {canDraft && i > 0 ? <NewDraftButton fromVersion={v.version} label={`Restore v${v.version} as a draft`} /> : null}
                      </div>
                    </div>
                    <p className="mt-1 text-sm text-slate-700">{v.reason}</p>
                    <p className="mt-1 text-xs text-slate-500">
                      {formatDateTime(v.createdAt)} · proposed by {v.publishedBy?.name ?? "an operator (CLI or seed)"} · approved by {v.approvedBy?.name ?? "—"} · {v.source}
                    </p>
                    <details className="mt-2">
                      <summary className="cursor-pointer text-sm font-medium text-brand-700">What changed</summary>
                      <div className="mt-2">
                        <PolicyDiffView diff={diffPolicy(previous?.document ?? null, v.document)} />
                      </div>
                    </details>
                  </li>
                );
              })}
            </ol>
          </section>
        )}
        {canDraft ? (
          <Card title="Import a policy document">
            <p className="mb-3 text-sm text-slate-600">JSON or YAML in the mandate.policy/v1 format. It becomes a draft for review; every error is shown with its place in the document.</p>
            <ImportForm />
          </Card>
        ) : null}
      </div>
    </>
  );
}
