import type { Metadata } from "next";
import { ActionsTable, type ActionRow } from "@/components/policy/actions-table";
import { ChangeThis } from "@/components/policy/change-this";
import { IntentAuthorityGrid } from "@/components/policy/intent-authority-grid";
import { NoPolicy } from "@/components/policy/no-policy";
import { PolicyVersionNote } from "@/components/policy/policy-version-note";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { authorityGrid } from "@/lib/policy/authority-grid";
import { describeCondition, describeLimit } from "@/lib/policy/describe";
import { getCurrentPolicy } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Permission map" };

export default async function PermissionMapPage() {
  const actor = await requirePermission("policy:read");
  const policy = await getCurrentPolicy(getPrisma());
  const header = (
    <PageHeader
      title="Permission map"
      description="For each action: whether the AI may only say, recommend to a human, or execute; what it may read; which risk tier applies and the limits against manipulation."
      actions={policy ? <ChangeThis actor={actor} section="actions" /> : null}
    />
  );
  if (!policy) return (<>{header}<NoPolicy /></>);
  const doc = policy.document;
  const owners = new Map(doc.owners.map((o) => [o.key, o.name]));
  const forbidden = new Set(doc.forbidden.map((f) => f.action));
  const rows: ActionRow[] = doc.actions.map((a) => ({
    key: a.key,
    label: a.label,
    authority: a.authority,
    owner: a.owner,
    ownerName: owners.get(a.owner) ?? a.owner,
    dataSources: a.data_sources,
    bands: a.risk.length ? a.risk.map((b, i) => ({ when: b.if ? describeCondition(b.if) : i === 0 ? "always" : "otherwise", tier: b.tier })) : [{ when: "always", tier: "critical" }],
    limits: a.limits.map((l) => describeLimit(l, doc.currency)),
    forbidden: forbidden.has(a.key),
  }));
  return (
    <>
      {header}
      <PolicyVersionNote version={policy.version} createdAt={policy.createdAt} />
      <ActionsTable rows={rows} />
      {doc.intents.length > 0 ? <IntentAuthorityGrid grid={authorityGrid(doc)} /> : null}
    </>
  );
}
