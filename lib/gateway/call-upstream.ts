import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { sharedSchemaValidator } from "./schema-validator";
import type { CallToolResult, CallUpstream, Upstream, UpstreamTool } from "./types";

/** The upstream could not be reached: nothing was sent, the action did not happen. */
export class UpstreamUnreachable extends Error {
  override name = "UpstreamUnreachable";
}

/** The upstream took longer than allowed: the action may or may not have happened. */
export class UpstreamTimeout extends Error {
  override name = "UpstreamTimeout";
}

/**
 * The SDK's client opens a GET event stream for server-initiated messages once initialized. The
 * gateway makes one call per client and listens for none, so that request (a server and transport
 * at the upstream, a stream held open until close) is answered here as a server without a stream
 * answers it, 405, and never sent.
 */
const withoutEventStream: typeof fetch = (input, init) => (init?.method === "GET" ? Promise.resolve(new Response(null, { status: 405 })) : fetch(input, init));

async function connect(upstream: Pick<Upstream, "url" | "headers">, extraHeaders: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "mandate-gateway", version: "1.0.0" }, { jsonSchemaValidator: sharedSchemaValidator });
  const transport = new StreamableHTTPClientTransport(new URL(upstream.url), { requestInit: { headers: { ...upstream.headers, ...extraHeaders } }, fetch: withoutEventStream });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new UpstreamUnreachable(`cannot reach ${upstream.url}: ${(error as Error).message}`);
  }
  return client;
}

/** Calls one tool on an upstream with the official SDK's client, over Streamable HTTP. */
export const callUpstream: CallUpstream = async (upstream, call, options) => {
  const client = await connect(upstream, options.extraHeaders);
  try {
    return (await client.callTool(call, undefined, { timeout: options.timeoutMs })) as CallToolResult;
  } catch (error) {
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) throw new UpstreamTimeout(`no answer within ${options.timeoutMs} ms`);
    throw error;
  } finally {
    await client.close().catch(() => {});
  }
};

/** Every tool an upstream lists (following its pages). */
export async function listUpstreamTools(upstream: Pick<Upstream, "url" | "headers">, timeoutMs = 5_000): Promise<UpstreamTool[]> {
  const client = await connect(upstream);
  try {
    const tools: UpstreamTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  } finally {
    await client.close().catch(() => {});
  }
}
