import type { Db } from "@/lib/db/prisma";
import type { DecisionResponse } from "@/lib/decisions/schemas";

export interface QueueFilters {
  action?: string;
  tier?: string;
  agent?: string;
  owner?: string;
}

export interface QueueItem {
  id: string;
  decisionId: string;
  action: string;
  tier: string | null;
  owner: string | null;
  agent: string;
  amount: string | null;
  currency: string | null;
  customerId: string | null;
  intent: string | null;
  summary: string | null;
  confidence: number | null;
  reasons: DecisionResponse["reasons"];
  required: number;
  approvals: number;
  roles: string[];
  approvedBy: string[];
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Pending held decisions: highest tier first (by the tiers' order in the policy in force), then
 * oldest. Expired ones are left out even before the sweeper marks them.
 */
export async function listApprovalQueue(db: Db, filters: QueueFilters, tierOrder: readonly string[]): Promise<QueueItem[]> {
  const rows = await db.$queryRaw<
    { id: string; decision_id: string; action: string; tier: string | null; owner: string | null; agent: string; amount: string | null; currency: string | null; customer_id: string | null; intent: string | null; summary: string | null; confidence: number | null; reasons: DecisionResponse["reasons"]; required: number; roles: string[]; approved_by: string[] | null; created_at: Date; expires_at: Date }[]
  >`
    SELECT a.id, d.id AS decision_id, d.action, d.tier, d.owner, g.name AS agent, d.amount::text AS amount, d.currency, d.customer_id, d.intent,
           d.request->'context'->>'summary' AS summary, d.confidence, d.reasons, a.required, a.roles::text[] AS roles,
           (SELECT array_agg(u.name ORDER BY v.created_at) FROM approval_votes v JOIN users u ON u.id = v.user_id WHERE v.approval_id = a.id AND v.verdict = 'approve') AS approved_by,
           a.created_at, a.expires_at
      FROM approvals a JOIN decisions d ON d.id = a.decision_id JOIN agents g ON g.id = d.agent_id
     WHERE a.status = 'pending' AND a.expires_at > now()
       AND (${filters.action ?? null}::text IS NULL OR d.action = ${filters.action ?? null})
       AND (${filters.tier ?? null}::text IS NULL OR d.tier = ${filters.tier ?? null})
       AND (${filters.agent ?? null}::text IS NULL OR g.name = ${filters.agent ?? null})
       AND (${filters.owner ?? null}::text IS NULL OR d.owner = ${filters.owner ?? null})
     ORDER BY coalesce(array_position(${[...tierOrder]}::text[], d.tier), 0) DESC, a.created_at ASC
     LIMIT 500`;
  return rows.map((r) => ({
    id: r.id,
    decisionId: r.decision_id,
    action: r.action,
    tier: r.tier,
    owner: r.owner,
    agent: r.agent,
    amount: r.amount,
    currency: r.currency,
    customerId: r.customer_id,
    intent: r.intent,
    summary: r.summary,
    confidence: r.confidence,
    reasons: r.reasons,
    required: r.required,
    approvals: r.approved_by?.length ?? 0,
    roles: r.roles,
    approvedBy: r.approved_by ?? [],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  }));
}

export async function getApprovalDetail(db: Db, id: string) {
  const approval = await db.approval.findUnique({
    where: { id },
    select: {
      id: true,
      status: true,
      required: true,
      roles: true,
      expiresAt: true,
      createdAt: true,
      decidedAt: true,
      votes: { orderBy: { createdAt: "asc" }, select: { verdict: true, role: true, reason: true, createdAt: true, userId: true, user: { select: { name: true } } } },
      decision: {
        select: {
          id: true, action: true, intent: true, tier: true, owner: true, amount: true, currency: true, customerId: true, channel: true, confidence: true,
          conversationId: true, request: true, reasons: true, status: true, createdAt: true, policyVersion: true, actionDigest: true, agent: { select: { name: true } },
        },
      },
    },
  });
  if (!approval) return null;
  const history = approval.decision.customerId
    ? await db.decision.findMany({
        where: { customerId: approval.decision.customerId, id: { not: approval.decision.id } },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { id: true, action: true, decision: true, status: true, amount: true, currency: true, createdAt: true },
      })
    : [];
  return {
    ...approval,
    decision: { ...approval.decision, amount: approval.decision.amount?.toString() ?? null, reasons: approval.decision.reasons as DecisionResponse["reasons"], request: approval.decision.request as Record<string, unknown> },
    history: history.map((h) => ({ ...h, amount: h.amount?.toString() ?? null })),
  };
}
