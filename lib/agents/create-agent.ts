import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { generateApiKey } from "./api-key";
import { createAgentSchema, type CreateAgentInput } from "./schemas";

/** Creates an agent and its first API key. The key is returned once and never stored in clear. */
export async function createAgent(db: Db, actor: Actor, input: CreateAgentInput) {
  authorize(actor, "agents:manage");
  const data = parseOrThrow(createAgentSchema, input);
  if (await db.agent.findUnique({ where: { name: data.name }, select: { id: true } })) {
    throw new AppError("conflict", `An agent named ${data.name} already exists.`, [{ path: "name", message: "Already in use" }]);
  }
  const generated = generateApiKey();
  return db.$transaction(async (tx) => {
    const agent = await tx.agent.create({ data: { name: data.name, description: data.description } });
    const apiKey = await tx.apiKey.create({
      data: { agentId: agent.id, prefix: generated.prefix, hash: generated.hash, rateLimitPerSecond: data.rateLimitPerSecond },
    });
    await recordAudit(tx, actor, { action: "agent.create", subjectType: "agent", subjectId: agent.id, data: { name: agent.name } });
    await recordAudit(tx, actor, {
      action: "api_key.create",
      subjectType: "api_key",
      subjectId: apiKey.id,
      data: { agent: agent.name, prefix: apiKey.prefix, rate_limit_per_second: apiKey.rateLimitPerSecond },
    });
    return { agent: { id: agent.id, name: agent.name }, apiKey: { id: apiKey.id, prefix: apiKey.prefix, key: generated.key } };
  });
}
