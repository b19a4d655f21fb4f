import type { IncomingMessage, ServerResponse } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { AgentAuthenticator, AgentPrincipal } from "@/lib/api/agent-auth";
import { StatelessMcpEndpoint } from "@/lib/api/mcp-http";
import type { RateLimiter } from "@/lib/api/rate-limiter";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { isAppError } from "@/lib/errors";
import { callToolThroughGateway, type GatewayService } from "./call-tool";
import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";

export const GATEWAY_PATH = "/mcp";

export interface GatewayDeps extends GatewayService {
  auth: AgentAuthenticator;
  limiter: RateLimiter;
}

export function isGatewayPath(url: string | undefined): boolean {
  return !!url && (url === GATEWAY_PATH || url.startsWith(`${GATEWAY_PATH}?`));
}

/**
 * `/mcp`: the MCP gateway over Streamable HTTP (docs/api/mcp-gateway.md), stateless (no sessions:
 * each POST is answered on its own, as the protocol's next revision expects), authenticated with
 * the agent's API key. `tools/list` shows the mapped tools; `tools/call` goes through
 * callToolThroughGateway.
 */
export function createGatewayNodeHandler(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const endpoint = new StatelessMcpEndpoint(() => gatewayServer(deps), (error) => deps.log?.(`gateway: ${(error as Error).stack ?? String(error)}`));
  return async (req, res) => {
    if (req.method !== "POST") {
      // No server-initiated stream and no sessions to end: GET and DELETE are not offered.
      return send(res, 405, { allow: "POST" }, rpcError(-32000, "Use POST: this MCP endpoint answers each request on its own (no sessions, no stream)."));
    }
    let agent: AgentPrincipal;
    try {
      agent = await deps.auth.authenticate(req.headers.authorization);
    } catch (error) {
      if (isAppError(error)) {
        const headers: Record<string, string> = error.status === 401 ? { "www-authenticate": 'Bearer realm="mandate", error="invalid_token"' } : {};
        return send(res, error.status, headers, rpcError(-32001, error.message));
      }
      if (isDatabaseUnavailable(error)) return send(res, 503, { "retry-after": "1" }, rpcError(-32002, "Mandate cannot reach its database. Do not act; retry shortly."));
      throw error;
    }
    const wait = deps.limiter.take(agent.keyId, agent.rateLimitPerSecond);
    if (wait > 0) return send(res, 429, { "retry-after": String(wait) }, rpcError(-32003, `This key is limited to ${agent.rateLimitPerSecond} requests per second.`));

    await endpoint.answer(req, res, { token: "", clientId: agent.keyId, scopes: [], extra: { agent } });
  };
}

/** The gateway's MCP server: the tools the policy maps, and every call decided before it goes on. */
function gatewayServer(deps: GatewayDeps): Server {
  const server = new Server({ name: "mandate-gateway", title: "Mandate MCP gateway", version: "1.0.0" }, { capabilities: { tools: { listChanged: false } }, jsonSchemaValidator: sharedSchemaValidator });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: (await deps.catalog()).visible }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const agent = (extra.authInfo?.extra as { agent?: AgentPrincipal } | undefined)?.agent;
    if (!agent) throw new McpError(ErrorCode.InternalError, "Internal error");
    try {
      return await callToolThroughGateway(deps, agent, request.params, extra.requestInfo?.headers ?? {});
    } catch (error) {
      // Mandate could not decide: nothing reached the upstream. Say so, never a stack.
      if (isAppError(error) && error.status < 500) return { isError: true, content: [{ type: "text" as const, text: `Not done: ${error.message}` }] };
      if (!isAppError(error) && !isDatabaseUnavailable(error)) deps.log?.(`gateway: tools/call ${request.params.name} failed: ${(error as Error).stack ?? String(error)}`);
      const message = isAppError(error) && error.status === 503 ? error.message : isDatabaseUnavailable(error) ? "Mandate cannot reach its database." : "Mandate could not decide.";
      return { isError: true, content: [{ type: "text" as const, text: `Not done: ${message} Nothing reached the system; try again shortly.` }] };
    }
  });
  return server;
}

function rpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
}
