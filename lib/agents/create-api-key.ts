import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { generateApiKey } from "./api-key";
import { rateLimitSchema } from "./schemas";

/** Issues another key for an agent (key rotation). The key is returned once. */
export async function createApiKey(db: Db, actor: Actor, input: { agentId: string; rateLimitPerSecond: number | string; name?: string }) {
  authorize(actor, "agents:manage");
  const rateLimitPerSecond = parseOrThrow(rateLimitSchema, input.rateLimitPerSecond);
  const generated = generateApiKey();
  return db.$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({ where: { id: input.agentId }, select: { id: true, name: true } });
    if (!agent) throw new AppError("not_found", "That agent does not exist.");
    const key = await tx.apiKey.create({
      data: { agentId: agent.id, name: input.name?.trim() || "key", prefix: generated.prefix, hash: generated.hash, rateLimitPerSecond },
    });
    await recordAudit(tx, actor, { action: "api_key.create", subjectType: "api_key", subjectId: key.id, data: { agent: agent.name, prefix: key.prefix, rate_limit_per_second: rateLimitPerSecond } });
    return { id: key.id, prefix: key.prefix, key: generated.key, agent: agent.name };
  });
}
