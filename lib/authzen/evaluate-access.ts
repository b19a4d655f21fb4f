import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { createDecision, type DecisionService } from "@/lib/decisions/create-decision";
import { dryRunDecisions } from "@/lib/decisions/dry-run-decision";
import { grantCreatedDecision } from "@/lib/grants/decision-grants";
import { dryRunAnswer, recordedAnswer } from "./answer";
import { toDecisionRequest, withAuthzenPaths } from "./map-request";
import type { AccessDecision, EvaluationRequest } from "./schemas";

/**
 * One AuthZEN evaluation through the one decision path: createDecision records, audits, counts
 * and replays it exactly as POST /api/v1/decisions would, and an allow carries its grant. A dry
 * run (`context.dry_run: true`, or `forceDryRun` from an evaluations request) records nothing.
 */
export async function evaluateAccess(
  service: DecisionService,
  agent: AgentPrincipal,
  request: EvaluationRequest,
  options: { idempotencyKey: string | null; forceDryRun?: boolean },
): Promise<AccessDecision> {
  const mapped = toDecisionRequest(request, agent);
  try {
    if (mapped.dryRun || options.forceDryRun) {
      const [dry] = await dryRunDecisions(service, agent, [mapped.body]);
      return dryRunAnswer(dry!);
    }
    const created = await createDecision(service, agent, mapped.body, options.idempotencyKey);
    // Made for this answer only, never stored: a replay gets a fresh grant or none.
    const answer = grantCreatedDecision(created, agent.agentName, mapped.body, service.runtime.snapshot()?.stops ?? []);
    return recordedAnswer(answer, created.status === 200);
  } catch (error) {
    throw withAuthzenPaths(error, mapped.resourceParam);
  }
}
