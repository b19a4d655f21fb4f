import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { Badge, TIER_TONES } from "@/components/ui/badge";
import { describeControls } from "@/lib/policy/describe";

export const metadata: Metadata = { title: "Risk tiers" };

export default function RiskTiersPage() {
  return (
    <PolicySectionPage
      section="risk_tiers"
      title="Risk tiers"
      description="Each tier decides the control an action needs before the agent may act: none, a sampled review, step-up verification of the customer, or approval by one or more people."
      isEmpty={(doc) => doc.risk_tiers.length === 0}
      emptyTitle="No risk tiers defined"
      emptyHint="Add tiers from low to critical in the policy document; every action falls back to the critical tier."
    >
      {(doc) => (
        <ul className="grid gap-4 sm:grid-cols-2" aria-label="Risk tiers">
          {doc.risk_tiers.map((tier) => {
            const actions = doc.actions.filter((a) => a.risk.some((b) => b.tier === tier.key)).map((a) => a.label);
            return (
              <li key={tier.key} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <div className="flex items-center justify-between">
                  <h2 className="text-base font-semibold">{tier.label}</h2>
                  <Badge tone={TIER_TONES[tier.key] ?? "neutral"}>{tier.key}</Badge>
                </div>
                <p className="mt-2 text-sm text-slate-700">{describeControls(tier)}</p>
                <p className="mt-2 text-xs text-slate-500">{actions.length ? `Used by: ${actions.join(", ")}` : "No action uses this tier."}</p>
              </li>
            );
          })}
        </ul>
      )}
    </PolicySectionPage>
  );
}
