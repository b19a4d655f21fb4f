import { amountOf, type CreatedDecision } from "@/lib/decisions/create-decision";
import type { DecisionRequestBody, DecisionResponse } from "@/lib/decisions/schemas";
import type { StopInForce } from "@/lib/stop-switches/stop-covering";
import { grantFor, type GrantBasis } from "./make-grant";

/** A decision answer with its grant, when one may be given now (never stored with the decision). */
export type GrantedDecision = DecisionResponse & { grant?: string };

/** Adds `grant` to a copy of the answer when grantFor gives one; the answer itself is left untouched. */
export function withGrant(response: DecisionResponse, basis: GrantBasis, stops: readonly StopInForce[], now = new Date()): GrantedDecision {
  const grant = grantFor(basis, stops, now);
  return grant === null ? response : { ...response, grant };
}

/**
 * The answer to POST /api/v1/decisions (and an AuthZEN evaluation) with its grant: a new
 * `allow`, or a replay of one that is still allowed, unexpired and not stopped.
 */
export function grantCreatedDecision(
  created: CreatedDecision,
  agentName: string,
  request: DecisionRequestBody,
  stops: readonly StopInForce[],
  now = new Date(),
  /** The MCP tool the decision was made for (the gateway): its grant then binds the whole tool call. */
  tool: string | null = null,
): GrantedDecision {
  const response = created.body;
  if (response.decision !== "allow") return response;
  return withGrant(
    response,
    {
      id: response.id,
      agentName,
      action: response.action,
      status: created.statusNow ?? response.status,
      actionDigest: response.action_digest,
      customerId: request.customer?.id ?? null,
      amount: amountOf(request),
      currency: request.params?.currency ?? null,
      policyVersion: response.policy_version,
      createdAt: new Date(response.created_at),
      decidedAt: null,
      tool,
    },
    stops,
    now,
  );
}
