import type pg from "pg";
import { AppError } from "@/lib/errors";
import { withExecutionPause } from "@/lib/stop-switches/stop-covering";
import type { PolicyRuntime } from "./policy-runtime";
import type { DecisionResponse } from "./schemas";

interface DecisionRow {
  id: string;
  agent_id: string;
  decision: DecisionResponse["decision"];
  status: DecisionResponse["status"];
  action: string;
  authority: DecisionResponse["authority"];
  tier: string | null;
  owner: string | null;
  reasons: DecisionResponse["reasons"];
  policy_version: number | null;
  action_digest: string;
  created_at: Date;
  required: number | null;
  roles: string | null;
  expires_at: Date | null;
  decided_at: Date | null;
  approvals: number | null;
  decided_by: string[] | null;
}

const SELECT = `
  SELECT d.id, d.agent_id, d.decision, d.status, d.action, d.authority, d.tier, d.owner, d.reasons, d.policy_version,
         d.action_digest, d.created_at, ap.required, ap.roles::text AS roles, ap.expires_at, ap.decided_at,
         (SELECT count(*)::int FROM approval_votes v WHERE v.approval_id = ap.id AND v.verdict = 'approve') AS approvals,
         (SELECT array_agg(v.role::text ORDER BY v.created_at) FROM approval_votes v WHERE v.approval_id = ap.id) AS decided_by
    FROM decisions d LEFT JOIN approvals ap ON ap.decision_id = d.id
   WHERE d.id = $1`;

function parseRoles(text: string | null): string[] {
  return text ? text.replace(/^\{|\}$/g, "").split(",").filter(Boolean) : [];
}

export function rowToResponse(row: DecisionRow): DecisionResponse {
  return {
    id: row.id,
    decision: row.decision,
    status: row.status,
    action: row.action,
    authority: row.authority,
    tier: row.tier,
    owner: row.owner,
    reasons: row.reasons,
    approval:
      row.required !== null
        ? {
            required: row.required,
            roles: parseRoles(row.roles),
            expires_at: row.expires_at!.toISOString(),
            approvals: row.approvals ?? 0,
            decided_by: row.decided_by ?? [],
            decided_at: row.decided_at ? row.decided_at.toISOString() : null,
          }
        : null,
    policy_version: row.policy_version,
    action_digest: row.action_digest,
    created_at: row.created_at.toISOString(),
  };
}

/** The decision's API shape, read inside a Prisma transaction (webhook payloads, console). */
export async function loadDecisionResponse(tx: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }, id: string): Promise<DecisionResponse | null> {
  const rows = await tx.$queryRawUnsafe<DecisionRow[]>(SELECT, id);
  return rows[0] ? rowToResponse(rows[0]) : null;
}

/** The decision as it stands now; another agent's decision is reported as not found. */
export async function getDecisionForAgent(db: pg.Pool | pg.PoolClient, agentId: string, id: string): Promise<DecisionResponse> {
  const { rows } = await db.query<DecisionRow>(SELECT, [id]);
  const row = rows[0];
  if (!row || row.agent_id !== agentId) throw new AppError("not_found", `No decision ${id} for this agent.`);
  return rowToResponse(row);
}

/**
 * GET /api/v1/decisions/{id}: the decision as it stands now and, while a stop switch covers an
 * allowed or approved decision not yet executed, a `paused` reason first (read-time only: the
 * stored status is untouched). Stops come from the runtime's in-memory snapshot, not a query.
 */
export async function readDecisionForAgent(
  service: { pool: pg.Pool; runtime: PolicyRuntime },
  agent: { agentId: string; agentName: string },
  id: string,
): Promise<DecisionResponse> {
  const [decision, stops] = await Promise.all([getDecisionForAgent(service.pool, agent.agentId, id), service.runtime.stopsInForce()]);
  return withExecutionPause(decision, stops, agent.agentName);
}
