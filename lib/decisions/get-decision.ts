import type pg from "pg";
import { AppError } from "@/lib/errors";
import { normalizeAmount, parseAmount } from "@/lib/engine";
import { withGrant, type GrantedDecision } from "@/lib/grants/decision-grants";
import { grantFor, type GrantBasis } from "@/lib/grants/make-grant";
import { withExecutionPause, type StopInForce } from "@/lib/stop-switches/stop-covering";
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
  customer_id: string | null;
  amount: string | null;
  currency: string | null;
  tool: string | null;
}

const SELECT = `
  SELECT d.id, d.agent_id, d.decision, d.status, d.action, d.authority, d.tier, d.owner, d.reasons, d.policy_version,
         d.action_digest, d.created_at, d.customer_id, d.amount::text AS amount, d.currency, d.request->'mcp'->>'tool' AS tool, ap.required, ap.roles::text AS roles, ap.expires_at, ap.decided_at,
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
  return rowToResponse(await readRow(db, agentId, id));
}

async function readRow(db: pg.Pool | pg.PoolClient, agentId: string, id: string): Promise<DecisionRow> {
  const { rows } = await db.query<DecisionRow>(SELECT, [id]);
  const row = rows[0];
  if (!row || row.agent_id !== agentId) throw new AppError("not_found", `No decision ${id} for this agent.`);
  return row;
}

/** What a grant for this decision is made from (lib/grants/make-grant.ts). */
function grantBasis(row: DecisionRow, agentName: string): GrantBasis {
  const amount = row.amount === null ? null : parseAmount(row.amount);
  return {
    id: row.id,
    agentName,
    action: row.action,
    status: row.status,
    actionDigest: row.action_digest,
    customerId: row.customer_id,
    amount: amount?.ok ? normalizeAmount(amount.value) : null,
    currency: row.currency,
    policyVersion: row.policy_version,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    tool: row.tool,
  };
}

/**
 * GET /api/v1/decisions/{id}: the decision as it stands now, with a fresh grant while it may be
 * executed; while a stop switch covers an allowed or approved decision not yet executed, a
 * `paused` reason first and no grant (read-time only: the stored status is untouched). Stops
 * come from the runtime's in-memory snapshot, not a query.
 */
export async function readDecisionForAgent(
  service: { pool: pg.Pool; runtime: PolicyRuntime },
  agent: { agentId: string; agentName: string },
  id: string,
): Promise<GrantedDecision> {
  const [row, stops] = await Promise.all([readRow(service.pool, agent.agentId, id), service.runtime.stopsInForce()]);
  return withGrant(withExecutionPause(rowToResponse(row), stops, agent.agentName), grantBasis(row, agent.agentName), stops);
}

/** The grant a decision carries right now (webhook deliveries), or null. */
export async function currentGrant(db: { $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> }, id: string, agentName: string, stops: readonly StopInForce[]): Promise<string | null> {
  const rows = await db.$queryRawUnsafe<DecisionRow[]>(SELECT, id);
  return rows[0] ? grantFor(grantBasis(rows[0], agentName), stops) : null;
}
