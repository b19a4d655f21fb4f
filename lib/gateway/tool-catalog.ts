import type { CompiledPolicy } from "@/lib/engine";
import type { ToolMapping } from "@/lib/policy/document-schema";
import type { Upstream, UpstreamTool } from "./types";

export interface CatalogEntry {
  upstream: Upstream;
  tool: UpstreamTool;
  /** The policy's mapping for this tool, or null: an unmapped tool, hidden and refused. */
  mapping: ToolMapping | null;
}

/**
 * The tools an agent sees and may call: upstream tools that the policy in force maps to an action
 * that is neither forbidden nor unknown. Built once per policy version and upstream list, then
 * looked up by name on every call.
 */
export class ToolCatalog {
  readonly visible: UpstreamTool[] = [];
  private readonly byName = new Map<string, CatalogEntry>();

  constructor(upstreams: readonly Upstream[], policy: CompiledPolicy | null) {
    const mappings = new Map<string, ToolMapping>();
    for (const mapping of policy?.document.tools ?? []) mappings.set(`${mapping.server}\u0000${mapping.tool}`, mapping);
    for (const upstream of upstreams) {
      for (const tool of upstream.tools) {
        // Registration refuses a tool name two servers expose; the first registered wins should one slip through.
        if (this.byName.has(tool.name)) continue;
        const mapping = mappings.get(`${upstream.name}\u0000${tool.name}`) ?? null;
        this.byName.set(tool.name, { upstream, tool, mapping });
        if (mapping && policy && policy.actions.has(mapping.action) && !policy.forbidden.has(mapping.action)) this.visible.push(tool);
      }
    }
  }

  find(name: string): CatalogEntry | null {
    return this.byName.get(name) ?? null;
  }
}
