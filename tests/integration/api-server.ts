import http from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import { cliActor } from "../../lib/audit/actor";
import { createAgent } from "../../lib/agents/create-agent";
import { createNodeHandler } from "../../lib/api/agent-api";
import { AgentAuthenticator } from "../../lib/api/agent-auth";
import { createHealthHandler, Readiness } from "../../lib/api/health";
import { answerClientError, refuseMissingHost } from "../../lib/api/http";
import { RateLimiter } from "../../lib/api/rate-limiter";
import { createAuthzenNodeHandler, isAuthzenPath } from "../../lib/authzen/authzen-api";
import { createPool } from "../../lib/db/pool";
import { PolicyRuntime } from "../../lib/decisions/policy-runtime";
import { importPolicy } from "../../lib/policy/import-policy";
import examplePolicy from "../../lib/demo/example-policy.json";
import type { TestDatabase } from "./database";
import { drainGatewayOutcomes } from "../../lib/gateway/call-tool";
import { GatewayCatalog } from "../../lib/gateway/gateway-catalog";
import { createGatewayNodeHandler, isGatewayPath } from "../../lib/gateway/mcp-endpoint";
import type { CallUpstream, Upstream } from "../../lib/gateway/types";

export const operator = cliActor("test");

export interface ApiServer {
  url: string;
  pool: pg.Pool;
  runtime: PolicyRuntime;
  /** The gateway's catalog, when started with one (reload() after changing upstreams). */
  catalog: GatewayCatalog | null;
  close(): Promise<void>;
}

/**
 * The real agent API (the same handlers `mandate start` mounts: health, agent API, the parser's
 * clientError answer) over real HTTP on a free port, in this process.
 */
export interface GatewayOptions {
  /** The upstream tool servers the gateway forwards to (the registry's rows, opened). */
  upstreams: () => Promise<Upstream[]>;
  callUpstream: CallUpstream;
  timeoutMs?: number;
}

export async function startApiServer(t: TestDatabase, options: { refreshMs?: number; url?: string; gateway?: GatewayOptions } = {}): Promise<ApiServer> {
  // As getAgentPool() makes it, signed in as the application's role, as a server is.
  const pool = createPool(options.url ?? t.appUrl, 30, { genericPlans: true });
  const runtime = new PolicyRuntime(pool, { refreshMs: options.refreshMs ?? 100 });
  await runtime.start();
  const auth = new AgentAuthenticator(pool, 200);
  const limiter = new RateLimiter();
  const handler = createNodeHandler({ pool, runtime, auth, limiter, log: (m) => console.error(m) });
  // Routed as lib/server/start-server.ts routes them: the AuthZEN door beside the agent API.
  const authzen = createAuthzenNodeHandler({ pool, runtime, auth, limiter, log: (m) => console.error(m) });
  // And the MCP gateway at /mcp, when the test gives it upstreams.
  const catalog = options.gateway ? new GatewayCatalog(runtime, options.gateway.upstreams, (e) => console.error(e)) : null;
  const gateway =
    options.gateway && catalog
      ? createGatewayNodeHandler({ pool, runtime, auth, limiter, catalog: () => catalog.current(), callUpstream: options.gateway.callUpstream, upstreamTimeoutMs: options.gateway.timeoutMs ?? 5_000, log: (m) => console.error(m) })
      : null;
  const health = createHealthHandler(new Readiness(pool, runtime));
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    if (refuseMissingHost(req, res) || health(req, res)) return;
    if (gateway && isGatewayPath(req.url)) void gateway(req, res);
    else void (isAuthzenPath(req.url) ? authzen : handler)(req, res);
  });
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pool,
    runtime,
    catalog,
    close: async () => {
      await drainGatewayOutcomes();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      runtime.stop();
      await auth.close();
      await pool.end();
    },
  };
}

export async function publishExamplePolicy(t: TestDatabase, mutate?: (doc: typeof examplePolicy) => void): Promise<void> {
  const doc = structuredClone(examplePolicy);
  mutate?.(doc);
  await importPolicy(t.db, operator, { text: JSON.stringify(doc), publish: true, reason: "test", source: "cli" });
}

export async function newAgentKey(t: TestDatabase, name: string, rateLimitPerSecond = 0): Promise<string> {
  const { apiKey } = await createAgent(t.db, operator, { name, rateLimitPerSecond });
  return apiKey.key;
}

export function client(baseUrl: string, key: string | null) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { raw: text };
    }
    return { status: response.status, headers: response.headers, body: json as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}
