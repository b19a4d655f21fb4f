import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { canonicalJson } from "@/lib/engine/canonical";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { describeClashes, findToolClashes, readUpstream } from "./read-upstream";
import { lockToolRegistry } from "./registry-lock";
import { toolServerRefSchema, type ToolServerStatus, type UpstreamTool } from "./schemas";
import { openHeaders } from "./sealed-headers";

export interface ToolListChange {
  added: string[];
  removed: string[];
  /** Same name, another description or schema. */
  changed: string[];
}

/**
 * Reads an upstream's tool list again and records its status. A server that fails keeps the tools
 * last read (they come back when it does); a new list that would clash with another server's tool
 * is not taken. Audited only when the stored tool list changes.
 */
export async function refreshToolServer(db: Db, actor: Actor, input: { name: string }) {
  authorize(actor, "tools:manage");
  const { name } = parseOrThrow(toolServerRefSchema, input);
  const found = await db.toolServer.findUnique({ where: { name }, select: { id: true, url: true, headersSealed: true } });
  if (!found) throw new AppError("not_found", `No tool server is named ${name}.`);
  const reading = await readUpstream(found.url, openHeaders(found.id, found.headersSealed));

  return db.$transaction(async (tx) => {
    await lockToolRegistry(tx);
    const server = await tx.toolServer.findUnique({ where: { name }, select: { id: true, url: true, tools: true } });
    // Removed, or removed and registered again, while the list was read: nothing to refresh.
    if (!server || server.id !== found.id) throw new AppError("not_found", `No tool server is named ${name}.`);
    const stored = server.tools as unknown as UpstreamTool[];
    let status: ToolServerStatus = "ok";
    let lastError: string | null = null;
    let tools = stored;
    if (!reading.ok) {
      status = reading.status;
      lastError = reading.message;
    } else {
      const others = await tx.toolServer.findMany({ where: { id: { not: server.id } }, select: { name: true, tools: true } });
      const clashes = findToolClashes(reading.tools, others.map((o) => ({ name: o.name, tools: o.tools as unknown as UpstreamTool[] })));
      if (clashes.length > 0) {
        status = "error";
        lastError = `${describeClashes(name, clashes)} The new tool list was not taken.`;
      } else tools = reading.tools;
    }
    const change = compareTools(stored, tools);
    const changed = change.added.length + change.removed.length + change.changed.length > 0;
    const checkedAt = new Date();
    await tx.toolServer.update({
      where: { id: server.id },
      data: { status, lastError, lastCheckedAt: checkedAt, ...(changed ? { tools: tools as object[] } : {}) },
    });
    if (changed) {
      await recordAudit(tx, actor, { action: "tool_server.refresh", subjectType: "tool_server", subjectId: server.id, data: { name, url: server.url, ...change } });
    }
    return { name, status, lastError, lastCheckedAt: checkedAt, tools, change: changed ? change : null };
  });
}

export function compareTools(before: readonly UpstreamTool[], after: readonly UpstreamTool[]): ToolListChange {
  const old = new Map(before.map((t) => [t.name, canonicalJson(t)]));
  const now = new Map(after.map((t) => [t.name, canonicalJson(t)]));
  return {
    added: [...now.keys()].filter((n) => !old.has(n)),
    removed: [...old.keys()].filter((n) => !now.has(n)),
    changed: [...now.keys()].filter((n) => old.has(n) && old.get(n) !== now.get(n)),
  };
}
