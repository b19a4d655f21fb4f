import { createHash } from "node:crypto";
import type pg from "pg";
import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { buildAuditContent, hashAuditContent } from "@/lib/audit/record-audit";
import {
  actionDigest,
  canonicalJson,
  Decimal,
  evaluate,
  findUnknownDataSources,
  normalizeAmount,
  parseAmount,
  preEvaluate,
  type DecisionRequest,
  type DecisionResult,
  type LimitCheck,
  type LimitUsage,
} from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { drawFromId, newId } from "@/lib/ids";
import type { ShadowObservation, ShadowSink } from "@/lib/simulation/shadow";
import { findStop, type PolicyRuntime } from "./policy-runtime";
import { ScopeMutex } from "./scope-mutex";
import type { DecisionRequestBody, DecisionResponse } from "./schemas";

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export interface DecisionService {
  pool: pg.Pool;
  runtime: PolicyRuntime;
  /** Drafts in shadow mode see every committed decision; observe() only queues it. */
  shadow?: ShadowSink;
}

export interface CreatedDecision {
  status: 200 | 201;
  body: DecisionResponse;
}

const NO_POLICY_REASON = { code: "no_policy", message: "No policy is published yet: every action is denied until one is.", rule: "policy" };

/**
 * The decision endpoint's work: evaluate the request against the policy in force and commit the
 * decision, its audit entry, its approval or review case and its idempotency record in one
 * transaction, before the agent hears anything (a crash after the response loses nothing).
 * Limits are counted under a per-scope advisory lock, so concurrent requests cannot all slip
 * under the same limit.
 */
export async function createDecision(
  service: DecisionService,
  agent: AgentPrincipal,
  body: DecisionRequestBody,
  idempotencyKey: string | null,
): Promise<CreatedDecision> {
  const snapshot = service.runtime.snapshot();
  if (!snapshot) throw new AppError("unavailable", "Mandate cannot load its policy right now. Do not act; retry shortly.");
  const request = body as DecisionRequest;
  const policy = snapshot.policy;

  if (policy) {
    const unknown = findUnknownDataSources(policy, request);
    if (unknown.length) throw new AppError("unknown_reference", "The request names a data source the policy does not define.", unknown);
  }

  const id = newId("dec");
  const createdAt = new Date();
  const paused = findStop(snapshot.stops, agent.agentName, body.action);
  const base = { paused, sampleDraw: drawFromId(id), agentName: agent.agentName };
  const pre = policy ? preEvaluate(policy, request, base) : null;
  if (pre?.status === "invalid") throw new AppError("validation_failed", pre.error.message, [{ path: pre.error.path, message: pre.error.message }]);

  const requestHash = idempotencyKey ? createHash("sha256").update(canonicalJson(body)).digest("hex") : null;

  // Limits: count without locks first. Only a decision that would be allowed adds to a limit's
  // usage, so only a tentative allow needs the per-scope locks (then it recounts under them).
  let tentative: { result: DecisionResult; usage: Record<string, LimitUsage> } | null = null;
  if (policy && pre?.status === "needs_usage") {
    const usage = await countUsage(service.pool, agent.agentId, pre.limits);
    tentative = { result: evaluate(policy, request, { ...base, limitUsage: usage }), usage };
  }
  const scopes = tentative?.result.decision === "allow" && pre?.status === "needs_usage" ? pre.limits.map((l) => scopeKey(l, agent.agentId)) : [];

  const decide = async (): Promise<CreatedDecision> => {
    const needsTransaction = idempotencyKey !== null || scopes.length > 0;
    const client = await service.pool.connect();
    try {
      if (needsTransaction) await client.query("BEGIN");
      if (idempotencyKey) {
        const replay = await checkIdempotency(client, agent.agentId, idempotencyKey, requestHash!);
        if (replay) {
          await client.query("ROLLBACK");
          return { status: 200, body: replay };
        }
      }

      let result: DecisionResult;
      let usage: ShadowObservation["usage"] = null;
      if (!policy || !pre) {
        result = noPolicyResult(paused);
      } else if (pre.status === "needs_usage") {
        if (!tentative) throw new Error("limit usage was not counted");
        let limitUsage = tentative.usage;
        if (scopes.length > 0) {
          await client.query({ name: "mandate_scope_locks", text: `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k`, values: [[...new Set(scopes)].sort()] });
          limitUsage = await countUsage(client, agent.agentId, pre.limits);
        }
        usage = { limits: pre.limits, values: limitUsage };
        result = scopes.length > 0 ? evaluate(policy, request, { ...base, limitUsage }) : tentative.result;
      } else {
        result = pre.result;
      }

      const response = toResponse(id, body, result, createdAt);
      await insertDecision(client, { id, agent, body, result, response, createdAt, idempotencyKey, requestHash });
      if (needsTransaction) await client.query("COMMIT");
      // After the commit and off the answer's path: shadow drafts are evaluated later, in batches.
      service.shadow?.observe({ decisionId: id, createdAt, request, agentName: agent.agentName, paused, live: result, usage });
      return { status: 201, body: response };
    } catch (error) {
      if (needsTransaction) await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return scopes.length > 0 ? scopeMutex.run(scopes, decide) : decide();
}

const scopeMutex = new ScopeMutex();

function noPolicyResult(paused: { reason: string } | null): DecisionResult {
  const reasons = paused ? [{ code: "paused" as const, message: `Paused: ${paused.reason}`, rule: "stop_switch" }] : [NO_POLICY_REASON];
  return {
    decision: "deny",
    status: "denied",
    authority: null,
    tier: null,
    owner: null,
    reasons: reasons as DecisionResult["reasons"],
    approval: null,
    policy_version: 0,
    review_sampled: false,
  };
}

async function checkIdempotency(client: pg.PoolClient, agentId: string, key: string, requestHash: string): Promise<DecisionResponse | null> {
  const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`, [`idem:${agentId}:${key}`]);
  if (!lock.rows[0]?.ok) {
    throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still being processed. Retry in a moment.");
  }
  const { rows } = await client.query<{ request_hash: string; response_body: DecisionResponse | null }>(
    `SELECT request_hash, response_body FROM idempotency_records WHERE agent_id = $1 AND key = $2 AND expires_at > now()`,
    [agentId, key],
  );
  const existing = rows[0];
  if (!existing) {
    await client.query(`DELETE FROM idempotency_records WHERE agent_id = $1 AND key = $2`, [agentId, key]);
    return null;
  }
  if (existing.request_hash !== requestHash) {
    throw new AppError("idempotency_key_reused", "This Idempotency-Key was already used with a different request body.");
  }
  return existing.response_body;
}

/** Allowed or approved usage of each limit in its window (a partial index makes this one scan). */
async function countUsage(client: pg.Pool | pg.PoolClient, agentId: string, limits: LimitCheck[]): Promise<Record<string, LimitUsage>> {
  const usage: Record<string, LimitUsage> = {};
  const parts: string[] = [];
  const params: unknown[] = [];
  limits.forEach((limit, i) => {
    params.push(limit.action, limit.windowMs);
    const a = params.length - 1;
    let where = `action = $${a} AND counts_to_limits AND created_at > now() - ($${a + 1}::bigint * interval '1 millisecond')`;
    if (limit.scope === "customer") {
      params.push(limit.customerId);
      where += ` AND customer_id = $${params.length}`;
    } else if (limit.scope === "agent") {
      params.push(agentId);
      where += ` AND agent_id = $${params.length}::uuid`;
    }
    parts.push(`SELECT ${i} AS i, count(*)::int AS count, coalesce(sum(amount), 0)::text AS amount FROM decisions WHERE ${where}`);
  });
  const text = parts.join(" UNION ALL ");
  // Named, so PostgreSQL parses and plans each shape of usage query once per connection.
  const name = `mandate_usage_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
  const { rows } = await client.query<{ i: number; count: number; amount: string }>({ name, text, values: params });
  for (const row of rows) usage[limits[row.i]!.id] = { count: row.count, amount: new Decimal(row.amount) };
  return usage;
}

function scopeKey(limit: LimitCheck, agentId: string): string {
  if (limit.scope === "customer") return `limit:${limit.action}:customer:${limit.customerId}`;
  if (limit.scope === "agent") return `limit:${limit.action}:agent:${agentId}`;
  return `limit:${limit.action}:global`;
}

export function toResponse(id: string, body: DecisionRequestBody, result: DecisionResult, createdAt: Date): DecisionResponse {
  return {
    id,
    decision: result.decision,
    status: result.status,
    action: body.action,
    authority: result.authority,
    tier: result.tier,
    owner: result.owner,
    reasons: result.reasons.map(({ code, message, rule }) => ({ code, message, rule })),
    approval: result.approval
      ? { required: result.approval.required, roles: result.approval.roles, expires_at: new Date(createdAt.getTime() + result.approval.expires_after_ms).toISOString() }
      : null,
    policy_version: result.policy_version || null,
    action_digest: actionDigest({ action: body.action, customerId: body.customer?.id ?? null, params: body.params ?? {} }),
    created_at: createdAt.toISOString(),
  };
}

function amountOf(body: DecisionRequestBody): string | null {
  if (body.params?.amount === undefined) return null;
  const parsed = parseAmount(body.params.amount);
  return parsed.ok ? normalizeAmount(parsed.value) : null;
}

async function insertDecision(
  client: pg.PoolClient,
  input: {
    id: string;
    agent: AgentPrincipal;
    body: DecisionRequestBody;
    result: DecisionResult;
    response: DecisionResponse;
    createdAt: Date;
    idempotencyKey: string | null;
    requestHash: string | null;
  },
): Promise<void> {
  const { id, agent, body, result, response, createdAt } = input;
  const amount = amountOf(body);
  const codes = result.reasons.map((r) => r.code);
  const audit = buildAuditContent(
    { type: "agent", id: agent.agentId, label: agent.agentName },
    {
      action: "decision.create",
      subjectType: "decision",
      subjectId: id,
      data: {
        action: body.action,
        decision: result.decision,
        status: result.status,
        tier: result.tier,
        reasons: codes,
        policy_version: response.policy_version,
        customer_id: body.customer?.id ?? null,
        amount,
        action_digest: response.action_digest,
        idempotency_key: input.idempotencyKey,
      },
    },
    createdAt,
  );
  const limitBreach = codes.includes("limit_exceeded");
  const reviewSource = limitBreach ? "limit_breach" : result.review_sampled ? "sample" : null;
  const reviewReason = limitBreach ? result.reasons.find((r) => r.code === "limit_exceeded")!.message : "Sampled for quality review";

  await client.query({
    name: "mandate_insert_decision",
    text: `WITH d AS (
       INSERT INTO decisions (id, agent_id, policy_version_id, policy_version, action, intent, customer_id, amount, currency, channel,
         confidence, conversation_id, request, decision, status, authority, tier, owner, reasons, reason_codes, action_digest,
         review_sampled, counts_to_limits, created_at, updated_at)
       VALUES ($1, $2::uuid, (SELECT id FROM policy_versions WHERE version = $3), $3, $4, $5, $6, $7::numeric, $8, $9, $10, $11, $12::jsonb,
         $13::"DecisionKind", $14::"DecisionStatus", $15, $16, $17, $18::jsonb, $19::text[], $20, $21, $22, $23, $23)
     ), a AS (
       INSERT INTO audit_entries (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, hash)
       VALUES ($23, 'agent', $24, $25, $26, 'decision', $1, $27::jsonb, $28)
     ), ap AS (
       INSERT INTO approvals (id, decision_id, required, roles, status, expires_at, created_at)
       SELECT gen_random_uuid(), $1, $29, $30::"Role"[], 'pending', $31, $23 WHERE $29::int > 0
     ), rc AS (
       INSERT INTO review_cases (id, source, reason, decision_id, agent_id, action, tier, conversation_id, labels, created_at, updated_at)
       SELECT $32, $33::"ReviewSource", $34, $1, $2::uuid, $4, $16, $11, '{}', $23, $23 WHERE $33 IS NOT NULL
     ), ir AS (
       INSERT INTO idempotency_records (agent_id, key, request_hash, decision_id, response_status, response_body, created_at, expires_at)
       SELECT $2::uuid, $35, $36, $1, 201, $37::jsonb, $23, $38 WHERE $35::text IS NOT NULL
     )
     SELECT 1`,
    values: [
      id,
      agent.agentId,
      response.policy_version,
      body.action,
      body.intent ?? null,
      body.customer?.id ?? null,
      amount,
      body.params?.currency ?? null,
      body.context?.channel ?? null,
      body.context?.confidence ?? null,
      body.context?.conversation_id ?? null,
      JSON.stringify(body),
      result.decision,
      result.status,
      result.authority,
      result.tier,
      result.owner,
      JSON.stringify(response.reasons),
      codes,
      response.action_digest,
      result.review_sampled,
      result.decision === "allow",
      createdAt,
      agent.agentId,
      agent.agentName,
      audit.action,
      JSON.stringify(audit.data),
      hashAuditContent(audit),
      result.decision === "hold" ? (result.approval?.required ?? 1) : 0,
      result.approval?.roles ?? [],
      response.approval ? new Date(response.approval.expires_at) : null,
      reviewSource ? newId("rev") : null,
      reviewSource,
      reviewReason,
      input.idempotencyKey,
      input.requestHash,
      JSON.stringify(response),
      new Date(createdAt.getTime() + IDEMPOTENCY_TTL_MS),
    ],
  });
}
