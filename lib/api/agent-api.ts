import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import type { z } from "zod";
import { writeAudit } from "@/lib/audit/record-audit";
import { createDecision } from "@/lib/decisions/create-decision";
import { readDecisionForAgent } from "@/lib/decisions/get-decision";
import { grantCreatedDecision } from "@/lib/grants/decision-grants";
import type { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { reportOutcome } from "@/lib/decisions/report-outcome";
import { decisionRequestSchema, idempotencyKeySchema, outcomeRequestSchema, reviewRequestSchema } from "@/lib/decisions/schemas";
import { isDatabaseUnavailable, isUnstorableText } from "@/lib/db/unavailable";
import { AppError, isAppError } from "@/lib/errors";
import { createAgentReview } from "@/lib/reviews/create-agent-review";
import type { ShadowSink } from "@/lib/simulation/shadow";
import { fieldErrors } from "@/lib/validation";
import type { AgentAuthenticator, AgentPrincipal } from "./agent-auth";
import { fromNode, json, problem, readJsonBody, requestIdOf, sendNode, validationError, withRequestId, type ApiRequest, type ApiResponse } from "./http";
import { buildOpenApiDocument } from "./openapi";
import type { RateLimiter } from "./rate-limiter";

export interface AgentApiDeps {
  pool: pg.Pool;
  runtime: PolicyRuntime;
  auth: AgentAuthenticator;
  limiter: RateLimiter;
  /** Shadow evaluation of drafts (lib/simulation/shadow.ts); decisions pass through createDecision. */
  shadow?: ShadowSink;
  log?: (message: string) => void;
  /** False only for the benchmark's comparison run (MANDATE_BENCH_BASELINE): answers carry no grant. */
  grants?: boolean;
}

/** Paths the lean layer answers; /api/v1/admin/* belongs to the console (Next.js, session auth). */
export function isAgentApiPath(url: string | undefined): boolean {
  return !!url && url.startsWith("/api/v1/") && !url.startsWith("/api/v1/admin/");
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(fieldErrors(result.error));
  return result.data;
}

async function auditRefusal(pool: pg.Pool, agent: AgentPrincipal, req: ApiRequest, error: AppError): Promise<void> {
  await writeAudit(pool, { type: "agent", id: agent.agentId, label: agent.agentName }, {
    action: "api.request_refused",
    subjectType: "agent",
    subjectId: agent.agentId,
    data: { method: req.method, path: req.path, status: error.status, code: error.code },
  });
}

function methodNotAllowed(allow: string, path: string): ApiResponse {
  return problem(new AppError("method_not_allowed", `Use ${allow} on ${path}.`), { allow });
}

const DECISION_PATH = /^\/api\/v1\/decisions\/(dec_[A-Za-z0-9_-]{1,60})(\/outcome)?$/;

/** The agent API as a framework-free function of a request; see createNodeHandler for node:http. */
export function createAgentApi(deps: AgentApiDeps): (req: ApiRequest) => Promise<ApiResponse> {
  const openApi = JSON.stringify(buildOpenApiDocument());

  async function route(req: ApiRequest, agentRef: { agent: AgentPrincipal | null }): Promise<ApiResponse> {
    const { path, method } = req;
    if (path === "/api/v1/openapi.json") {
      if (method !== "GET") return methodNotAllowed("GET", path);
      return { status: 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" }, body: openApi };
    }

    const isDecisions = path === "/api/v1/decisions";
    const single = DECISION_PATH.exec(path);
    const isReviews = path === "/api/v1/reviews";
    if (!isDecisions && !single && !isReviews) throw new AppError("not_found", `No endpoint at ${path}.`);
    const allowed = isDecisions || isReviews || single?.[2] ? "POST" : "GET";
    if (method !== allowed) return methodNotAllowed(allowed, path);

    const agent = await deps.auth.authenticate(req.header("authorization"));
    agentRef.agent = agent;
    const wait = deps.limiter.take(agent.keyId, agent.rateLimitPerSecond);
    if (wait > 0) {
      return problem(new AppError("rate_limited", `This key is limited to ${agent.rateLimitPerSecond} requests per second.`), { "retry-after": String(wait) });
    }

    if (isDecisions) {
      const header = req.header("idempotency-key");
      const key = header === undefined ? null : parse(idempotencyKeySchema, header);
      const body = parse(decisionRequestSchema, await readJsonBody(req));
      const created = await createDecision(deps, agent, body, key);
      // The grant is made now, for this answer only: never stored, so a replay gets a fresh one or none.
      const answer = deps.grants === false ? created.body : grantCreatedDecision(created, agent.agentName, body, deps.runtime.snapshot()?.stops ?? []);
      return json(created.status, answer, created.status === 201 ? { location: `/api/v1/decisions/${created.body.id}` } : {});
    }
    if (single && !single[2]) return json(200, await readDecisionForAgent(deps, agent, single[1]!));
    if (single) {
      const body = parse(outcomeRequestSchema, await readJsonBody(req));
      const result = await reportOutcome(deps.pool, agent, single[1]!, body);
      return json(result.status, result.body);
    }
    const body = parse(reviewRequestSchema, await readJsonBody(req));
    return json(201, await createAgentReview(deps.pool, agent, body));
  }

  return async function handle(req: ApiRequest): Promise<ApiResponse> {
    // Every answer names its request (X-Request-ID, and `request_id` in a problem): the agent's
    // own id when it sent one, else one made here, so both sides' logs meet.
    const requestId = requestIdOf(req);
    return withRequestId(await answer(req, requestId), requestId);
  };

  async function answer(req: ApiRequest, requestId: string): Promise<ApiResponse> {
    const agentRef: { agent: AgentPrincipal | null } = { agent: null };
    try {
      return await route(req, agentRef);
    } catch (error) {
      if (isAppError(error)) {
        if (agentRef.agent && error.status < 500 && error.status !== 429) {
          await auditRefusal(deps.pool, agentRef.agent, req, error).catch(() => {});
        }
        return problem(error, error.status === 503 ? { "retry-after": "1" } : {});
      }
      if (isDatabaseUnavailable(error)) {
        return problem(new AppError("unavailable", "Mandate cannot reach its database. Do not act; retry shortly."), { "retry-after": "1" });
      }
      // The body parser refuses NUL and bad encodings by field; this catches any that reach the store another way.
      if (isUnstorableText(error)) {
        return problem(new AppError("validation_failed", "The request holds text that cannot be stored (a NUL character or an invalid encoding)."));
      }
      deps.log?.(`agent API error on ${req.method} ${req.path} (request ${requestId}): ${(error as Error).stack ?? String(error)}`);
      return problem(new AppError("internal", "internal"));
    }
  }
}

/** Binds the agent API to node:http: the production hot path. */
export function createNodeHandler(deps: AgentApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handle = createAgentApi(deps);
  return async (req, res) => {
    const response = await handle(fromNode(req));
    // Drain an unread body so the connection can be reused.
    if (!req.readableEnded) req.resume();
    sendNode(res, response);
  };
}
