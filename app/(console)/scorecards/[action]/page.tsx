import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ScorecardView } from "@/components/autonomy/scorecard-view";
import { WindowTabs } from "@/components/autonomy/window-tabs";
import { AUTHORITY_TONES, Badge, TIER_TONES } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { canDecideRecommendations } from "@/lib/autonomy/authorize-committee";
import { listOpenRecommendations } from "@/lib/autonomy/queries";
import { readAgentParam, readWindowDays } from "@/lib/autonomy/scorecard-params";
import { getScorecard, SCORECARD_WINDOWS } from "@/lib/autonomy/scorecards";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { describeCondition, describeLimit } from "@/lib/policy/describe";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { decodePathSegment } from "@/lib/validation";

export const metadata: Metadata = { title: "Scorecard" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ScorecardPage({ params, searchParams }: { params: Promise<{ action: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePermission("dashboards:read");
  const key = decodePathSegment((await params).action);
  if (key === null) notFound();
  const raw = await searchParams;
  const windowDays = readWindowDays(raw);
  const agentParam = readAgentParam(raw);
  const db = getPrisma();
  const policy = await getCurrentPolicy(db);
  const action = policy?.document.actions.find((a) => a.key === key);
  if (!policy || !action) notFound();
  const agents = await db.agent.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  const agent = agentParam ? agents.find((a) => a.name === agentParam || (UUID.test(agentParam) && a.id === agentParam)) : undefined;
  if (agentParam && !agent) notFound();

  const [scorecard, recommendations] = await Promise.all([
    getScorecard(db, { action: key, agentId: agent?.id ?? null, windowDays, policy: policy.document }),
    listOpenRecommendations(db, { action: key }),
  ]);
  const basePath = `/scorecards/${encodeURIComponent(key)}`;
  const agentHref = (id: string) => `${basePath}?window=${windowDays}&agent=${encodeURIComponent(agents.find((a) => a.id === id)?.name ?? id)}`;

  return (
    <>
      <PageHeader
        title={agent ? `${action.label}: ${agent.name}` : action.label}
        description={
          <>
            <span className="font-mono">{action.key}</span> over the last {windowDays} days{agent ? `, decisions of ${agent.name} only` : ", every agent"}. <Link href="/scorecards" className="underline">All scorecards</Link>
          </>
        }
        actions={<Badge tone={AUTHORITY_TONES[action.authority]}>{action.authority}</Badge>}
      />
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <WindowTabs basePath={basePath} params={{ agent: agent?.name }} current={windowDays} windows={SCORECARD_WINDOWS} />
        <form action={basePath} aria-label="Agent" className="flex items-end gap-2">
          <input type="hidden" name="window" value={windowDays} />
          <label className="text-sm text-slate-700">
            <span className="block font-medium">Agent</span>
            <select name="agent" defaultValue={agent?.name ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm">
              <option value="">Every agent</option>
              {agents.map((a) => (
                <option key={a.id} value={a.name}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50">
            Show
          </button>
        </form>
      </div>
      <p className="mb-4 text-sm text-slate-700" aria-label="Risk bands in force">
        In force (v{policy.version}):{" "}
        {action.risk.map((band, i) => (
          <span key={i} className="mr-2 whitespace-nowrap">
            {band.if ? describeCondition(band.if) : "otherwise"} → <Badge tone={TIER_TONES[band.tier] ?? "neutral"}>{band.tier}</Badge>
          </span>
        ))}
      </p>
      <ScorecardView
        scorecard={scorecard}
        actionLabel={action.label}
        currency={policy.document.currency}
        recommendations={agent ? [] : recommendations}
        canDecide={canDecideRecommendations(actor.roles)}
        agentHref={agentHref}
        limitLabels={action.limits.map((limit) => describeLimit(limit, policy.document.currency))}
      />
    </>
  );
}
