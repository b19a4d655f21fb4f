import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

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
