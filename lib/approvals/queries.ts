import type { Db } from "@/lib/db/prisma";
import type { DecisionResponse } from "@/lib/decisions/schemas";
import { compilePolicy, type CompiledPolicy, type DecisionRequest } from "@/lib/engine";
import type { Role } from "@/lib/policy/roles";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { voterStanding } from "./approval-roles";
import { explainHold, type HoldExplanation } from "./explain-hold";

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

/**
 * The policy version that decided, compiled, and what it held the request for in words; null
 * when that version is gone or no longer compiles (the page then shows the engine's reasons).
 */
export async function getHoldExplanation(
  db: Db,
  decision: { policyVersion: number | null; request: Record<string, unknown>; tier: string | null; reasons: DecisionResponse["reasons"] },
  approval: { required: number; roles: readonly string[] },
): Promise<{ policy: CompiledPolicy; explanation: HoldExplanation } | null> {
  if (decision.policyVersion === null) return null;
  const row = await db.policyVersion.findUnique({ where: { version: decision.policyVersion }, select: { document: true } });
  const validated = row ? validatePolicyDocument(row.document) : null;
  if (!validated?.ok) return null;
  const policy = compilePolicy(validated.document, decision.policyVersion);
  // The request was validated when it was decided; the engine reads it defensively anyway.
  const request = decision.request as unknown as DecisionRequest;
  return { policy, explanation: explainHold(policy, request, { tier: decision.tier, reasons: decision.reasons, approval }) };
}

/**
 * The next pending approval, in queue order (highest tier, then oldest), that this person may
 * approve: not this one, not one they already voted on, not one whose remaining approval must
 * come from a role they lack.
 */
export async function getNextApprovalFor(db: Db, actor: { id: string; roles: readonly Role[] }, currentId: string, tierOrder: readonly string[]): Promise<string | null> {
  const rows = await db.$queryRaw<{ id: string; required: number; roles: Role[]; votes: { userId: string; role: Role; verdict: string; reason: string; createdAt: string }[] }[]>`
    SELECT a.id, a.required, a.roles::text[] AS roles,
           coalesce((SELECT json_agg(json_build_object('userId', v.user_id, 'role', v.role, 'verdict', v.verdict, 'reason', v.reason, 'createdAt', v.created_at))
                       FROM approval_votes v WHERE v.approval_id = a.id), '[]'::json) AS votes
      FROM approvals a JOIN decisions d ON d.id = a.decision_id
     WHERE a.status = 'pending' AND a.expires_at > now() AND a.id <> ${currentId}::uuid
       AND a.roles::text[] && ${[...actor.roles]}::text[]
       AND NOT EXISTS (SELECT 1 FROM approval_votes mine WHERE mine.approval_id = a.id AND mine.user_id = ${actor.id}::uuid)
     ORDER BY coalesce(array_position(${[...tierOrder]}::text[], d.tier), 0) DESC, a.created_at ASC
     LIMIT 50`;
  const next = rows.find((row) => voterStanding(row, row.votes.map((vote) => ({ ...vote, createdAt: new Date(vote.createdAt) })), actor).kind === "may_decide");
  return next?.id ?? null;
}
