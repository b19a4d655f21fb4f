import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/ui/format";
import { RULE_DESCRIPTIONS } from "@/lib/autonomy/recommendation-rules";
import type { RecommendationView } from "@/lib/autonomy/queries";
import { RecommendationDecisionForm } from "./recommendation-forms";

/**
 * One open recommendation: the sentence with its numbers, the change it would draft, the
 * evidence behind it and the rule that produced it, then (for the committee) accept or dismiss.
 */
export function RecommendationCard({ recommendation, actionLabel, canDecide, showAction = true }: { recommendation: RecommendationView; actionLabel: string; canDecide: boolean; showAction?: boolean }) {
  const rule = RULE_DESCRIPTIONS[recommendation.rule];
  const evidence = recommendation.evidence;
  const headingId = `recommendation-${recommendation.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
        {rule ? <Badge tone={rule.direction === "loosens" ? "brand" : "warning"}>{rule.direction === "loosens" ? "more autonomy" : "less autonomy"}</Badge> : null}
        <span className="font-mono">{recommendation.rule}</span>
        {showAction ? (
          <Link href={`/scorecards/${encodeURIComponent(recommendation.action)}`} className="font-medium text-brand-700 underline underline-offset-2">
            {actionLabel} scorecard
          </Link>
        ) : null}
        <span>
          first raised {formatDateTime(recommendation.createdAt)}
          {evidence?.generatedAt ? `, numbers as of ${formatDateTime(evidence.generatedAt)}` : ""}
        </span>
      </div>
      <h3 id={headingId} className="mt-2 text-base font-semibold text-slate-900">
        {recommendation.title}
      </h3>
      {evidence?.change ? (
        <p className="mt-2 text-sm text-slate-800">
          Proposed change: <span className="font-medium">{evidence.change}</span>
        </p>
      ) : null}
      <div className="mt-3 grid gap-4 lg:grid-cols-[1fr_20rem]">
        <div>
          {evidence && evidence.facts.length > 0 ? (
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" aria-label="Evidence">
              {evidence.facts.map((fact) => (
                <div key={fact.label} className="contents">
                  <dt className="text-slate-600">{fact.label}</dt>
                  <dd className="tabular-nums text-slate-900">{fact.value}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          {rule ? (
            <details className="mt-3 text-sm text-slate-700">
              <summary className="cursor-pointer font-medium text-slate-800">The rule: {rule.name}</summary>
              <p className="mt-1">
                <span className="font-medium">When:</span> {rule.when}
              </p>
              <p className="mt-1">
                <span className="font-medium">Proposes:</span> {rule.proposes}
              </p>
              <p className="mt-1 text-xs text-slate-500">Accepting drafts the change; it is simulated, reviewed by a second person and published like any other.</p>
            </details>
          ) : null}
        </div>
        <div>
          {canDecide ? (
            <RecommendationDecisionForm recommendationId={recommendation.id} fingerprint={evidence?.fingerprint ?? null} />
          ) : (
            <p className="text-sm text-slate-600">The oversight committee (or an administrator) accepts or dismisses recommendations.</p>
          )}
        </div>
      </div>
    </article>
  );
}
