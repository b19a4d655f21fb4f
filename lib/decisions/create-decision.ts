import { createHash } from "node:crypto";
import type pg from "pg";
import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { buildAuditRow, prefixAuditRow } from "@/lib/audit/record-audit";
import {
  actionDigest,
  canonicalJson,
  evaluate,
  findUnknownDataSources,
  normalizeAmount,
  parseAmount,
  preEvaluate,
  type DecisionRequest,
  type DecisionResult,
  type LimitUsage,
  type StopSwitch,
} from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { drawFromId, newId } from "@/lib/ids";
import type { ShadowObservation, ShadowSink } from "@/lib/simulation/shadow";
import { withExecutionPause } from "@/lib/stop-switches/stop-covering";
import { DecisionWriter, insertDecisionRows, type DecisionRow } from "./decision-writer";
import { countUsage, lockScopes, scopeKey } from "./limit-usage";
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
  /** The answer as first given (a replay returns the original response). */
  body: DecisionResponse;
  /** On a replay, the decision's status now (it may have been executed since): what a grant is judged on. */
  statusNow?: DecisionResponse["status"];
}

/** What an enforcement point adds to a decision request (the MCP gateway; the agent API passes none). */
export interface DecisionOptions {
  /** The digest of exactly the call the enforcement point will make (the gateway: toolCallDigest of the whole tool call). */
  actionDigest?: string;
  /** Refused by the enforcement point before the policy is consulted (the gateway's `unmapped_tool`): recorded as a deny with this reason. */
  refusal?: { code: string; message: string; rule: string };
  /** The MCP tool call the decision is for: stored with the request (as `mcp`), named in its grant. */
  tool?: { server: string; name: string; arguments: Record<string, unknown> };
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
  options: DecisionOptions = {},
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
  const pre = options.refusal ? ({ status: "decided", result: refusalResult(options.refusal) } as const) : policy ? preEvaluate(policy, request, base) : null;
  if (pre?.status === "invalid") throw new AppError("validation_failed", pre.error.message, [{ path: pre.error.path, message: pre.error.message }]);

  const requestHash = idempotencyKey ? createHash("sha256").update(canonicalJson(body)).digest("hex") : null;
  // Plain values and calls, not closures: under tsx every closure made per request pays ~0.8 µs to be named.
  const made = { id, agent, body, createdAt, idempotencyKey, requestHash, paused, tool: options.tool ?? null };

  // Without an Idempotency-Key to check, a decision needs no transaction of its own: it goes
  // through the group-commit writer, which shares one commit among the decisions that arrive
  // together, and for a decision under limits counts usage under the scopes' locks in that same
  // transaction. Either way the agent hears only after the commit.
  if (idempotencyKey === null) {
    if (policy && pre?.status === "needs_usage") {
      const limits = pre.limits;
      const decided: { result?: DecisionResult; response?: DecisionResponse; usage?: Record<string, LimitUsage> } = {};
      await writerFor(service.pool).writeLimited({
        agentId: agent.agentId,
        limits,
        decide: (usage) => {
          decided.result = evaluate(policy, request, { ...base, limitUsage: usage });
          decided.response = toResponse(id, body, decided.result, createdAt, options.actionDigest);
          decided.usage = usage;
          return decisionRow({ ...made, result: decided.result, response: decided.response });
        },
      });
      observe(service, made, decided.result!, { limits, values: decided.usage! });
      return { status: 201, body: decided.response! };
    }
    const result = pre?.status === "decided" ? pre.result : noPolicyResult(paused);
    const response = toResponse(id, body, result, createdAt, options.actionDigest);
    await writerFor(service.pool).write(decisionRow({ ...made, result, response }));
    observe(service, made, result, null);
    return { status: 201, body: response };
  }

  // With an Idempotency-Key, one transaction checks the key and writes the decision with its
  // record. Limits: count without locks first. Only a decision that would be allowed adds to a
  // limit's usage, so only a tentative allow takes the per-scope locks (then it recounts under them).
  let tentative: { result: DecisionResult; usage: Record<string, LimitUsage> } | null = null;
  if (policy && pre?.status === "needs_usage") {
    const [usage] = await countUsage(service.pool, [{ agentId: agent.agentId, limits: pre.limits }]);
    tentative = { result: evaluate(policy, request, { ...base, limitUsage: usage! }), usage: usage! };
  }
  const limited = tentative?.result.decision === "allow" && pre?.status === "needs_usage" ? [{ agentId: agent.agentId, limits: pre.limits }] : [];

  const decide = async (): Promise<CreatedDecision> => {
    const client = await service.pool.connect();
    try {
      await client.query("BEGIN");
      if (idempotencyKey) {
        const replay = await checkIdempotency(client, agent.agentId, idempotencyKey, requestHash!);
        if (replay) {
          await client.query("ROLLBACK");
          // The original answer, but an allow replayed during a stop says so: the agent must wait.
          return { status: 200, body: withExecutionPause(replay.body, snapshot.stops, agent.agentName), statusNow: replay.statusNow };
        }
      }

      let result: DecisionResult;
      let usage: ShadowObservation["usage"] = null;
      if (pre?.status === "decided") {
        result = pre.result;
      } else if (!policy || !pre) {
        result = noPolicyResult(paused);
      } else if (pre.status === "needs_usage") {
        if (!tentative) throw new Error("limit usage was not counted");
        let limitUsage = tentative.usage;
        if (limited.length > 0) {
          await lockScopes(client, limited);
          [limitUsage] = (await countUsage(client, limited)) as [Record<string, LimitUsage>];
        }
        usage = { limits: pre.limits, values: limitUsage };
        result = limited.length > 0 ? evaluate(policy, request, { ...base, limitUsage }) : tentative.result;
      } else {
        throw new Error("unexpected pre-evaluation");
      }

      const response = toResponse(id, body, result, createdAt, options.actionDigest);
      await insertDecisionRows(client, [decisionRow({ ...made, result, response })]);
      await client.query("COMMIT");
      // After the commit and off the answer's path: shadow drafts are evaluated later, in batches.
      observe(service, made, result, usage);
      return { status: 201, body: response };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return limited.length > 0 ? scopeMutex.run(limited[0]!.limits.map((l) => scopeKey(l, agent.agentId)), decide) : decide();
}

const scopeMutex = new ScopeMutex();
const writers = new WeakMap<pg.Pool, DecisionWriter>();

/** The group-commit writer of a pool's decisions (one per pool, made on first use). */
export function writerFor(pool: pg.Pool): DecisionWriter {
  let writer = writers.get(pool);
  if (!writer) writers.set(pool, (writer = new DecisionWriter(pool)));
  return writer;
}

/** Hands a committed decision to the shadow drafts (queued; evaluated later, in batches). */
function observe(
  service: DecisionService,
  made: { id: string; agent: AgentPrincipal; body: DecisionRequestBody; createdAt: Date; paused: StopSwitch | null },
  live: DecisionResult,
  usage: ShadowObservation["usage"],
): void {
  service.shadow?.observe({ decisionId: made.id, createdAt: made.createdAt, request: made.body as DecisionRequest, agentName: made.agent.agentName, paused: made.paused, live, usage });
}

/** The decision when no policy is published: deny (or paused, when a stop covers the request). */
function refusalResult(refusal: { code: string; message: string; rule: string }): DecisionResult {
  return { ...noPolicyResult(null), reasons: [refusal] as DecisionResult["reasons"] };
}

export function noPolicyResult(paused: { reason: string } | null): DecisionResult {
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

async function checkIdempotency(client: pg.PoolClient, agentId: string, key: string, requestHash: string): Promise<{ body: DecisionResponse; statusNow: DecisionResponse["status"] } | null> {
  const lock = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`, [`idem:${agentId}:${key}`]);
  if (!lock.rows[0]?.ok) {
    throw new AppError("idempotency_in_progress", "A request with this Idempotency-Key is still being processed. Retry in a moment.");
  }
  // The decision's status now, not as first answered: a replay must not hand out a grant for a
  // decision that was executed since.
  const { rows } = await client.query<{ request_hash: string; response_body: DecisionResponse | null; status_now: DecisionResponse["status"] | null }>(
    `SELECT r.request_hash, r.response_body, d.status::text AS status_now
       FROM idempotency_records r LEFT JOIN decisions d ON d.id = r.decision_id
      WHERE r.agent_id = $1 AND r.key = $2 AND r.expires_at > now()`,
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
  if (!existing.response_body) return null;
  return { body: existing.response_body, statusNow: existing.status_now ?? existing.response_body.status };
}

export function toResponse(id: string, body: DecisionRequestBody, result: DecisionResult, createdAt: Date, digest?: string): DecisionResponse {
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
    action_digest: digest ?? actionDigest({ action: body.action, customerId: body.customer?.id ?? null, params: body.params ?? {} }),
    created_at: createdAt.toISOString(),
  };
}

/** The request's amount as the decision stores it (normalised decimal string), or null. */
export function amountOf(body: DecisionRequestBody): string | null {
  if (body.params?.amount === undefined) return null;
  const parsed = parseAmount(body.params.amount);
  return parsed.ok ? normalizeAmount(parsed.value) : null;
}

/** The rows a decision writes (decision, audit entry, approval, review case, idempotency record). */
function decisionRow(input: {
  id: string;
  agent: AgentPrincipal;
  body: DecisionRequestBody;
  result: DecisionResult;
  response: DecisionResponse;
  createdAt: Date;
  idempotencyKey: string | null;
  requestHash: string | null;
  tool: DecisionOptions["tool"] | null;
}): DecisionRow {
  const { id, agent, body, result, response, createdAt } = input;
  const amount = amountOf(body);
  const codes = result.reasons.map((r) => r.code);
  const audit = buildAuditRow(
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
        ...(input.tool ? { tool: `${input.tool.server}/${input.tool.name}` } : {}),
      },
    },
    createdAt,
    // Built above from strings, numbers, booleans, null and a string array: already plain JSON.
    { plainJson: true },
  );
  const limitBreach = codes.includes("limit_exceeded");
  const reviewSource = limitBreach ? "limit_breach" : result.review_sampled ? "sample" : null;
  const reviewReason = limitBreach ? result.reasons.find((r) => r.code === "limit_exceeded")!.message : "Sampled for quality review";
  return {
    id,
    agent_id: agent.agentId,
    policy_version: response.policy_version,
    action: body.action,
    intent: body.intent ?? null,
    customer_id: body.customer?.id ?? null,
    amount,
    currency: body.params?.currency ?? null,
    channel: body.context?.channel ?? null,
    confidence: body.context?.confidence ?? null,
    conversation_id: body.context?.conversation_id ?? null,
    // A tool call's decision keeps the call itself beside the request it was mapped to.
    request: input.tool ? { ...body, mcp: { server: input.tool.server, tool: input.tool.name, arguments: input.tool.arguments } } : body,
    decision: result.decision,
    status: result.status,
    authority: result.authority,
    tier: result.tier,
    owner: result.owner,
    reasons: response.reasons,
    reason_codes: codes,
    action_digest: response.action_digest,
    review_sampled: result.review_sampled,
    counts_to_limits: result.decision === "allow",
    created_at: createdAt.toISOString(),
    // Flat columns: PostgreSQL reads them from the batch's one JSON document without a second parse.
    ...prefixAuditRow("audit_", audit),
    approvals_required: result.decision === "hold" ? (result.approval?.required ?? 1) : 0,
    approval_roles: result.approval?.roles ?? [],
    approval_expires_at: response.approval?.expires_at ?? null,
    review_id: reviewSource ? newId("rev") : null,
    review_source: reviewSource,
    review_reason: reviewReason,
    idempotency_key: input.idempotencyKey,
    request_hash: input.requestHash,
    // Kept only with an idempotency record, to replay; otherwise the columns hold it all.
    response: input.idempotencyKey ? response : null,
    idempotency_expires_at: new Date(createdAt.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
  };
}
