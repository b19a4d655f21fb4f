import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { validationError } from "@/lib/api/http";
import type { DecisionService } from "@/lib/decisions/create-decision";
import { AppError, type FieldError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation";
import { errorAnswer } from "./answer";
import { asAuthzenError, describeError, isItemError } from "./errors";
import { evaluateAccess } from "./evaluate-access";
import { dryRunOf } from "./map-request";
import { contextSchema, evaluationRequestSchema, evaluationsRequestSchema, type AccessDecision, type EvaluationsSemantic } from "./schemas";

export type EvaluationsAnswer = { evaluations: AccessDecision[] } | AccessDecision;

/** An item refused (400, 403…) and answered in place, for the caller to audit. */
export interface ItemRefusal {
  index: number;
  error: AppError;
}

function parse<T>(result: { success: true; data: T } | { success: false; error: Parameters<typeof fieldErrors>[0] }, prefix = ""): T {
  if (!result.success) throw validationError(fieldErrors(result.error).map((e): FieldError => ({ ...e, path: prefix + e.path })));
  return result.data;
}

/**
 * The Access Evaluations API. Top-level subject, action, resource and context are defaults; a key
 * an item gives replaces the default whole (the standard's rule: a context is not merged). A
 * top-level `context.dry_run: true` makes every item a dry run whatever its own context says.
 * Items run one after another in request order; `deny_on_first_deny` stops after the first item
 * that is false (an item error counts), `permit_on_first_permit` after the first true, and the
 * items after the stop are neither evaluated nor recorded nor answered. An item that cannot be
 * evaluated is answered `false` with `context.error` (§ Errors); a rate limit or an outage fails
 * the whole request. An empty or absent `evaluations` is the single evaluation of the top level.
 * With an Idempotency-Key K, item i is recorded under `K#i`, so a retried request replays each item.
 */
export async function evaluateMany(
  service: DecisionService,
  agent: AgentPrincipal,
  raw: unknown,
  options: { idempotencyKey: string | null; onRefusal?: (refusal: ItemRefusal) => void },
): Promise<EvaluationsAnswer> {
  const request = parse(evaluationsRequestSchema.safeParse(raw));
  const items = request.evaluations ?? [];
  if (items.length === 0) {
    return evaluateAccess(service, agent, parse(evaluationRequestSchema.safeParse(request)), { idempotencyKey: options.idempotencyKey });
  }
  const forceDryRun = request.context === undefined ? false : dryRunOf(parse(contextSchema.safeParse(request.context), "context"));
  const semantic: EvaluationsSemantic = request.options?.evaluations_semantic ?? "execute_all";

  const evaluations: AccessDecision[] = [];
  for (const [index, item] of items.entries()) {
    let answer: AccessDecision;
    try {
      const merged = {
        subject: item.subject ?? request.subject,
        action: item.action ?? request.action,
        resource: item.resource ?? request.resource,
        context: item.context ?? request.context,
      };
      const evaluation = parse(evaluationRequestSchema.safeParse(merged));
      const idempotencyKey = options.idempotencyKey === null ? null : `${options.idempotencyKey}#${index}`;
      answer = await evaluateAccess(service, agent, evaluation, { idempotencyKey, forceDryRun });
    } catch (error) {
      if (!isItemError(error)) throw error;
      const refused = asAuthzenError(error);
      options.onRefusal?.({ index, error: refused });
      answer = errorAnswer(refused.status, describeError(refused));
    }
    evaluations.push(answer);
    if (semantic === "deny_on_first_deny" && !answer.decision) break;
    if (semantic === "permit_on_first_permit" && answer.decision) break;
  }
  return { evaluations };
}
