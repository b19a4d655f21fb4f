import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { getKeyStore, reloadKeyStore } from "./current-key-store";
import { rotateKeyStore, type RotationResult } from "./key-store";

/**
 * Makes new current keys (signing, MAC or both); older keys stay in the store and keep
 * verifying what they signed. Audited. Other servers sharing the folder pick the new keys up
 * within seconds (lib/keys/current-key-store.ts).
 */
export async function rotateKeys(db: Db, actor: Actor, which: { mac: boolean; signing: boolean }): Promise<RotationResult> {
  if (actor.type !== "cli" && !(actor.type === "user" && actor.roles.includes("admin"))) {
    throw new AppError("forbidden", "Only an administrator or the server's operator rotates keys.");
  }
  if (!which.mac && !which.signing) throw new AppError("validation_failed", "Say which keys to rotate.");
  const dir = getKeyStore().dir;
  return db.$transaction(async (tx) => {
    const result = rotateKeyStore(dir, which);
    reloadKeyStore();
    await recordAudit(tx, actor, { action: "keys.rotate", subjectType: "key_store", subjectId: null, data: { mac_key: result.mac?.id ?? null, signing_key: result.signing?.kid ?? null } });
    return result;
  });
}
