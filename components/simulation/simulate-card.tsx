"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState } from "react";
import { cancelSimulationAction, startSimulationAction } from "@/app/(console)/drafts/[id]/simulation/actions";
import { formatDateTime } from "@/components/ui/format";
import { FormMessage, SubmitButton } from "@/components/ui/field";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";
import type { SimulationRunSummary } from "@/lib/simulation/queries";
import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS } from "@/lib/simulation/schemas";
import { describeBaseline, describeImpact } from "./describe-impact";
import { ProgressBar } from "./progress-bar";

const POLL_MS = 1000;
const isActive = (run: SimulationRunSummary | null) => run?.status === "queued" || run?.status === "running";
const days = (run: SimulationRunSummary) => Math.round((Date.parse(run.periodEnd) - Date.parse(run.periodStart)) / 86_400_000);

/**
 * Polls the run every second while it is queued or running, then refreshes the page's server
 * data (the review form reads the completed run). The page keys this card by run id, so a new
 * run (a start revalidates the page) mounts a fresh card.
 */
function useLiveRun(initial: SimulationRunSummary | null) {
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const active = isActive(run);
  const runId = run?.id;
  const wasActive = useRef(active);

  useEffect(() => {
    if (!active || !runId) return;
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(`/api/console/simulations/${runId}`, { cache: "no-store" });
        if (response.ok && !stopped) setRun((await response.json()) as SimulationRunSummary);
      } catch {
        // A missed poll is retried on the next tick.
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [active, runId]);

  useEffect(() => {
    if (wasActive.current && !active) router.refresh();
    wasActive.current = active;
  }, [active, router]);

  return run;
}

export function SimulateCard({
  draftId,
  revision,
  inForceVersion,
  canRun,
  initial,
}: {
  draftId: string;
  revision: number;
  /** The published version in force now: what publishing this draft would replace. */
  inForceVersion: number | null;
  canRun: boolean;
  initial: SimulationRunSummary | null;
}) {
  const run = useLiveRun(initial);
  const [startState, start, starting] = useActionState(startSimulationAction, INITIAL_FORM_STATE);
  const [cancelState, cancel, cancelling] = useActionState(cancelSimulationAction, INITIAL_FORM_STATE);
  const active = isActive(run);
  const outdated = run && run.draftRevision !== revision;

  return (
    <section aria-labelledby="simulate-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id="simulate-heading" className="mb-1 text-base font-semibold text-slate-900">
        Simulate
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        Replays the requests agents sent under {inForceVersion === null ? "no published policy" : `version ${inForceVersion}, the policy in force,`} and under this draft, with limit usage rebuilt
        for each, and shows what this draft would change.
      </p>

      {run ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            {run.status === "queued" ? "Waiting to start: " : run.status === "running" ? "Replaying " : "Last run: "}
            the last {days(run)} days ({formatDateTime(run.periodStart)} to {formatDateTime(run.periodEnd)}), revision {run.draftRevision}.
          </p>
          {active ? (
            run.total > 0 ? (
              <ProgressBar label="Simulation progress" processed={run.processed} total={run.total} />
            ) : (
              <p className="text-sm text-slate-600">{run.status === "queued" ? "Queued: it starts within a second or two." : "Counting the recorded requests…"}</p>
            )
          ) : null}
          {/* Announces the outcome once, not every progress tick. */}
          <div aria-live="polite" className="space-y-3">
            {run.status === "completed" && run.impact ? (
              <>
                <p className={`text-sm ${describeBaseline(run.impact, inForceVersion).stale ? "text-amber-800" : "text-slate-700"}`}>{describeBaseline(run.impact, inForceVersion).text}:</p>
                <ul className="list-disc space-y-1 pl-5 text-sm text-slate-900" aria-label="Impact summary">
                  {describeImpact(run.impact).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
                <p className="text-xs text-slate-500">
                  {run.impact.total.toLocaleString("en-US")} requests replayed in {(run.impact.durationMs / 1000).toFixed(1)} s.{" "}
                  <Link href={`/drafts/${draftId}/simulation?run=${run.id}`} className="font-medium text-brand-700 underline underline-offset-2">
                    See the full results
                  </Link>
                </p>
              </>
            ) : null}
            {run.status === "completed" && !run.impact ? (
              <p className="text-sm text-amber-800">This run compared the draft with recorded decisions, which counts changes other versions made as this draft&apos;s: simulate again.</p>
            ) : null}
            {run.status === "cancelled" ? (
              <p className="text-sm text-slate-700">
                Cancelled after {run.processed.toLocaleString("en-US")} of {run.total.toLocaleString("en-US")} requests.
              </p>
            ) : null}
            {run.status === "failed" ? (
              <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
                {run.error ?? "The simulation failed."}
              </p>
            ) : null}
          </div>
          {outdated && !active ? <p className="text-sm text-amber-800">The draft changed since this run (now revision {revision}): simulate it again.</p> : null}
        </div>
      ) : (
        <p className="text-sm text-slate-700">This draft was never simulated.</p>
      )}

      {canRun ? (
        <div className="mt-4 space-y-2">
          <FormMessage state={cancelState.ok === false ? cancelState : startState.ok === false ? startState : INITIAL_FORM_STATE} />
          {active && run ? (
            <form action={cancel}>
              <input type="hidden" name="draftId" value={draftId} />
              <input type="hidden" name="runId" value={run.id} />
              <SubmitButton pending={cancelling} tone="secondary">
                Cancel simulation
              </SubmitButton>
            </form>
          ) : (
            // noValidate: the server explains a bad period next to the field, as every other form does.
            <form action={start} noValidate className="flex flex-wrap items-end gap-3">
              <input type="hidden" name="draftId" value={draftId} />
              <div>
                <label htmlFor="simulate-days" className="block text-sm font-medium text-slate-700">
                  Period (days back from now)
                </label>
                <input
                  id="simulate-days"
                  name="days"
                  type="number"
                  min={1}
                  max={MAX_PERIOD_DAYS}
                  defaultValue={startState.values.days ?? DEFAULT_PERIOD_DAYS}
                  aria-invalid={startState.fieldErrors.days ? true : undefined}
                  aria-describedby={startState.fieldErrors.days ? "simulate-days-error" : undefined}
                  className="mt-1 w-28 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
                />
              </div>
              <SubmitButton pending={starting}>{run ? "Simulate again" : "Start simulation"}</SubmitButton>
              {startState.fieldErrors.days ? (
                <p id="simulate-days-error" className="basis-full text-sm text-rose-700">
                  {startState.fieldErrors.days}
                </p>
              ) : null}
            </form>
          )}
        </div>
      ) : null}
    </section>
  );
}
