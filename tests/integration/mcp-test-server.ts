import http from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** What the test server saw of one HTTP request. */
export interface SeenRequest {
  method: string;
  rpc: string | null;
  headers: http.IncomingHttpHeaders;
  meta?: Record<string, unknown>;
}

export interface TestMcpServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** The tool names it lists now (each echoes its arguments; `slow` waits `delayMs` first). */
  tools: string[];
  delayMs: number;
  close(): Promise<void>;
  /** Listen again on the same port after close(). */
  reopen(): Promise<void>;
}

/**
 * A real MCP server over Streamable HTTP for tests: the official SDK's McpServer behind node:http,
 * stateless (a server and transport per request), as the demo systems run. With `requireHeader`
 * it answers 401 to requests without that header and value.
 */
export async function startTestMcpServer(options: { tools?: string[]; requireHeader?: [string, string]; port?: number } = {}): Promise<TestMcpServer> {
  const state: TestMcpServer = {
    url: "",
    port: 0,
    seen: [],
    tools: options.tools ?? ["echo"],
    delayMs: 0,
    close: async () => {},
    reopen: async () => {},
  };

  const mcp = () => {
    const server = new McpServer({ name: "test-upstream", version: "1.0.0" });
    for (const name of state.tools) {
      server.registerTool(
        name,
        { title: `Tool ${name}`, description: `The ${name} tool`, inputSchema: { text: z.string().optional(), ms: z.number().optional() }, annotations: { readOnlyHint: name.startsWith("list") } },
        async (args, extra) => {
          const wait = name === "slow" ? (args.ms ?? state.delayMs) : 0;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          return { content: [{ type: "text", text: `${name}:${args.text ?? ""}` }], structuredContent: { tool: name, args, meta: extra._meta ?? null } };
        },
      );
    }
    return server;
  };

  const httpServer = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: { method?: string; params?: { _meta?: Record<string, unknown> } } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    state.seen.push({ method: req.method ?? "", rpc: body?.method ?? null, headers: req.headers, meta: body?.params?._meta });
    if (options.requireHeader && req.headers[options.requireHeader[0].toLowerCase()] !== options.requireHeader[1]) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    const server = mcp();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });

  const listen = (port: number) => new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
  await listen(options.port ?? 0);
  state.port = (httpServer.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}/mcp`;
  state.close = () =>
    new Promise<void>((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeAllConnections();
    });
  state.reopen = () => listen(state.port);
  return state;
}

/** An HTTP server that is not MCP: it answers every request with a web page. */
export async function startPlainHttpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Hello</title><p>Not an MCP server.</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
