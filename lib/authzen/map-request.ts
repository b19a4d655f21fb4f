import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { validationError } from "@/lib/api/http";
import { decisionRequestSchema, type DecisionRequestBody } from "@/lib/decisions/schemas";
import { AppError, isAppError, type FieldError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation";
import type { Context, EvaluationRequest, Resource, Subject } from "./schemas";

/** A native decision request, and whether it is only a what-if. */
export interface MappedRequest {
  body: DecisionRequestBody;
  dryRun: boolean;
  /** The params key the resource filled (`order_id`), or null when the resource is the customer. */
  resourceParam: string | null;
}

const CONTEXT_FIELDS = ["conversation_id", "channel", "confidence", "summary"] as const;
const PARAM_TYPE = /^[A-Za-z0-9_]{1,61}$/;

/** A key speaks only for its own agent (403 otherwise), and a subject is always an agent. */
export function requireOwnSubject(subject: Subject, agent: AgentPrincipal): void {
  if (subject.type !== "agent") throw new AppError("forbidden", `subject.type must be "agent": Mandate decides for agents, and this key is agent ${agent.agentName}'s.`);
  if (subject.id !== agent.agentName) throw new AppError("forbidden", `This API key speaks only for agent ${agent.agentName}, not for subject.id ${JSON.stringify(subject.id)}.`);
}

/** `context.dry_run`, which must be a boolean when given. */
export function dryRunOf(context: Context | undefined): boolean {
  const value = context?.dry_run;
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw validationError([{ path: "context.dry_run", message: "dry_run must be true or false" }]);
  return value;
}

/** The params key a resource of type T fills (`order` → `order_id`), or null for a customer. */
export function resourceParam(resource: Resource): string | null {
  if (resource.type === "customer") return null;
  if (!PARAM_TYPE.test(resource.type)) throw validationError([{ path: "resource.type", message: 'Use "customer" or a type of letters, digits and _ (it names the param <type>_id)' }]);
  return `${resource.type}_id`;
}

/**
 * The AuthZEN request as Mandate's native decision request (docs/api/authzen.md has the table):
 * action.name → action; resource customer → customer {id, verified, segment}; resource T → params.T_id;
 * context.intent / params / data_sources / conversation_id / channel / confidence / summary → the
 * native fields. Anything else is ignored. Validated by the native schema; a failure is a 400 that
 * names the field by its AuthZEN path.
 */
export function toDecisionRequest(request: EvaluationRequest, agent: AgentPrincipal): MappedRequest {
  requireOwnSubject(request.subject, agent);
  const context = request.context ?? {};
  const dryRun = dryRunOf(request.context);
  const { resource } = request;

  const native: Record<string, unknown> = { action: request.action.name };
  if (context.intent !== undefined) native.intent = context.intent;

  const param = resourceParam(resource);
  if (param === null) {
    const props = resource.properties ?? {};
    native.customer = {
      id: resource.id,
      ...(props.verified !== undefined ? { verified: props.verified } : {}),
      ...(props.segment !== undefined ? { segment: props.segment } : {}),
    };
  }
  let params = context.params;
  if (param !== null) {
    if (params !== undefined && (params === null || typeof params !== "object" || Array.isArray(params))) {
      throw validationError([{ path: "context.params", message: "params must be an object" }]);
    }
    const given = params as Record<string, unknown> | undefined;
    if (given && Object.hasOwn(given, param) && given[param] !== resource.id) {
      throw validationError([{ path: "resource.id", message: `context.params.${param} says ${JSON.stringify(given[param])} but the resource is ${JSON.stringify(resource.id)}` }]);
    }
    params = { ...given, [param]: resource.id };
  }
  if (params !== undefined) native.params = params;
  if (context.data_sources !== undefined) native.data_sources = context.data_sources;

  const nativeContext: Record<string, unknown> = {};
  for (const field of CONTEXT_FIELDS) if (context[field] !== undefined) nativeContext[field] = context[field];
  if (Object.keys(nativeContext).length > 0) native.context = nativeContext;

  const parsed = decisionRequestSchema.safeParse(native);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error).map((error) => ({ ...error, path: authzenPath(error.path, param) })));
  return { body: parsed.data, dryRun, resourceParam: param };
}

/** A native field path as the AuthZEN request spells it (`customer.segment` → `resource.properties.segment`). */
export function authzenPath(path: string, resourceParamKey: string | null = null): string {
  if (path === "action") return "action.name";
  if (path === "customer" || path === "customer.id") return "resource.id";
  if (path.startsWith("customer.")) return `resource.properties.${path.slice("customer.".length)}`;
  if (resourceParamKey && path === `params.${resourceParamKey}`) return "resource.id";
  if (path === "intent" || path.startsWith("params") || path.startsWith("data_sources")) return `context.${path}`;
  return path;
}

/** Renames the field paths of an error the decision path raised (unknown data source, missing customer id). */
export function withAuthzenPaths(error: unknown, resourceParamKey: string | null): unknown {
  if (!isAppError(error) || !error.errors?.length) return error;
  const errors: FieldError[] = error.errors.map((e) =>
    resourceParamKey !== null && e.path === "customer.id"
      ? { path: "resource.type", message: 'This action has a per-customer limit: make the resource the customer (type "customer", its id)' }
      : { ...e, path: authzenPath(e.path, resourceParamKey) },
  );
  return new AppError(error.code, error.message, errors);
}
