import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { describeClashes, findToolClashes, readUpstream } from "./read-upstream";
import { lockToolRegistry } from "./registry-lock";
import { registerToolServerSchema, type RegisterToolServerInput, type UpstreamTool } from "./schemas";
import { sealHeaders } from "./sealed-headers";

/**
 * Registers an upstream MCP server: reads its tool list at once and refuses, naming the problem,
 * a server that cannot be reached, one that is not MCP, or one exposing a tool name another server
 * already exposes. The header values are sealed and never returned; the audit entry names them only.
 */
export async function registerToolServer(db: Db, actor: Actor, input: RegisterToolServerInput) {
  authorize(actor, "tools:manage");
  const data = parseOrThrow(registerToolServerSchema, input);
  const taken = () => new AppError("conflict", `A tool server named ${data.name} is already registered.`, [{ path: "name", message: "Already in use" }]);
  if (await db.toolServer.findUnique({ where: { name: data.name }, select: { id: true } })) throw taken();

  const reading = await readUpstream(data.url, data.headers);
  if (!reading.ok) throw new AppError("unprocessable", reading.message, [{ path: "url", message: reading.status === "unreachable" ? "Nothing answered at this address in time" : "This address did not answer as a usable MCP server" }]);

  const id = randomUUID();
  const headerNames = Object.keys(data.headers);
  const server = await db.$transaction(async (tx) => {
    await lockToolRegistry(tx);
    if (await tx.toolServer.findUnique({ where: { name: data.name }, select: { id: true } })) throw taken();
    const others = await tx.toolServer.findMany({ select: { name: true, tools: true } });
    const clashes = findToolClashes(reading.tools, others.map((o) => ({ name: o.name, tools: o.tools as unknown as UpstreamTool[] })));
    if (clashes.length > 0) {
      const message = describeClashes(data.name, clashes);
      throw new AppError("conflict", message, [{ path: "url", message: "This server lists a tool another registered server already exposes" }]);
    }
    const row = await tx.toolServer.create({
      data: {
        id,
        name: data.name,
        url: data.url,
        headersSealed: sealHeaders(id, data.headers),
        headerNames,
        tools: reading.tools as object[],
        status: "ok",
        lastCheckedAt: new Date(),
        createdBy: actor.label,
      },
      select: { id: true, name: true, url: true },
    });
    await recordAudit(tx, actor, {
      action: "tool_server.register",
      subjectType: "tool_server",
      subjectId: id,
      data: { name: data.name, url: data.url, header_names: headerNames, tools: reading.tools.map((t) => t.name) },
    });
    return row;
  });
  return { ...server, headerNames, tools: reading.tools };
}
