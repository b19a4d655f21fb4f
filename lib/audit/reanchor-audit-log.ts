import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import type { Actor } from "./actor";
import { getAuditTrust, type AuditTrust } from "./audit-trust";
import { recordAudit } from "./record-audit";
import { AUDIT_SEAL_LOCK_KEY } from "./seal-audit-log";
import { signRecord } from "./signed-head";
import { verifyAuditChain } from "./verify-audit-chain";
import type { ReanchorRecord } from "./witness";

export interface ReanchorResult {
  continueFrom: { seal_id: number; hash: string } | null;
  lastWitnessed: { seal_id: number; hash: string } | null;
}

/**
 * After a legitimate restore from backup the database's log is shorter than the witness says,
 * exactly as after a rollback attack. An operator says so explicitly: this records, signed and
 * in the witness, that the log continues from the database's newest seal, and audits it. The
 * verifier then names the seals given up instead of failing. Refused unless the database's own
 * chain verifies (entries, MACs, seals, signatures): a re-anchoring never blesses a forgery.
 */
export async function reanchorAuditLog(db: Db, actor: Actor, input: { reason: string }, trust: AuditTrust = getAuditTrust()): Promise<ReanchorResult> {
  if (actor.type !== "cli") throw new AppError("forbidden", "Re-anchoring the audit log is an operator's act: run `mandate audit reanchor` on the server.");
  const reason = input.reason.trim();
  if (reason.length < 10) throw new AppError("validation_failed", "Say why the log is re-anchored (at least 10 characters): the reason is signed and kept.", [{ path: "reason", message: "At least 10 characters" }]);

  const own = await verifyAuditChain(db, { trust, skipWitness: true });
  if (!own.ok) throw new AppError("conflict", `The database's own audit chain does not verify, so it cannot be re-anchored: ${own.failure!.message}`);

  let lastWitnessed: ReanchorResult["lastWitnessed"] = null;
  for await (const { record } of trust.witness.read()) {
    if (record?.type === "seal") lastWitnessed = { seal_id: record.seal_id, hash: record.hash };
    else if (record?.type === "reanchor") lastWitnessed = record.continue_from;
  }
  const continueFrom = own.head ? { seal_id: own.head.sealId, hash: own.head.hash } : null;
  const signing = trust.keys.currentSigning();
  const fields: Omit<ReanchorRecord, "signature"> = {
    type: "reanchor",
    at: new Date().toISOString(),
    by: actor.label,
    reason,
    continue_from: continueFrom,
    last_witnessed: lastWitnessed,
    kid: signing.kid,
  };
  const record: ReanchorRecord = { ...fields, signature: signRecord(fields as unknown as Record<string, unknown>, signing.privateKey) };

  await db.$transaction(async (tx) => {
    // Under the sealer's lock, and only if no seal came in since the chain was checked.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_SEAL_LOCK_KEY}::bigint)`;
    const newest = await tx.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true } });
    if ((newest?.id ?? null) !== (continueFrom?.seal_id ?? null) || (newest?.hash ?? null) !== (continueFrom?.hash ?? null)) {
      throw new AppError("conflict", "A seal was made while the log was being checked: run the re-anchoring again.");
    }
    await recordAudit(tx, actor, { action: "audit.reanchor", subjectType: "audit_log", subjectId: null, data: { reason, continue_from: continueFrom, last_witnessed: lastWitnessed } });
    // Witnessed before the commit, like a seal: the witness is never behind the database.
    await trust.witness.append([record]);
  });
  return { continueFrom, lastWitnessed };
}
