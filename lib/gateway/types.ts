import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";

/** A tool as its upstream server lists it: name, description and schemas passed on unchanged. */
export type UpstreamTool = Tool;
export type { CallToolResult };

/** An upstream MCP server registered by IT (lib/tool-servers), with its credentials opened (server side only). */
export interface Upstream {
  name: string;
  url: string;
  headers: Record<string, string>;
  tools: UpstreamTool[];
}

/** Calls a tool on an upstream over MCP; rejects with UpstreamTimeout when it does not answer in time. */
export type CallUpstream = (
  upstream: Upstream,
  call: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> },
  options: { timeoutMs: number; extraHeaders?: Record<string, string> },
) => Promise<CallToolResult>;
