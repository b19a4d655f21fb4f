import { Badge, TIER_TONES, type BadgeTone } from "@/components/ui/badge";
import type { Decision } from "@/lib/engine";

const DECISION_TONES: Record<Decision, BadgeTone> = { allow: "success", deny: "danger", hold: "warning", step_up: "info", escalate: "brand" };

export const DECISION_LABELS: Record<Decision, string> = { allow: "allow", hold: "hold", step_up: "step-up", escalate: "escalate", deny: "deny" };

/** A decision kind and its tier, side by side. */
export function OutcomeBadges({ decision, tier }: { decision: Decision; tier: string | null }) {
  return (
    <span className="inline-flex items-center gap-1">
      <Badge tone={DECISION_TONES[decision]}>{DECISION_LABELS[decision]}</Badge>
      {tier ? <Badge tone={TIER_TONES[tier] ?? "neutral"}>{tier}</Badge> : null}
    </span>
  );
}
