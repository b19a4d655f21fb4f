import type pg from "pg";

/**
 * The latest hold, within 24 hours, of this agent for exactly this call (same action digest): how
 * the gateway answers a repeated call instead of opening a new hold each time. Approvals are few
 * beside decisions, so the search starts from them.
 */
export async function findPreviousHold(pool: pg.Pool, agentId: string, actionDigest: string): Promise<{ id: string; status: string; rejectionReason: string | null } | null> {
  const { rows } = await pool.query<{ id: string; status: string; rejection_reason: string | null }>(
    `SELECT d.id, d.status::text AS status,
            (SELECT v.reason FROM approval_votes v WHERE v.approval_id = ap.id AND v.verdict = 'reject' ORDER BY v.created_at DESC LIMIT 1) AS rejection_reason
       FROM approvals ap JOIN decisions d ON d.id = ap.decision_id
      WHERE ap.status IN ('pending', 'approved', 'rejected', 'expired') AND ap.created_at > now() - interval '24 hours'
        AND d.agent_id = $1::uuid AND d.action_digest = $2
      ORDER BY ap.created_at DESC LIMIT 1`,
    [agentId, actionDigest],
  );
  const row = rows[0];
  return row ? { id: row.id, status: row.status, rejectionReason: row.rejection_reason } : null;
}
