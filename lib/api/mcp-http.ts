import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isJSONRPCRequest, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { isAppError } from "@/lib/errors";
import { fromNode } from "./http";
import { SharedServerTransport } from "./mcp-shared-transport";

/**
 * Answers one MCP request over Streamable HTTP on node:http with a server made for it: stateless
 * (no session id, a JSON answer), so any process can answer any request. Used by the gateway and
 * by the demo's systems of record. A failure before the answer starts is a JSON-RPC internal error.
 * `parsedBody`: the body when the caller has already read it.
 */
/** The SDK transport's own bound on a request body. */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

export async function answerMcpRequest(server: Server | McpServer, req: IncomingMessage, res: ServerResponse, onError?: (error: unknown) => void, parsedBody?: unknown): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, parsedBody);
  } catch (error) {
    onError?.(error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }));
  }
}

/**
 * A stateless MCP endpoint on node:http. The common case, one JSON-RPC request after initialize
 * with the headers the protocol asks for, is answered by one long-lived server through an
 * in-process transport (SharedServerTransport): no server, transport or web Request per POST.
 * Anything else (initialize, batches, notifications, GET, headers the SDK refuses) gets a server
 * and the SDK's own transport for that POST, which also answers every malformed request exactly
 * as the SDK does. `makeServer` must give servers that keep no per-client state.
 */
export class StatelessMcpEndpoint {
  private shared: { server: Server | McpServer; transport: SharedServerTransport } | null = null;

  constructor(
    private readonly makeServer: () => Server | McpServer,
    private readonly onError?: (error: unknown) => void,
  ) {}

  async answer(req: IncomingMessage, res: ServerResponse, authInfo?: AuthInfo): Promise<void> {
    if (authInfo) (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
    if (req.method !== "POST") return answerMcpRequest(this.makeServer(), req, res, this.onError);
    let body: unknown;
    try {
      body = JSON.parse((await fromNode(req).readBody(MAX_MCP_BODY_BYTES)).toString("utf8"));
    } catch (error) {
      // The SDK transport's own answers for these two (it would have read the body itself).
      if (isAppError(error) && error.status === 413) return sendRpcError(res, 413, -32000, `Payload too large: the body is over ${MAX_MCP_BODY_BYTES / 1024 / 1024} MiB.`);
      return sendRpcError(res, 400, -32700, "Parse error: Invalid JSON");
    }
    if (!answersOnSharedServer(req, body)) return answerMcpRequest(this.makeServer(), req, res, this.onError, body);
    if (!this.shared) {
      this.shared = { server: this.makeServer(), transport: new SharedServerTransport() };
      await this.shared.server.connect(this.shared.transport);
    }
    const answer = await this.shared.transport.request(body as JSONRPCRequest, { authInfo, requestInfo: { headers: req.headers } });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }
}

/**
 * Whether the SDK's transport would take this POST as it is and hand the server one request that
 * needs no per-client state: JSON in, JSON and SSE accepted, a supported protocol version (or
 * none: the default), no session, one JSON-RPC request that is not `initialize`.
 */
function answersOnSharedServer(req: IncomingMessage, body: unknown): boolean {
  const accept = req.headers.accept ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) return false;
  if ((req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase() !== "application/json") return false;
  const version = req.headers["mcp-protocol-version"];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return false;
  if (req.headers["mcp-session-id"] !== undefined) return false;
  return isJSONRPCRequest(body) && body.method !== "initialize";
}

function sendRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
