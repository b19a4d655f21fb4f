import { Badge } from "@/components/ui/badge";
import type { PolicyDiff } from "@/lib/policy/diff-policy";

const SEVERITY = { loosens: { tone: "warning", label: "more autonomy" }, tightens: { tone: "info", label: "more control" }, neutral: { tone: "neutral", label: "wording" } } as const;

/** A policy change in sentences, section by section. */
export function PolicyDiffView({ diff }: { diff: PolicyDiff }) {
  if (diff.empty) return <p className="text-sm text-slate-600">No changes yet: this draft is the same as the policy in force.</p>;
  return (
    <div className="space-y-4" data-testid="policy-diff">
      {diff.sections.map((section) => (
        <section key={section.section} aria-label={`Changes to ${section.label}`}>
          <h3 className="text-sm font-semibold text-slate-800">{section.label}</h3>
          <ul className="mt-1 space-y-1">
            {section.changes.map((change, i) => (
              <li key={i} className="flex items-start gap-2 text-sm">
                <Badge tone={SEVERITY[change.severity].tone}>{SEVERITY[change.severity].label}</Badge>
                <span>{change.text}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
