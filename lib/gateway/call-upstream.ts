import { callUpstreamTool } from "@/lib/tool-servers/upstream-client";
import type { CallUpstream } from "./types";

/**
 * The gateway's call to an upstream tool: the registry's MCP client (official SDK, Streamable
 * HTTP, one cached connection per server). It rejects with UpstreamUnreachable (nothing was sent),
 * UpstreamTimeout (no answer in time) or UpstreamProtocolError (an answer that is not MCP).
 */
export const callUpstream: CallUpstream = (upstream, call, options) => callUpstreamTool(upstream.url, upstream.headers, call, options);
