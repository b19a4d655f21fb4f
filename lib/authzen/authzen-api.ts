import type { IncomingMessage, ServerResponse } from "node:http";
import type { AgentApiDeps } from "@/lib/api/agent-api";
import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { fromNode, json, problem, readJsonBody, requestIdOf, sendNode, validationError, withRequestId, type ApiRequest, type ApiResponse } from "@/lib/api/http";
import { writeAudit } from "@/lib/audit/record-audit";
import { idempotencyKeySchema } from "@/lib/decisions/schemas";
import { isDatabaseUnavailable, isUnstorableText } from "@/lib/db/unavailable";
import { AppError, isAppError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation";
import { asAuthzenError } from "./errors";
import { evaluateAccess } from "./evaluate-access";
import { evaluateMany, type ItemRefusal } from "./evaluate-many";
import { AUTHZEN_PATHS, pdpMetadata } from "./metadata";
import { evaluationRequestSchema } from "./schemas";
import { searchActions } from "./search-actions";

// The AuthZEN door (OpenID AuthZEN Authorization API 1.0) onto the one decision path: auth, the
// rate limiter and the body reader are the agent API's; the answers are the standard's shapes.

/** Paths this door answers: the access API and the PDP metadata. */
export function isAuthzenPath(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split("?")[0]!;
  return path.startsWith("/access/") || path === AUTHZEN_PATHS.metadata || path.startsWith(`${AUTHZEN_PATHS.metadata}/`);
}

const POST_PATHS = new Set<string>([AUTHZEN_PATHS.evaluation, AUTHZEN_PATHS.evaluations, AUTHZEN_PATHS.searchAction]);

// A header value node:http would refuse to write back (it only ever holds what a request could carry).

function methodNotAllowed(allow: string, path: string): ApiResponse {
  return problem(new AppError("method_not_allowed", `Use ${allow} on ${path}.`), { allow });
}

async function readObject(req: ApiRequest): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new AppError("bad_request", "The body must be a JSON object.");
  return body as Record<string, unknown>;
}

function idempotencyKeyOf(req: ApiRequest): string | null {
  const header = req.header("idempotency-key");
  if (header === undefined) return null;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error).map((e) => ({ ...e, path: "Idempotency-Key" })));
  return parsed.data;
}

/** The AuthZEN API as a framework-free function of a request; see createAuthzenNodeHandler. */
export function createAuthzenApi(deps: AgentApiDeps): (req: ApiRequest) => Promise<ApiResponse> {
  async function refuse(agent: AgentPrincipal, req: ApiRequest, error: AppError, item?: number): Promise<void> {
    await writeAudit(deps.pool, { type: "agent", id: agent.agentId, label: agent.agentName }, {
      action: "api.request_refused",
      subjectType: "agent",
      subjectId: agent.agentId,
      data: { method: req.method, path: req.path, status: error.status, code: error.code, ...(item !== undefined ? { item } : {}) },
    });
  }

  async function route(req: ApiRequest, agentRef: { agent: AgentPrincipal | null }): Promise<ApiResponse> {
    const { path, method } = req;
    if (path === AUTHZEN_PATHS.metadata) {
      if (method !== "GET" && method !== "HEAD") return methodNotAllowed("GET", path);
      return json(200, pdpMetadata(), { "cache-control": "public, max-age=300" });
    }
    if (!POST_PATHS.has(path)) {
      throw new AppError("not_found", `No endpoint at ${path}: this PDP offers ${[...POST_PATHS].join(", ")} (see ${AUTHZEN_PATHS.metadata}).`);
    }
    if (method !== "POST") return methodNotAllowed("POST", path);

    const agent = await deps.auth.authenticate(req.header("authorization"));
    agentRef.agent = agent;
    const wait = deps.limiter.take(agent.keyId, agent.rateLimitPerSecond);
    if (wait > 0) {
      return problem(new AppError("rate_limited", `This key is limited to ${agent.rateLimitPerSecond} requests per second.`), { "retry-after": String(wait) });
    }
    const idempotencyKey = path === AUTHZEN_PATHS.searchAction ? null : idempotencyKeyOf(req);
    const body = await readObject(req);

    if (path === AUTHZEN_PATHS.evaluation) {
      const parsed = evaluationRequestSchema.safeParse(body);
      if (!parsed.success) throw validationError(fieldErrors(parsed.error));
      return json(200, await evaluateAccess(deps, agent, parsed.data, { idempotencyKey }));
    }
    if (path === AUTHZEN_PATHS.evaluations) {
      const refusals: ItemRefusal[] = [];
      const answer = await evaluateMany(deps, agent, body, { idempotencyKey, onRefusal: (refusal) => refusals.push(refusal) });
      for (const { index, error } of refusals) await refuse(agent, req, error, index).catch(() => {});
      return json(200, answer);
    }
    return json(200, await searchActions(deps, agent, body));
  }

  async function respond(req: ApiRequest): Promise<ApiResponse> {
    const agentRef: { agent: AgentPrincipal | null } = { agent: null };
    try {
      return await route(req, agentRef);
    } catch (caught) {
      if (isAppError(caught)) {
        const error = asAuthzenError(caught);
        if (agentRef.agent && error.status < 500 && error.status !== 429) await refuse(agentRef.agent, req, error).catch(() => {});
        const headers: Record<string, string> = error.status === 503 ? { "retry-after": "1" } : error.status === 401 ? { "www-authenticate": 'Bearer realm="mandate"' } : {};
        return problem(error, headers);
      }
      if (isDatabaseUnavailable(caught)) {
        return problem(new AppError("unavailable", "Mandate cannot reach its database. Do not act; retry shortly."), { "retry-after": "1" });
      }
      if (isUnstorableText(caught)) {
        return problem(new AppError("validation_failed", "The request holds text that cannot be stored (a NUL character or an invalid encoding)."));
      }
      deps.log?.(`AuthZEN API error on ${req.method} ${req.path}: ${(caught as Error).stack ?? String(caught)}`);
      return problem(new AppError("internal", "internal"));
    }
  }

  return async function handle(req: ApiRequest): Promise<ApiResponse> {
    const response = await respond(req);
    // § Request Identification: the PEP's X-Request-ID comes back on every answer, errors included;
    // a request without one (or with one no header can carry) gets one made here, for the logs of both sides.
    return withRequestId(response, requestIdOf(req));
  };
}

/** Binds the AuthZEN API to node:http, beside the agent API's handler. */
export function createAuthzenNodeHandler(deps: AgentApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handle = createAuthzenApi(deps);
  return async (req, res) => {
    const response = await handle(fromNode(req));
    if (!req.readableEnded) req.resume();
    sendNode(res, response);
  };
}
