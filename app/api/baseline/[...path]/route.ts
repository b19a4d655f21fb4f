import { createAgentApi } from "@/lib/api/agent-api";
import { AgentAuthenticator } from "@/lib/api/agent-auth";
import { fromFetch, problem, toFetch, type ApiRequest, type ApiResponse } from "@/lib/api/http";
import { RateLimiter } from "@/lib/api/rate-limiter";
import { getAgentPool } from "@/lib/db/pool";
import { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

// The benchmark's baseline (`npm run bench`): the same agent API core the production server
// answers /api/v1 with, mounted as a plain Next.js route handler, so the two measurements differ
// only in the HTTP layer (docs/decisions/0002-custom-server.md). Off unless MANDATE_BENCH_BASELINE=1.

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type AgentApi = (req: ApiRequest) => Promise<ApiResponse>;

// Built once per process on first use; the pool is the agent API's, the one the server also uses.
let agentApi: Promise<AgentApi> | null = null;

function getAgentApi(): Promise<AgentApi> {
  agentApi ??= (async () => {
    const pool = getAgentPool();
    const policyRuntime = new PolicyRuntime(pool);
    await policyRuntime.start();
    return createAgentApi({
      pool,
      runtime: policyRuntime,
      auth: new AgentAuthenticator(pool),
      limiter: new RateLimiter(),
      log: (line) => console.error(`mandate baseline: ${line}`),
    });
  })().catch((error: unknown) => {
    agentApi = null; // let the next request retry, e.g. once the database is back
    throw error;
  });
  return agentApi;
}

async function handle(request: Request): Promise<Response> {
  if (getEnv().MANDATE_BENCH_BASELINE !== "1") return toFetch(problem(new AppError("not_found", "Not found.")));
  const apiRequest = fromFetch(request);
  // The core routes on /api/v1/…; /api/baseline/decisions is /api/v1/decisions.
  const path = apiRequest.path.replace(/^\/api\/baseline(?=\/)/, "/api/v1");
  return toFetch(await (await getAgentApi())({ ...apiRequest, path }));
}

export { handle as GET, handle as POST };
