import type { Metadata } from "next";
import Link from "next/link";
import { formatCount, formatPercent } from "@/components/charts/format";
import { WindowTabs } from "@/components/autonomy/window-tabs";
import { AUTHORITY_TONES, Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { countOpenRecommendations } from "@/lib/autonomy/queries";
import { readWindowDays } from "@/lib/autonomy/scorecard-params";
import { listScorecardSummaries, SCORECARD_WINDOWS } from "@/lib/autonomy/scorecards";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getCurrentPolicy } from "@/lib/policy/queries";

export const metadata: Metadata = { title: "Scorecards" };

export default async function ScorecardsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("dashboards:read");
  const windowDays = readWindowDays(await searchParams);
  const db = getPrisma();
  const [summaries, open, policy] = await Promise.all([listScorecardSummaries(db, { windowDays }), countOpenRecommendations(db), getCurrentPolicy(db)]);
  const byAction = new Map(summaries.map((s) => [s.action, s]));
  const actions = policy?.document.actions ?? [];
  const openTotal = [...open.values()].reduce((sum, n) => sum + n, 0);
  return (
    <>
      <PageHeader
        title="Scorecards"
        description={`Each action's record over the last ${windowDays} days: how much was held for a person, how often people approved it and how fast, what was reverted or failed. Authority is earned from these numbers.`}
        actions={
          <Link href="/recommendations" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50">
            Recommendations ({openTotal} open)
          </Link>
        }
      />
      <WindowTabs basePath="/scorecards" params={{}} current={windowDays} windows={SCORECARD_WINDOWS} />
      <SimpleTable
        label="Actions"
        headers={["Action", "Authority", "Decisions", "Held", "Approved", "Reversed", "Failed", "Limit breaches", "Open"]}
        rows={actions.map((action) => {
          const s = byAction.get(action.key);
          const count = open.get(action.key) ?? 0;
          return {
            key: action.key,
            cells: [
              <Link key="a" href={`/scorecards/${encodeURIComponent(action.key)}?window=${windowDays}`} className="font-medium text-brand-700 underline underline-offset-2">
                <span className="whitespace-nowrap">{action.label}</span>
                <span className="block font-mono text-xs text-slate-500">{action.key}</span>
              </Link>,
              <Badge key="auth" tone={AUTHORITY_TONES[action.authority]}>
                {action.authority}
              </Badge>,
              formatCount(s?.volume ?? 0),
              s ? `${formatPercent(s.heldShare)} (${formatCount(s.held)})` : "—",
              formatPercent(s?.approvalRate ?? null),
              formatPercent(s?.reversalRate ?? null),
              formatCount(s?.failed ?? 0),
              formatCount(s?.limitBreaches ?? 0),
              count > 0 ? (
                <Badge key="open" tone="brand">
                  {count} open
                </Badge>
              ) : (
                "—"
              ),
            ],
          };
        })}
      />
      <p className="mt-3 text-xs text-slate-500">
        Approved: approved ÷ (approved + rejected) of holds decided in the window; expired holds are counted apart. Reversal rate: reverted ÷ executed. Counts come from the hourly rollups and trail live traffic by a few seconds.
      </p>
    </>
  );
}
