import type { ToolMapping } from "@/lib/policy/document-schema";

/**
 * The tools a server lists that the policy in force does not map: the gateway hides them from
 * agents and denies calls to them (`unmapped_tool`), so IT sees them here to map them.
 */
export function unmappedTools(server: { name: string; tools: readonly { name: string }[] }, mappings: readonly Pick<ToolMapping, "server" | "tool">[]): string[] {
  const mapped = new Set(mappings.filter((m) => m.server === server.name).map((m) => m.tool));
  return server.tools.map((t) => t.name).filter((name) => !mapped.has(name));
}
