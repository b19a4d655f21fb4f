import type { Db } from "@/lib/db/prisma";
import type { AuditTrust } from "./audit-trust";
import { verifyRecord, verifySealHead } from "./signed-head";
import type { AuditFailure } from "./verify-audit-chain";
import type { ReanchorRecord, WitnessedSeal } from "./witness";

/** Seals given up by a signed re-anchoring (a legitimate restore from backup). */
export interface WitnessGap {
  fromSealId: number;
  toSealId: number;
  at: string;
  by: string;
  reason: string;
  message: string;
}

export interface WitnessCheck {
  failure: AuditFailure | null;
  flags: string[];
  gaps: WitnessGap[];
}

type Pin = { sealId: number; hash: string; line: number };

// Only the newest heads matter (each vouches for the chain before it); a few are kept for messages.
const RECENT_HEADS = 4;

/**
 * Compares the database's seal chain (already verified link by link and signature by signature)
 * with the witness: every witness line must be signed by Mandate, each re-anchoring must name a
 * seal the database holds, and the newest witnessed head must still be in the database with the
 * same hash. Seals are chained, so one pinned head vouches for every seal before it; a head the
 * database lacks means truncation or a rollback, unless a signed re-anchoring gave it up.
 */
export async function checkWitness(
  db: Db,
  trust: AuditTrust,
  head: { sealId: number; hash: string } | null,
  trustedHead: { sealId: number; hash: string } | null,
): Promise<WitnessCheck> {
  const flags: string[] = [];
  const gaps: WitnessGap[] = [];
  const fail = (message: string, sealId?: number): WitnessCheck => ({
    failure: { kind: "witness", ...(sealId === undefined ? {} : { sealId }), message },
    flags,
    gaps,
  });
  const where = trust.witness.location;

  let recent: Pin[] = [];
  let anchor: Pin | null = null;
  let lines = 0;
  for await (const { line, record } of trust.witness.read()) {
    lines += 1;
    if (!record) return fail(`Line ${line} of the witness (${where}) is not a witness record: the witness file was damaged or edited.`);
    const key = trust.keys.signingKey(record.kid);
    if (!key) return fail(`Line ${line} of the witness (${where}) is signed by key ${record.kid}, which is not in this key store.`);
    if (record.type === "seal") {
      const { type: _type, signature, ...sealHeadFields } = record as WitnessedSeal; // eslint-disable-line @typescript-eslint/no-unused-vars
      if (!verifySealHead(sealHeadFields, signature, key.publicKey)) return fail(`Line ${line} of the witness (${where}) carries a signature that does not verify: it was edited.`);
      recent.push({ sealId: record.seal_id, hash: record.hash, line });
      if (recent.length > RECENT_HEADS) recent.shift();
      continue;
    }
    const { signature, ...fields } = record as ReanchorRecord;
    if (!verifyRecord(fields as unknown as Record<string, unknown>, signature, key.publicKey)) {
      return fail(`Line ${line} of the witness (${where}) is a re-anchoring whose signature does not verify: it was edited.`);
    }
    const from = record.continue_from;
    if (from) {
      const held = await sealHash(db, from.seal_id);
      if (held !== from.hash) {
        return fail(
          `The log was re-anchored on ${record.at} to continue from seal ${from.seal_id} (${from.hash.slice(0, 12)}…), but the database ${held ? "holds another seal under that number" : "no longer holds it"}: the log was rewritten or truncated after the re-anchoring.`,
          from.seal_id,
        );
      }
    }
    const lastBefore = recent[recent.length - 1] ?? anchor;
    const gapFrom = (from?.seal_id ?? 0) + 1;
    if (lastBefore && lastBefore.sealId >= gapFrom) {
      gaps.push({
        fromSealId: gapFrom,
        toSealId: lastBefore.sealId,
        at: record.at,
        by: record.by,
        reason: record.reason,
        message: `seals ${gapFrom}–${lastBefore.sealId} were witnessed but given up by a restore, re-anchored on ${record.at} by ${record.by}: "${record.reason}".`,
      });
    }
    anchor = from ? { sealId: from.seal_id, hash: from.hash, line } : null;
    recent = [];
  }

  if (trustedHead) {
    const held = await sealHash(db, trustedHead.sealId);
    const inGap = gaps.find((g) => trustedHead.sealId >= g.fromSealId && trustedHead.sealId <= g.toSealId);
    if (held !== trustedHead.hash && !inGap) {
      return fail(
        `The head you trusted, seal ${trustedHead.sealId} (${trustedHead.hash.slice(0, 12)}…), is ${held ? "no longer what the log holds under that number: the log was rewritten" : "not in the log any more: the log was truncated or rolled back"} since you trusted it.`,
        trustedHead.sealId,
      );
    }
  }

  if (lines === 0) {
    const signed = await db.auditSeal.count({ where: { signature: { not: null } } });
    if (signed > 0) {
      return fail(
        `The witness (${where}) holds no record of this log, which has ${signed.toLocaleString("en-US")} signed seals: the witness was lost or belongs to another log. ` +
          "If you know why, record it with `mandate audit reanchor --reason …`.",
      );
    }
    return { failure: null, flags, gaps };
  }

  // Seals are chained: the newest witnessed head, still in place, vouches for every seal before it.
  const newest = recent[recent.length - 1] ?? anchor;
  if (!newest) return { failure: null, flags, gaps };
  const held = await sealHash(db, newest.sealId);
  if (held === newest.hash) {
    const unseen = head ? head.sealId - newest.sealId : 0;
    if (unseen > 60) {
      flags.push(
        `The database holds ${unseen.toLocaleString("en-US")} seals newer than the witness's last head (seal ${newest.sealId}): the witness (${where}) is an older copy, or another server seals to another witness.`,
      );
    }
    return { failure: null, flags, gaps };
  }
  if (held) {
    return fail(`Seal ${newest.sealId} is not the seal the witness recorded (line ${newest.line} of ${where}): the log was rewritten and re-sealed in the database.`, newest.sealId);
  }
  const ends = head ? `ends at seal ${head.sealId}` : "holds no seal";
  return fail(
    `The witness recorded seal ${newest.sealId} (${newest.hash.slice(0, 12)}…, line ${newest.line} of ${where}), but the database's log ${ends}: ` +
      "seals and their entries were deleted, or the database was restored from an older copy. After a legitimate restore, record it with `mandate audit reanchor --reason …`.",
    newest.sealId,
  );
}

async function sealHash(db: Db, sealId: number): Promise<string | null> {
  const seal = await db.auditSeal.findUnique({ where: { id: sealId }, select: { hash: true } });
  return seal?.hash ?? null;
}
