import type { Metadata } from "next";
import Link from "next/link";
import { DecidedRecommendations } from "@/components/autonomy/decided-recommendations";
import { RecommendationCard } from "@/components/autonomy/recommendation-card";
import { GenerateRecommendationsButton } from "@/components/autonomy/recommendation-forms";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { canDecideRecommendations } from "@/lib/autonomy/authorize-committee";
import { listDecidedRecommendations, listOpenRecommendations } from "@/lib/autonomy/queries";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Recommendations" };

export default async function RecommendationsPage() {
  const actor = await requirePermission("dashboards:read");
  const db = getPrisma();
  const [open, decided, policy] = await Promise.all([listOpenRecommendations(db), listDecidedRecommendations(db), getCurrentPolicy(db)]);
  const labels = new Map((policy?.document.actions ?? []).map((a) => [a.key, a.label]));
  const canDecide = canDecideRecommendations(actor.roles);
  return (
    <>
      <PageHeader
        title="Recommendations"
        description="Changes of authority the evidence supports, from documented rules over each action's scorecard. Accepting one drafts the change, which is simulated, reviewed by a second person and published like any other."
        actions={canDecide ? <GenerateRecommendationsButton /> : undefined}
      />
      <section aria-labelledby="open-recommendations" className="space-y-4">
        <h2 id="open-recommendations" className="text-base font-semibold">
          Open ({open.length})
        </h2>
        {open.length === 0 ? (
          <EmptyState title="Nothing to decide">
            The rules run every 10 minutes over the last 60 days. See the <Link href="/scorecards" className="underline">scorecards</Link> for the numbers behind them.
          </EmptyState>
        ) : (
          open.map((r) => <RecommendationCard key={r.id} recommendation={r} actionLabel={labels.get(r.action) ?? r.action} canDecide={canDecide} />)
        )}
      </section>
      {decided.length > 0 ? (
        <section aria-labelledby="decided-recommendations" className="mt-8 space-y-3">
          <h2 id="decided-recommendations" className="text-base font-semibold">
            Recently decided
          </h2>
          <DecidedRecommendations recommendations={decided} />
        </section>
      ) : null}
    </>
  );
}
