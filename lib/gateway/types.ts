import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Upstream } from "@/lib/tool-servers/queries";

// The gateway's upstreams are the registry's tool servers (lib/tool-servers), credentials opened.
export type { Upstream } from "@/lib/tool-servers/queries";
export type { UpstreamTool } from "@/lib/tool-servers/schemas";
export type { CallToolResult };

/** Calls a tool on an upstream over MCP; rejects with UpstreamTimeout when it does not answer in time. */
export type CallUpstream = (
  upstream: Pick<Upstream, "name" | "url" | "headers">,
  call: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> },
  options: { timeoutMs: number; extraHeaders?: Record<string, string> },
) => Promise<CallToolResult>;
