import type { Db } from "@/lib/db/prisma";
import { readEvidence, type RecommendationEvidence } from "./evidence";
import type { RuleKey } from "./recommendation-rules";

export interface RecommendationView {
  id: string;
  action: string;
  agentId: string | null;
  rule: RuleKey;
  title: string;
  status: "open" | "accepted" | "dismissed";
  reason: string | null;
  evidence: RecommendationEvidence | null;
  draft: { id: string; title: string; status: string } | null;
  /** Null when Mandate retired it (the evidence moved on), or an operator decided it. */
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

const SELECT = {
  id: true,
  action: true,
  agentId: true,
  kind: true,
  title: true,
  status: true,
  reason: true,
  evidence: true,
  createdAt: true,
  decidedAt: true,
  decidedBy: { select: { name: true } },
  draft: { select: { id: true, title: true, status: true } },
} as const;

type Row = { id: string; action: string; agentId: string | null; kind: string; title: string; status: RecommendationView["status"]; reason: string | null; evidence: unknown; createdAt: Date; decidedAt: Date | null; decidedBy: { name: string } | null; draft: { id: string; title: string; status: string } | null };

function toView(row: Row): RecommendationView {
  return {
    id: row.id,
    action: row.action,
    agentId: row.agentId,
    rule: row.kind as RuleKey,
    title: row.title,
    status: row.status,
    reason: row.reason,
    evidence: readEvidence(row.evidence),
    draft: row.draft,
    decidedBy: row.decidedBy?.name ?? null,
    decidedAt: row.decidedAt,
    createdAt: row.createdAt,
  };
}

/** Open recommendations, newest first; for one action when given. */
export async function listOpenRecommendations(db: Db, input: { action?: string } = {}): Promise<RecommendationView[]> {
  const rows = await db.recommendation.findMany({ where: { status: "open", ...(input.action ? { action: input.action } : {}) }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: SELECT });
  return rows.map(toView);
}

/** Recently accepted or dismissed recommendations, for the record under the open ones. */
export async function listDecidedRecommendations(db: Db, input: { action?: string; take?: number } = {}): Promise<RecommendationView[]> {
  const rows = await db.recommendation.findMany({
    where: { status: { in: ["accepted", "dismissed"] }, ...(input.action ? { action: input.action } : {}) },
    orderBy: [{ decidedAt: "desc" }, { id: "asc" }],
    take: input.take ?? 20,
    select: SELECT,
  });
  return rows.map(toView);
}

/** Open recommendations per action, for the scorecards index. */
export async function countOpenRecommendations(db: Db): Promise<Map<string, number>> {
  const groups = await db.recommendation.groupBy({ by: ["action"], where: { status: "open" }, _count: { _all: true } });
  return new Map(groups.map((group) => [group.action, group._count._all]));
}
