import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { lockToolRegistry } from "./registry-lock";
import { toolServerRefSchema, type UpstreamTool } from "./schemas";

/** Removes an upstream: the gateway no longer lists or forwards to its tools, and its sealed credentials are gone. */
export async function removeToolServer(db: Db, actor: Actor, input: { name: string }) {
  authorize(actor, "tools:manage");
  const { name } = parseOrThrow(toolServerRefSchema, input);
  return db.$transaction(async (tx) => {
    await lockToolRegistry(tx);
    const server = await tx.toolServer.findUnique({ where: { name }, select: { id: true, url: true, tools: true } });
    if (!server) throw new AppError("not_found", `No tool server is named ${name}.`);
    await tx.toolServer.delete({ where: { id: server.id } });
    const tools = (server.tools as unknown as UpstreamTool[]).map((t) => t.name);
    await recordAudit(tx, actor, { action: "tool_server.remove", subjectType: "tool_server", subjectId: server.id, data: { name, url: server.url, tools } });
    return { name, url: server.url, tools };
  });
}
