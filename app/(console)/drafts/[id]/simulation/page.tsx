import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TransitionsChart } from "@/components/simulation/transitions-chart";
import { describeBaseline, describeImpact } from "@/components/simulation/describe-impact";
import { ChangeGroups, MatrixBreakdown, SampleList, TransitionMatrix } from "@/components/simulation/result-tables";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatMoney } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getDraft } from "@/lib/policy/draft-queries";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { labelOf, policyLabels } from "@/lib/policy/policy-labels";
import { getSimulationResult, toImpact } from "@/lib/simulation/queries";
import { NO_TIER } from "@/lib/simulation/replay";
import { directionsByKey } from "@/lib/simulation/transition-direction";
import { isUuid } from "@/lib/validation";

export const metadata: Metadata = { title: "Simulation" };


export default async function SimulationPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ run?: string }> }) {
  const [{ id }, { run: runId }] = await Promise.all([params, searchParams]);
  await requirePermission("policy:read");
  if (!isUuid(id) || (runId !== undefined && !isUuid(runId))) notFound();
  const db = getPrisma();
  const [draft, found, current] = await Promise.all([getDraft(db, id), getSimulationResult(db, id, runId), getCurrentPolicy(db)]);
  if (!draft) notFound();
  const back = (
    <Link href={`/drafts/${draft.id}`} className="text-sm font-medium text-brand-700 underline underline-offset-2">
      Back to the draft
    </Link>
  );

  if (!found || !found.result) {
    return (
      <>
        <PageHeader title={`Simulation: ${draft.title}`} actions={back} />
        <EmptyState
          title={
            !found
              ? "This draft has no completed simulation yet."
              : found.run.status === "completed"
                ? "This simulation compared the draft with recorded decisions, which counts changes other versions made as this draft's."
                : `This simulation is ${found.run.status}.`
          }
        >
          Start one from the Simulate card on the draft.
        </EmptyState>
      </>
    );
  }

  const { run, result } = found;
  const days = Math.round((Date.parse(result.periodEnd) - Date.parse(result.periodStart)) / 86_400_000);
  const outdated = run.draftRevision !== draft.revision;
  const baseline = describeBaseline(result, current?.version ?? null);
  const labels = policyLabels(draft.document ?? current?.document);
  const inForce = result.inForceVersion === null ? "No published policy" : `Version ${result.inForceVersion} (in force)`;
  return (
    <>
      <PageHeader
        title={`Simulation: ${draft.title}`}
        description={
          <>
            Revision {run.draftRevision} and {result.inForceVersion === null ? "no published policy" : `version ${result.inForceVersion}, the policy in force,`} both replayed over the last {days} days of
            recorded requests ({formatDateTime(result.periodStart)} to {formatDateTime(result.periodEnd)}), each with limit usage rebuilt from the same history. Every change below is one
            this draft makes. {result.total.toLocaleString("en-US")} requests in {(result.durationMs / 1000).toFixed(1)} s.
          </>
        }
        actions={back}
      />
      {outdated ? (
        <p role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The draft is at revision {draft.revision} now: these results are for revision {run.draftRevision}.
        </p>
      ) : null}
      {baseline.stale ? (
        <p role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {baseline.text}.
        </p>
      ) : null}
      <div className="space-y-6">
        <dl className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <Stat label="Requests replayed" value={result.total.toLocaleString("en-US")} />
          <Stat label="Would change decision" value={result.kindChanged.toLocaleString("en-US")} hint={result.changed > result.kindChanged ? `and ${(result.changed - result.kindChanged).toLocaleString("en-US")} only their tier` : undefined} />
          <Stat label="Would move without a human" value={formatMoney(result.money.newlyAllowed.amount, result.currency)} hint={`${result.money.newlyAllowed.count.toLocaleString("en-US")} requests newly allowed`} />
          <Stat label="Would no longer move without a human" value={formatMoney(result.money.noLongerAllowed.amount, result.currency)} hint={`${result.money.noLongerAllowed.count.toLocaleString("en-US")} requests no longer allowed`} />
        </dl>

        <Card title="In short">
          <p className="mb-2 text-sm text-slate-700">{baseline.text}:</p>
          <ul className="list-disc space-y-1 pl-5 text-sm" aria-label="Impact summary">
            {describeImpact(toImpact(result), 5).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">
            {result.differingActions.length === 0
              ? "No action's rules differ from the policy in force."
              : `Actions whose rules differ: ${result.differingActions.join(", ")}. Requests for every other action are decided alike by both.`}
          </p>
        </Card>

        <section aria-labelledby="transitions-heading" className="space-y-3">
          <h2 id="transitions-heading" className="text-base font-semibold">
            From the policy in force to this draft
          </h2>
          <TransitionMatrix matrix={result.matrix} label="Transitions from the policy in force to this draft" rows={result.inForceVersion === null ? "No policy" : `Version ${result.inForceVersion}`} />
          {result.kindChanged > 0 ? (
            <div className="grid gap-3 xl:grid-cols-2">
              <TransitionsChart
                title="Per action"
                keyHeader="Action"
                rows={directionsByKey(result.byAction).map((r) => ({ ...r, label: labelOf(labels, "action", r.key) }))}
              />
              <TransitionsChart
                title="Per tier under the draft"
                keyHeader="Tier"
                rows={directionsByKey(result.byTier).map((r) => ({ ...r, label: r.key === NO_TIER ? "No tier" : labelOf(labels, "tier", r.key) }))}
              />
            </div>
          ) : null}
        </section>

        <section aria-labelledby="actions-heading" className="space-y-3">
          <h2 id="actions-heading" className="text-base font-semibold">
            Per action
          </h2>
          <MatrixBreakdown label="Changes per action" keyHeader="Action" matrices={result.byAction} />
        </section>

        <section aria-labelledby="tiers-heading" className="space-y-3">
          <h2 id="tiers-heading" className="text-base font-semibold">
            Per tier under the draft
          </h2>
          <MatrixBreakdown label="Changes per tier" keyHeader="Tier" matrices={result.byTier} />
        </section>

        {result.changes.length > 0 ? (
          <section aria-labelledby="groups-heading" className="space-y-3">
            <h2 id="groups-heading" className="text-base font-semibold">
              What changes, by action and tier
            </h2>
            <ChangeGroups result={result} />
          </section>
        ) : null}

        <section aria-labelledby="sample-heading" className="space-y-3">
          <h2 id="sample-heading" className="text-base font-semibold">
            Sample of changed decisions ({result.sample.length} of {result.changed.toLocaleString("en-US")})
          </h2>
          {result.sample.length > 0 ? <SampleList sample={result.sample} currency={result.currency} inForce={inForce} /> : <p className="text-sm text-slate-600">No decision would change.</p>}
        </section>

        <section aria-labelledby="recorded-heading" className="space-y-3">
          <h2 id="recorded-heading" className="text-base font-semibold">
            Compared with what was decided at the time
          </h2>
          <p className="text-sm text-slate-600">
            What agents were told when each request came in, against this draft. It also counts every change published since then by other versions, so it is not what publishing this
            draft would change: {result.recorded.kindChanged.toLocaleString("en-US")} decisions differ from what was decided at the time.
          </p>
          <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm">
            <summary className="cursor-pointer font-medium text-slate-800">Show decided at the time against this draft</summary>
            <div className="mt-3">
              <TransitionMatrix matrix={result.recorded.matrix} label="Transitions from what was decided at the time to this draft" rows="Decided at the time" />
            </div>
          </details>
        </section>
      </div>
    </>
  );
}
