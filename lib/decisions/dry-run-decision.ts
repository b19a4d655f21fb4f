import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { actionDigest, evaluate, findUnknownDataSources, preEvaluate, type DecisionRequest, type DecisionResult } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { noPolicyResult, type DecisionService } from "./create-decision";
import { countUsage, type LimitedRequest } from "./limit-usage";
import { findStop } from "./policy-runtime";
import type { DecisionRequestBody } from "./schemas";

/** What a request would be answered now, with nothing recorded: no id, no grant, no audit entry. */
export interface DryRunDecision {
  result: DecisionResult;
  action_digest: string;
  /** When a hold's approval would expire, were the decision made now. */
  approval_expires_at: string | null;
}

// Sampling for review only matters to a recorded decision; a dry run is never sampled.
const NEVER_SAMPLED = 1;

/**
 * Evaluates requests exactly as createDecision would at this moment (the policy in force, the stop
 * switches, the limits' current usage, counted in one query for all of them, without locks), and
 * writes nothing: a what-if for AuthZEN's `dry_run` and its action search. Throws what
 * createDecision throws for the same input (unknown data source, missing customer id, no snapshot).
 */
export async function dryRunDecisions(service: DecisionService, agent: AgentPrincipal, bodies: readonly DecisionRequestBody[], now = new Date()): Promise<DryRunDecision[]> {
  const snapshot = service.runtime.snapshot();
  if (!snapshot) throw new AppError("unavailable", "Mandate cannot load its policy right now. Do not act; retry shortly.");
  const policy = snapshot.policy;

  const pending: { index: number; request: DecisionRequest; base: Parameters<typeof evaluate>[2] }[] = [];
  const limited: LimitedRequest[] = [];
  const results: (DecisionResult | null)[] = bodies.map((body, index) => {
    const request = body as DecisionRequest;
    const paused = findStop(snapshot.stops, agent.agentName, body.action);
    if (!policy) return noPolicyResult(paused);
    const unknown = findUnknownDataSources(policy, request);
    if (unknown.length) throw new AppError("unknown_reference", "The request names a data source the policy does not define.", unknown);
    const base = { paused, sampleDraw: NEVER_SAMPLED, agentName: agent.agentName, limitUsage: {} };
    const pre = preEvaluate(policy, request, base);
    if (pre.status === "invalid") throw new AppError("validation_failed", pre.error.message, [{ path: pre.error.path, message: pre.error.message }]);
    if (pre.status === "decided") return pre.result;
    pending.push({ index, request, base });
    limited.push({ agentId: agent.agentId, limits: pre.limits });
    return null;
  });
  if (pending.length > 0) {
    const usage = await countUsage(service.pool, limited);
    pending.forEach(({ index, request, base }, i) => {
      results[index] = evaluate(policy!, request, { ...base, limitUsage: usage[i]! });
    });
  }
  return bodies.map((body, index) => {
    const result = results[index]!;
    return {
      result,
      action_digest: actionDigest({ action: body.action, customerId: body.customer?.id ?? null, params: body.params ?? {} }),
      approval_expires_at: result.approval ? new Date(now.getTime() + result.approval.expires_after_ms).toISOString() : null,
    };
  });
}
