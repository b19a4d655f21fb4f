import { McpError } from "@modelcontextprotocol/sdk/types.js";
import type { ToolServerStatus, UpstreamTool } from "./schemas";
import { listUpstreamTools, UpstreamProtocolError, UpstreamTimeout, UpstreamUnreachable } from "./upstream-client";

/** How long registering or refreshing waits for an upstream's tool list. */
export const READ_TIMEOUT_MS = 10_000;

export type UpstreamReading = { ok: true; tools: UpstreamTool[] } | { ok: false; status: Exclude<ToolServerStatus, "ok">; message: string };

/** The upstream's tool list now, or what is wrong with it in words a person can act on. */
export async function readUpstream(url: string, headers: Record<string, string>, timeoutMs = READ_TIMEOUT_MS): Promise<UpstreamReading> {
  let tools: UpstreamTool[];
  try {
    tools = await listUpstreamTools(url, headers, { timeoutMs });
  } catch (error) {
    return { ok: false, ...describeFailure(error, url, timeoutMs) };
  }
  const seen = new Set<string>();
  for (const tool of tools) {
    if (seen.has(tool.name)) return { ok: false, status: "error", message: `${url} lists the tool ${tool.name} twice: tool names must be unique.` };
    seen.add(tool.name);
  }
  return { ok: true, tools };
}

function describeFailure(error: unknown, url: string, timeoutMs: number): { status: Exclude<ToolServerStatus, "ok">; message: string } {
  if (error instanceof UpstreamUnreachable) return { status: "unreachable", message: `Nothing answered at ${url} (${error.detail}). Check the address and that the server is running.` };
  if (error instanceof UpstreamTimeout) return { status: "unreachable", message: `${url} did not answer within ${Math.round(timeoutMs / 1000)} seconds.` };
  if (error instanceof UpstreamProtocolError) {
    if (error.httpStatus === 401 || error.httpStatus === 403) return { status: "error", message: `${url} refused the credentials (HTTP ${error.httpStatus}). Check the headers.` };
    return { status: "error", message: `${url} is not an MCP server over Streamable HTTP (${error.detail}).` };
  }
  if (error instanceof McpError) return { status: "error", message: `${url} answered, but gave no tool list (${error.message}).` };
  return { status: "error", message: `Reading the tool list of ${url} failed (${error instanceof Error ? error.message : String(error)}).` };
}

/** Tools in `tools` that another registered server already exposes: the gateway's tool names are one namespace. */
export function findToolClashes(tools: readonly UpstreamTool[], others: readonly { name: string; tools: readonly UpstreamTool[] }[]): { tool: string; server: string }[] {
  const owner = new Map<string, string>();
  for (const other of others) for (const tool of other.tools) owner.set(tool.name, other.name);
  return tools.flatMap((tool) => (owner.has(tool.name) ? [{ tool: tool.name, server: owner.get(tool.name)! }] : []));
}

/** "the tool issue_refund is already exposed by payments" (one or several). */
export function describeClashes(server: string, clashes: readonly { tool: string; server: string }[]): string {
  const parts = clashes.slice(0, 5).map((c) => `${c.tool} is already exposed by ${c.server}`);
  const more = clashes.length > 5 ? ` (and ${clashes.length - 5} more)` : "";
  return `${server} lists tools another registered server already exposes: ${parts.join("; ")}${more}. Tool names must be unique across tool servers.`;
}
