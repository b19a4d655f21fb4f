import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { waitingFor } from "@/lib/console/waiting-for";
import { countDecisionsLastDay } from "@/lib/decisions/queries";
import { getCurrentPolicy } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requirePermission("overview:read");
  const db = getPrisma();
  const [policy, pending, openCases, agents, decisions, waiting] = await Promise.all([
    getCurrentPolicy(db),
    db.approval.count({ where: { status: "pending" } }),
    db.reviewCase.count({ where: { status: { in: ["open", "in_review"] } } }),
    db.agent.count({ where: { status: "active" } }),
    countDecisionsLastDay(db),
    waitingFor(db, actor),
  ]);
  const total = Object.values(decisions).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const doc = policy?.document;
  return (
    <>
      <PageHeader title={`Welcome, ${actor.name.split(" ")[0]}`} description={doc ? `${doc.name}: what your AI agents may do, and who answers for it.` : "Decide what your AI agents may do."} />
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Policy in force" value={policy ? `v${policy.version}` : "none"} href="/policy-versions" hint={doc ? `${doc.actions.length} actions, ${doc.forbidden.length} forbidden` : "nothing is allowed yet"} />
        {can(actor.roles, "approvals:read") ? <Stat label="Held, awaiting approval" value={pending} href="/approvals" /> : null}
        {can(actor.roles, "reviews:read") ? <Stat label="Open review cases" value={openCases} href="/reviews" /> : null}
        <Stat label="Decisions, last 24 h" value={total} href="/history" hint={`${agents} active agent${agents === 1 ? "" : "s"}`} />
      </dl>
      {waiting.length > 0 ? (
        <Card title="Waiting for you" className="mt-6">
          {waiting.every((item) => item.count === 0) ? (
            <p className="text-sm text-slate-600">Nothing is waiting for you right now.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {waiting
                .filter((item) => item.count > 0)
                .map((item) => (
                  <li key={item.label}>
                    <Link href={item.href} className="font-medium text-brand-700 underline underline-offset-4">
                      <span className="tabular-nums">{item.count.toLocaleString("en-US")}</span> {item.label}
                    </Link>
                  </li>
                ))}
            </ul>
          )}
        </Card>
      ) : null}
      {doc ? (
        <div className="mt-6 grid gap-4 lg:grid-cols-2">
          <Card title="Authority at a glance">
            <ul className="space-y-1 text-sm">
              {(["execute", "recommend", "say"] as const).map((authority) => {
                const actions = doc.actions.filter((a) => a.authority === authority);
                return (
                  <li key={authority}>
                    <span className="font-medium capitalize">{authority}</span>: {actions.length ? actions.map((a) => a.label).join(", ") : "none"}
                  </li>
                );
              })}
            </ul>
            <Link href="/permission-map" className="mt-3 inline-block text-sm font-medium text-brand-700 underline underline-offset-4">
              Open the permission map
            </Link>
          </Card>
          <Card title="Forbidden by legal">
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {doc.forbidden.map((f) => (
                <li key={f.action}>
                  <span className="font-mono">{f.action}</span>: {f.reason}
                </li>
              ))}
            </ul>
          </Card>
        </div>
      ) : null}
    </>
  );
}
