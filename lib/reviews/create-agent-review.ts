import type pg from "pg";
import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { auditInsertSelect, buildAuditRow } from "@/lib/audit/record-audit";
import type { ReviewRequestBody } from "@/lib/decisions/schemas";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";

/** An agent flags an edge case for the review inbox (POST /api/v1/reviews). */
export async function createAgentReview(pool: pg.Pool, agent: AgentPrincipal, body: ReviewRequestBody): Promise<{ id: string; status: "open" }> {
  let decision: { action: string; tier: string | null; conversation_id: string | null } | null = null;
  if (body.decision_id) {
    const { rows } = await pool.query<{ agent_id: string; action: string; tier: string | null; conversation_id: string | null }>(
      `SELECT agent_id, action, tier, conversation_id FROM decisions WHERE id = $1`,
      [body.decision_id],
    );
    if (!rows[0] || rows[0].agent_id !== agent.agentId) {
      throw new AppError("unknown_reference", "The review names a decision this agent does not have.", [{ path: "decision_id", message: "Unknown decision" }]);
    }
    decision = rows[0];
  }
  const id = newId("rev");
  const at = new Date();
  const audit = buildAuditRow(
    { type: "agent", id: agent.agentId, label: agent.agentName },
    { action: "review.open", subjectType: "review_case", subjectId: id, data: { reason: body.reason, decision_id: body.decision_id ?? null } },
    at,
  );
  await pool.query(
    `WITH rc AS (
       INSERT INTO review_cases (id, source, reason, detail, decision_id, agent_id, action, tier, conversation_id, labels, created_at, updated_at)
       VALUES ($1, 'agent', $2, $3, $4, $5::uuid, $6, $7, $8, '{}', $9, $9)
     )
     ${auditInsertSelect("$10::jsonb", "(SELECT 1) AS one", "1")}`,
    [
      id,
      body.reason,
      body.note ?? null,
      body.decision_id ?? null,
      agent.agentId,
      decision?.action ?? null,
      decision?.tier ?? null,
      body.conversation_id ?? decision?.conversation_id ?? null,
      at,
      JSON.stringify(audit),
    ],
  );
  return { id, status: "open" };
}
