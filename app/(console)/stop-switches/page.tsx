import type { Metadata } from "next";
import { PauseForm, ResumeForm } from "@/components/console/stop-switch-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { listStopSwitches } from "@/lib/stop-switches/queries";

export const metadata: Metadata = { title: "Stop switches" };

export default async function StopSwitchesPage() {
  const actor = await requirePermission("stop:read");
  const manage = can(actor.roles, "stop:manage");
  const db = getPrisma();
  const [{ active, recent, agentNames }, policy] = await Promise.all([listStopSwitches(db), getCurrentPolicy(db)]);
  const actionKeys = policy?.document.actions.map((a) => a.key) ?? [];
  return (
    <>
      <PageHeader title="Stop switches" description="Pause one agent, one action or everything at once. Every server denies matching requests with the reason “paused” within a second. Lifting a stop needs a reason." />
      <div className="space-y-6">
        <section aria-labelledby="active-stops">
          <h2 id="active-stops" className="mb-3 text-base font-semibold">
            In force
          </h2>
          {active.length === 0 ? (
            <EmptyState title="Nothing is paused">Agents act under the published policy.</EmptyState>
          ) : (
            <ul className="space-y-3">
              {active.map((s) => (
                <li key={s.id} className="rounded-lg border border-rose-200 bg-white p-4 shadow-sm">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone="danger">paused</Badge>
                    <span className="font-medium">{s.scope === "all" ? "Everything" : `${s.scope === "agent" ? "Agent" : "Action"} ${s.target}`}</span>
                    <span className="text-sm text-slate-600">
                      by {s.createdBy}, {formatDateTime(s.createdAt)}: {s.reason}
                    </span>
                  </div>
                  {manage ? (
                    <div className="mt-3">
                      <ResumeForm scope={s.scope} target={s.target} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        {manage ? (
          <Card title="Pause">
            <PauseForm agentNames={agentNames} actionKeys={actionKeys} />
          </Card>
        ) : null}
        {recent.length > 0 ? (
          <SimpleTable
            label="Recently lifted"
            headers={["Stopped", "Reason", "Lifted", "Why lifted"]}
            rows={recent.map((s) => ({
              key: s.id,
              cells: [s.scope === "all" ? "everything" : `${s.scope} ${s.target}`, `${s.reason} (${s.createdBy})`, `${formatDateTime(s.liftedAt!)} by ${s.liftedBy}`, s.liftReason ?? "—"],
            }))}
          />
        ) : null}
      </div>
    </>
  );
}
