import type pg from "pg";
import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { auditInsertSelect, buildAuditRow, writeAudit, type AuditEvent } from "@/lib/audit/record-audit";
import { canonicalJson } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { describeStopTarget, getExecutionPause, STOPS_IN_FORCE_SQL, type StopInForce } from "@/lib/stop-switches/stop-covering";
import { getDecisionForAgent } from "./get-decision";
import type { DecisionResponse, OutcomeRequestBody } from "./schemas";

const EXECUTABLE = new Set(["allowed", "approved"]);

async function audit(client: pg.PoolClient, agent: AgentPrincipal, event: AuditEvent): Promise<void> {
  await writeAudit(client, { type: "agent", id: agent.agentId, label: agent.agentName }, event);
}

async function openReviewCase(client: pg.PoolClient, decision: { id: string; agentId: string; action: string; tier: string | null }, source: string, reason: string): Promise<string> {
  const id = newId("rev");
  await client.query(
    `INSERT INTO review_cases (id, source, reason, decision_id, agent_id, action, tier, labels, created_at, updated_at)
     VALUES ($1, $2::"ReviewSource", $3, $4, $5::uuid, $6, $7, '{}', now(), now())`,
    [id, source, reason, decision.id, decision.agentId, decision.action, decision.tier],
  );
  return id;
}

/**
 * Records what the agent did with a decision. `executed` and `failed` only for an allowed or
 * approved decision, once; `reverted` only after `executed`. A refused `executed` report is itself
 * audited and opened as a review case, committed even though the request fails. An `executed`
 * report while a stop switch covers the decision is recorded all the same (the action happened:
 * refusing the report would only lose the evidence) and opens a review case naming the stop.
 * `failed` during a stop is recorded as any failure: nothing happened, and it opens its own case.
 */
export async function reportOutcome(
  pool: pg.Pool,
  agent: AgentPrincipal,
  decisionId: string,
  body: OutcomeRequestBody,
): Promise<{ status: 200 | 201; body: DecisionResponse }> {
  const client = await pool.connect();
  let refusal: AppError | null = null;
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: string; agent_id: string; status: string; action: string; tier: string | null; action_digest: string }>(
      `SELECT id, agent_id, status, action, tier, action_digest FROM decisions WHERE id = $1 FOR UPDATE`,
      [decisionId],
    );
    const decision = rows[0];
    if (!decision || decision.agent_id !== agent.agentId) throw new AppError("not_found", `No decision ${decisionId} for this agent.`);
    const ref = { id: decision.id, agentId: decision.agent_id, action: decision.action, tier: decision.tier };

    const previous = await client.query<{ status: string; action_digest: string | null; external_ref: string | null; detail: unknown }>(
      `SELECT status, action_digest, external_ref, detail FROM outcomes WHERE decision_id = $1`,
      [decision.id],
    );
    const same = previous.rows.find((o) => o.status === body.status);
    if (same) {
      const identical =
        (same.action_digest ?? null) === (body.action_digest ?? null) &&
        (same.external_ref ?? null) === (body.external_ref ?? null) &&
        canonicalJson(same.detail ?? null) === canonicalJson(body.detail ?? null);
      if (!identical) throw new AppError("conflict", `Outcome ${body.status} was already reported for this decision with different details.`);
      await client.query("COMMIT");
      return { status: 200, body: await getDecisionForAgent(client, agent.agentId, decision.id) };
    }

    if (body.status === "executed" && body.action_digest !== decision.action_digest) {
      refusal = new AppError("action_mismatch", "The action_digest does not match the decision: execute exactly what was allowed or approved.");
      await audit(client, agent, { action: "outcome.refused", subjectType: "decision", subjectId: decision.id, data: { reason: "action_mismatch", reported: body.action_digest ?? null } });
      await openReviewCase(client, ref, "action_mismatch", "The agent reported executing something other than what was decided");
    } else if (body.status === "reverted" ? decision.status !== "executed" : !EXECUTABLE.has(decision.status)) {
      const why = body.status === "reverted" ? "only an executed decision can be reverted" : `the decision is ${decision.status.replaceAll("_", " ")}`;
      refusal = new AppError("not_executable", `Cannot report ${body.status}: ${why}.`);
      if (body.status === "executed") {
        await audit(client, agent, { action: "outcome.refused", subjectType: "decision", subjectId: decision.id, data: { reason: "not_executable", status: decision.status } });
        await openReviewCase(client, ref, "execution_refused", `The agent reported executing a decision that was ${decision.status.replaceAll("_", " ")}`);
      }
    }
    if (refusal) {
      await client.query("COMMIT");
      throw refusal;
    }

    // Read in this transaction, not from a cache: the review case is evidence of what was in force.
    let stop: StopInForce | null = null;
    if (body.status === "executed") {
      const stops = (await client.query<StopInForce>(STOPS_IN_FORCE_SQL)).rows;
      stop = getExecutionPause(stops, { agentName: agent.agentName, action: decision.action, status: decision.status });
    }
    const pausedCase = stop
      ? await openReviewCase(client, ref, "executed_while_paused", `The agent reported executing while ${describeStopTarget(stop)} was paused by a stop switch (${stop.createdBy}, since ${stop.createdAt.toISOString()}): ${stop.reason}`)
      : null;

    await client.query(
      `INSERT INTO outcomes (id, decision_id, status, action_digest, external_ref, detail, created_at) VALUES (gen_random_uuid(), $1, $2::"OutcomeStatus", $3, $4, $5::jsonb, now())`,
      [decision.id, body.status, body.action_digest ?? null, body.external_ref ?? null, body.detail ? JSON.stringify(body.detail) : null],
    );
    await client.query(`UPDATE decisions SET status = $2::"DecisionStatus", updated_at = now() WHERE id = $1`, [decision.id, body.status]);
    await audit(client, agent, {
      action: `outcome.${body.status}`,
      subjectType: "decision",
      subjectId: decision.id,
      data: {
        external_ref: body.external_ref ?? null,
        detail: body.detail ?? null,
        ...(stop ? { during_stop: { stop_id: stop.id, scope: stop.scope, target: stop.target, reason: stop.reason }, review_case_id: pausedCase } : {}),
      },
    });
    if (body.status !== "executed") {
      await openReviewCase(client, ref, body.status === "failed" ? "outcome_failed" : "outcome_reverted", `The agent reported the action ${body.status}`);
    }
    await client.query("COMMIT");
    // Read back on this connection: it is still checked out until `finally`, and asking the pool for
    // a second one here deadlocks once every connection is held by a call doing the same.
    return { status: 201, body: await getDecisionForAgent(client, agent.agentId, decision.id) };
  } catch (error) {
    if (error !== refusal) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// The common case of an enforcement point's report in one statement: the decision is still
// executable, this exact action was carried out, nothing was reported for it yet, and no stop
// switch is in force anywhere (with one, the full path decides whether it covers the decision).
const EXECUTED_AT_ONCE_SQL = `WITH d AS (
    UPDATE decisions SET status = 'executed', updated_at = now()
     WHERE id = $1 AND agent_id = $2::uuid AND status IN ('allowed', 'approved') AND action_digest = $3
       AND NOT EXISTS (SELECT 1 FROM outcomes WHERE decision_id = $1)
       AND NOT EXISTS (SELECT 1 FROM stop_switches WHERE lifted_at IS NULL)
     RETURNING id),
  o AS (INSERT INTO outcomes (id, decision_id, status, action_digest, external_ref, detail, created_at)
        SELECT gen_random_uuid(), d.id, 'executed', $3, NULL, $4::jsonb, now() FROM d),
  a AS (${auditInsertSelect("$5::jsonb", "d", "d.id")})
SELECT count(*)::int AS n FROM d`;

/**
 * `executed`, reported by an enforcement point that has just carried the action out (the MCP
 * gateway, after the upstream answered): the same record, audit entry and checks as reportOutcome,
 * in one round trip when nothing is unusual, and through reportOutcome otherwise (a stop in force,
 * a decision no longer executable, an outcome already reported), which then decides and explains.
 */
export async function recordExecutedOutcome(pool: pg.Pool, agent: AgentPrincipal, decisionId: string, actionDigest: string, detail: Record<string, string | number | boolean | null>): Promise<void> {
  const entry = buildAuditRow({ type: "agent", id: agent.agentId, label: agent.agentName }, { action: "outcome.executed", subjectType: "decision", subjectId: decisionId, data: { external_ref: null, detail } }, new Date());
  const { rows } = await pool.query<{ n: number }>(EXECUTED_AT_ONCE_SQL, [decisionId, agent.agentId, actionDigest, JSON.stringify(detail), JSON.stringify(entry)]);
  if (rows[0]?.n === 1) return;
  await reportOutcome(pool, agent, decisionId, { status: "executed", action_digest: actionDigest, detail });
}

/**
 * An enforcement point (the MCP gateway) forwarded an allowed or approved action and could not
 * learn whether it happened (the upstream timed out or the connection broke mid-call): the
 * decision becomes `outcome_unknown`, audited, and a review case asks someone to find out. No new
 * grant is made for it, so the same call is not carried out twice unnoticed.
 */
export async function recordUnknownOutcome(pool: pg.Pool, agent: AgentPrincipal, decisionId: string, why: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: string; agent_id: string; status: string; action: string; tier: string | null }>(
      `SELECT id, agent_id, status, action, tier FROM decisions WHERE id = $1 FOR UPDATE`,
      [decisionId],
    );
    const decision = rows[0];
    if (!decision || decision.agent_id !== agent.agentId) throw new AppError("not_found", `No decision ${decisionId} for this agent.`);
    if (!EXECUTABLE.has(decision.status)) {
      await client.query("ROLLBACK");
      return;
    }
    await client.query(`UPDATE decisions SET status = 'outcome_unknown', updated_at = now() WHERE id = $1`, [decision.id]);
    const caseId = await openReviewCase(client, { id: decision.id, agentId: decision.agent_id, action: decision.action, tier: decision.tier }, "outcome_unknown", `Forwarded to the system of record, which did not say whether it acted: ${why}`);
    await audit(client, agent, { action: "outcome.unknown", subjectType: "decision", subjectId: decision.id, data: { reason: why, review_case_id: caseId } });
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
