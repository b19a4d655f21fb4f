import { AsyncLocalStorage } from "node:async_hooks";
import { sharedSchemaValidator } from "@/lib/api/mcp-schema-validator";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { nodeFetch } from "./node-fetch";
import type { UpstreamTool } from "./schemas";

export type { UpstreamTool } from "./schemas";
export type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * Mandate as an MCP client of the upstream tool servers (official SDK, Streamable HTTP).
 * Listing opens a fresh connection (registration and refresh are rare, and must see the server
 * as it is now). Calls reuse one connected Client per url + headers: after the first call a
 * tool call is one HTTP POST on a kept-alive socket, no initialize handshake.
 */

const DEFAULT_TIMEOUT_MS = 10_000;
const CLIENT_INFO = { name: "mandate-gateway", version: "1.0.0" };
// A server that pages for ever (or lists absurdly many tools) is cut off, not followed.
const MAX_PAGES = 50;
const MAX_TOOLS = 2_000;
// Connected clients kept; the oldest is closed past this (each holds only a keep-alive socket).
const MAX_CACHED_CLIENTS = 256;

/** The upstream did not answer within the time allowed: a call may or may not have taken effect. */
export class UpstreamTimeout extends Error {
  constructor(readonly url: string, readonly timeoutMs: number) {
    super(`The tool server at ${url} did not answer within ${timeoutMs} ms.`);
    this.name = "UpstreamTimeout";
  }
}

/** Nothing answered at the address (refused, unknown host, reset before an answer). */
export class UpstreamUnreachable extends Error {
  constructor(readonly url: string, readonly detail: string) {
    super(`The tool server at ${url} could not be reached (${detail}).`);
    this.name = "UpstreamUnreachable";
  }
}

/** Something answered, but not as an MCP server over Streamable HTTP (or it refused the credentials). */
export class UpstreamProtocolError extends Error {
  /** The HTTP status when the answer was an HTTP error (401 and 403: the credentials were refused). */
  constructor(readonly url: string, readonly detail: string, readonly httpStatus?: number) {
    super(`The address ${url} did not answer as an MCP server (${detail}).`);
    this.name = "UpstreamProtocolError";
  }
}

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** Every tool the upstream lists, following pagination cursors. */
export async function listUpstreamTools(url: string, headers: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<UpstreamTool[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = newClient();
  try {
    await withErrors(url, timeoutMs, () => client.connect(newTransport(url, headers), { timeout: timeoutMs }));
    const tools: UpstreamTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await withErrors(url, timeoutMs, () => client.listTools(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs }));
      for (const tool of result.tools) tools.push(asUpstreamTool(tool));
      if (tools.length > MAX_TOOLS) throw new UpstreamProtocolError(url, `it lists more than ${MAX_TOOLS} tools`);
      cursor = result.nextCursor;
      if (cursor === undefined) return tools;
    }
    throw new UpstreamProtocolError(url, `its tool list goes on past ${MAX_PAGES} pages`);
  } finally {
    void client.close().catch(() => {});
  }
}

/**
 * One tool call, forwarded as given; the result comes back as the upstream sent it (an error the
 * tool reports is a result with `isError`, not an exception). `extraHeaders` go on this call's
 * HTTP request only (the gateway's `Mandate-Grant`).
 */
export async function callUpstreamTool(
  url: string,
  headers: Record<string, string>,
  call: ToolCall,
  options: { timeoutMs?: number; extraHeaders?: Record<string, string> } = {},
): Promise<CallToolResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const key = cacheKey(url, headers);
  let entry = clients.get(key);
  if (!entry) {
    entry = connect(url, headers, timeoutMs);
    remember(key, entry);
  }
  let client: Client;
  try {
    client = await entry;
  } catch (error) {
    forget(key, entry);
    throw error;
  }
  const params = { name: call.name, arguments: call.arguments, ...(call._meta ? { _meta: call._meta } : {}) };
  // What is left of the time once connecting took its share: the caller's budget is for the whole call.
  const remaining = Math.max(1, timeoutMs - (Date.now() - started));
  try {
    const scope = { headers: options.extraHeaders, signal: AbortSignal.timeout(remaining + 50) };
    return (await withErrors(url, timeoutMs, () => perCall.run(scope, () => client.callTool(params, undefined, { timeout: remaining })))) as CallToolResult;
  } catch (error) {
    // A broken connection or a refused session is dropped so the next call connects afresh; a
    // timeout or an error the server answered leaves the connection as good as it was.
    if (error instanceof UpstreamUnreachable || error instanceof UpstreamProtocolError) forget(key, entry);
    throw error;
  }
}

/** Closes every cached connection (tests, shutdown, after the registry changed credentials). */
export async function closeUpstreamClients(): Promise<void> {
  const entries = [...clients.values()];
  clients.clear();
  await Promise.all(entries.map((entry) => entry.then((client) => client.close()).catch(() => {})));
}

const clients = new Map<string, Promise<Client>>();
// One call's extra headers and abort signal, set around the call and read by the transport's fetch
// in the same async context. The call's own signal replaces the cached transport's, which would
// otherwise collect an abort listener per request for its whole life, and it frees the socket of
// a call that timed out.
const perCall = new AsyncLocalStorage<{ headers?: Record<string, string>; signal: AbortSignal }>();

function cacheKey(url: string, headers: Record<string, string>): string {
  return JSON.stringify([url, Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

function remember(key: string, entry: Promise<Client>): void {
  clients.set(key, entry);
  if (clients.size <= MAX_CACHED_CLIENTS) return;
  const [oldestKey, oldest] = clients.entries().next().value as [string, Promise<Client>];
  clients.delete(oldestKey);
  void oldest.then((client) => client.close()).catch(() => {});
}

function forget(key: string, entry: Promise<Client>): void {
  if (clients.get(key) !== entry) return;
  clients.delete(key);
  void entry.then((client) => client.close()).catch(() => {});
}

async function connect(url: string, headers: Record<string, string>, timeoutMs: number): Promise<Client> {
  const client = newClient();
  try {
    await withErrors(url, timeoutMs, () => client.connect(newTransport(url, headers), { timeout: timeoutMs }));
    return client;
  } catch (error) {
    void client.close().catch(() => {});
    throw error;
  }
}

function newClient(): Client {
  return new Client(CLIENT_INFO, { capabilities: {}, jsonSchemaValidator: sharedSchemaValidator });
}

function newTransport(url: string, headers: Record<string, string>): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: gatewayFetch });
}

/**
 * The transport's fetch (node:http, see node-fetch.ts). It adds the current call's extra headers, and answers the transport's
 * optional GET (a stream for server-initiated messages, which the gateway does not take) with
 * 405 itself, as a server without that stream would: no idle stream is held open per upstream.
 */
async function gatewayFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  if ((init?.method ?? "GET").toUpperCase() === "GET") return new Response(null, { status: 405 });
  const call = perCall.getStore();
  if (!call) return nodeFetch(input, init);
  if (!call.headers) return nodeFetch(input, { ...init, signal: call.signal });
  const merged = new Headers(init?.headers);
  for (const [name, value] of Object.entries(call.headers)) merged.set(name, value);
  return nodeFetch(input, { ...init, headers: merged, signal: call.signal });
}

/** Runs one SDK request and turns what went wrong into the three errors callers tell apart. */
async function withErrors<T>(url: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error, url, timeoutMs);
  }
}

function classify(error: unknown, url: string, timeoutMs: number): unknown {
  if (error instanceof UpstreamTimeout || error instanceof UpstreamUnreachable || error instanceof UpstreamProtocolError) return error;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return new UpstreamTimeout(url, timeoutMs);
  // The call's own abort signal fired (it is set just past the SDK's timeout, which normally wins).
  if (error instanceof Error && error.name === "TimeoutError") return new UpstreamTimeout(url, timeoutMs);
  if (error instanceof StreamableHTTPError) {
    const status = error.code !== undefined && error.code > 0 ? error.code : undefined;
    const detail = status === 401 || status === 403 ? `HTTP ${status}: it refused the credentials` : status ? `HTTP ${status}` : error.message.replace(/^Streamable HTTP error: /, "");
    return new UpstreamProtocolError(url, detail, status);
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new UpstreamUnreachable(url, cause?.code ?? cause?.message ?? "network error");
  }
  // An answer that is not JSON-RPC (HTML, another JSON), or an initialize result the SDK refuses.
  if (error instanceof SyntaxError || (error instanceof Error && (error.name === "ZodError" || /initialize result|protocol version/i.test(error.message)))) {
    return new UpstreamProtocolError(url, error.name === "ZodError" ? "its answer is not a JSON-RPC message" : error.message);
  }
  // An error the server answered (JSON-RPC error object) stays an McpError for the caller.
  return error;
}

function asUpstreamTool(tool: Record<string, unknown> & { name: string; inputSchema: Record<string, unknown> }): UpstreamTool {
  const out: UpstreamTool = { name: tool.name, inputSchema: tool.inputSchema };
  if (typeof tool.title === "string") out.title = tool.title;
  if (typeof tool.description === "string") out.description = tool.description;
  if (tool.outputSchema && typeof tool.outputSchema === "object") out.outputSchema = tool.outputSchema as Record<string, unknown>;
  if (tool.annotations && typeof tool.annotations === "object") out.annotations = tool.annotations as Record<string, unknown>;
  return out;
}
