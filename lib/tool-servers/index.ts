// The registry of upstream MCP servers, for the gateway (lib/gateway), the console and the CLI.
export { listUpstreamTools, callUpstreamTool, closeUpstreamClients, UpstreamTimeout, UpstreamUnreachable, UpstreamProtocolError, type ToolCall, type CallToolResult } from "./upstream-client";
export { registerToolServer } from "./register-tool-server";
export { removeToolServer } from "./remove-tool-server";
export { refreshToolServer, type ToolListChange } from "./refresh-tool-server";
export { listToolServers, loadUpstreams, type ToolServerSummary, type Upstream } from "./queries";
export { unmappedTools } from "./unmapped-tools";
export type { UpstreamTool, ToolServerStatus } from "./schemas";
