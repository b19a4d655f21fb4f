import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";

/** Revokes a key: the agent API refuses it (403) within a second on every process. */
export async function revokeApiKey(db: Db, actor: Actor, input: { keyId: string }) {
  authorize(actor, "agents:manage");
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: input.keyId }, select: { id: true, prefix: true, revokedAt: true, agent: { select: { name: true } } } });
    if (!key) throw new AppError("not_found", "That key does not exist.");
    if (key.revokedAt) throw new AppError("conflict", `Key ${key.prefix}… is already revoked.`);
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, { action: "api_key.revoke", subjectType: "api_key", subjectId: key.id, data: { agent: key.agent.name, prefix: key.prefix } });
    return { prefix: key.prefix, agent: key.agent.name };
  });
}
