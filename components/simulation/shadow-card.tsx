"use client";

import { useActionState, useEffect, useState } from "react";
import { setDraftShadowAction } from "@/app/(console)/drafts/[id]/simulation/actions";
import { FormMessage } from "@/components/ui/field";
import { formatDateTime, formatMoney } from "@/components/ui/format";
import { INITIAL_FORM_STATE } from "@/lib/console/form-state";
import type { ShadowSummary } from "@/lib/simulation/queries";
import { OutcomeBadges } from "./outcome-badges";

const POLL_MS = 3000;

/** Re-reads the shadow summary every few seconds while shadow mode is on. */
function useLiveShadow(initial: ShadowSummary) {
  const [summary, setSummary] = useState(initial);
  const on = initial.shadow;
  useEffect(() => {
    if (!on) return;
    let stopped = false;
    const timer = setInterval(async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/console/simulations/shadow/${initial.draftId}`, { cache: "no-store" });
        if (response.ok && !stopped) setSummary((await response.json()) as ShadowSummary);
      } catch {
        // Retried on the next tick.
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [on, initial.draftId]);
  // A toggle re-renders the page with a new summary: it wins over an older poll.
  return summary.shadow === initial.shadow ? summary : initial;
}

export function ShadowCard({ initial, canToggle }: { initial: ShadowSummary; canToggle: boolean }) {
  const summary = useLiveShadow(initial);
  const [state, toggle, pending] = useActionState(setDraftShadowAction, INITIAL_FORM_STATE);
  const share = summary.evaluated > 0 ? ((summary.differing / summary.evaluated) * 100).toFixed(1) : null;

  return (
    <section aria-labelledby="shadow-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="mb-1 flex items-center justify-between gap-3">
        <h2 id="shadow-heading" className="text-base font-semibold text-slate-900">
          Shadow
        </h2>
        {canToggle ? (
          <form action={toggle}>
            <input type="hidden" name="draftId" value={summary.draftId} />
            <input type="hidden" name="shadow" value={summary.shadow ? "false" : "true"} />
            <button type="submit" role="switch" aria-checked={summary.shadow} disabled={pending} className="group inline-flex items-center gap-2 text-sm font-medium text-slate-800 disabled:opacity-60">
              <span className={`relative inline-flex h-5 w-9 shrink-0 rounded-full transition-colors ${summary.shadow ? "bg-brand-600" : "bg-slate-300"}`}>
                <span className={`absolute top-0.5 size-4 rounded-full bg-white shadow transition-transform ${summary.shadow ? "translate-x-4" : "translate-x-0.5"}`} />
              </span>
              Run in shadow
            </button>
          </form>
        ) : (
          <span className="text-xs text-slate-500">{summary.shadow ? "on" : "off"}</span>
        )}
      </div>
      <p className="mb-3 text-sm text-slate-600">
        In shadow, every live decision is also evaluated against this draft. Agents still get the answer of the policy in force.
      </p>
      <FormMessage state={state.ok === false ? state : INITIAL_FORM_STATE} />

      {summary.shadow || summary.evaluated > 0 ? (
        <div aria-live="polite">
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <div className="rounded-md bg-slate-50 p-2">
              <dt className="text-slate-600">Evaluated</dt>
              <dd className="text-lg font-semibold tabular-nums" data-testid="shadow-evaluated">
                {summary.evaluated.toLocaleString("en-US")}
              </dd>
            </div>
            <div className="rounded-md bg-slate-50 p-2">
              <dt className="text-slate-600">Would differ</dt>
              <dd className="text-lg font-semibold tabular-nums" data-testid="shadow-differing">
                {summary.differing.toLocaleString("en-US")}
                {share !== null ? <span className="ml-1 text-xs font-normal text-slate-500">({share}%)</span> : null}
              </dd>
            </div>
          </dl>
          <p className="mt-1 text-xs text-slate-500">
            {summary.since ? `Since shadow was turned on, ${formatDateTime(summary.since)}.` : "Since shadow was first turned on."}
            {summary.shadow ? " Refreshes every few seconds." : " Shadow is off now."}
          </p>
          {summary.latest.length > 0 ? (
            <ul className="mt-3 divide-y divide-slate-100" aria-label="Latest decisions the draft would make differently">
              {summary.latest.map((d) => (
                <li key={d.id} className="py-2 text-sm">
                  <p className="flex flex-wrap items-baseline justify-between gap-x-2">
                    <span className="font-mono text-xs">{d.action}</span>
                    <span className="text-xs text-slate-500">
                      {d.amount ? `${formatMoney(d.amount, d.currency)} · ` : ""}
                      {d.agentName ?? "agent"} · {formatDateTime(d.createdAt)}
                    </span>
                  </p>
                  <div className="mt-1 grid gap-1 sm:grid-cols-2">
                    <p>
                      <span className="mr-1 text-xs text-slate-500">Live</span>
                      <OutcomeBadges decision={d.live.decision} tier={d.live.tier} />
                      <span className="block text-xs text-slate-600">{d.live.reasons[0]?.message}</span>
                    </p>
                    <p>
                      <span className="mr-1 text-xs text-slate-500">Draft</span>
                      <OutcomeBadges decision={d.shadow.decision} tier={d.shadow.tier} />
                      <span className="block text-xs text-slate-600">{d.shadow.reasons[0]?.message}</span>
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          ) : summary.shadow ? (
            <p className="mt-3 text-sm text-slate-600">No live decision has differed yet.</p>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-slate-700">Shadow mode is off.</p>
      )}
    </section>
  );
}
