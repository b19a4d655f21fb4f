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

/** The first pass over the witness: every line's signature, the re-anchorings, where signing began. */
export interface WitnessSummary {
  failure: AuditFailure | null;
  lines: number;
  /** The first seal the witness recorded: from it on, every seal must be signed and witnessed. */
  firstSealId: number | null;
  reanchors: (ReanchorRecord & { line: number })[];
}

interface Head {
  sealId: number;
  hash: string;
  prevHash: string;
  fromTxid: string;
  line: number;
}

const BATCH = 2_000;

const failure = (message: string, sealId?: number): AuditFailure => ({ kind: "witness", ...(sealId === undefined ? {} : { sealId }), message });

/** Reads the witness once: signatures, re-anchorings and the first witnessed seal. */
export async function summarizeWitness(trust: AuditTrust): Promise<WitnessSummary> {
  const where = trust.witness.location;
  const summary: WitnessSummary = { failure: null, lines: 0, firstSealId: null, reanchors: [] };
  for await (const { line, record } of trust.witness.read()) {
    summary.lines += 1;
    if (!record) return { ...summary, failure: failure(`Line ${line} of the witness (${where}) is not a witness record: the witness file was damaged or edited.`) };
    const key = trust.keys.signingKey(record.kid);
    if (!key) return { ...summary, failure: failure(`Line ${line} of the witness (${where}) is signed by key ${record.kid}, which is not in this key store.`) };
    if (record.type === "seal") {
      const { type: _type, signature, ...head } = record as WitnessedSeal; // eslint-disable-line @typescript-eslint/no-unused-vars
      if (!verifySealHead(head, signature, key.publicKey)) return { ...summary, failure: failure(`Line ${line} of the witness (${where}) carries a signature that does not verify: it was edited.`) };
      summary.firstSealId ??= record.seal_id;
      continue;
    }
    const { signature, ...fields } = record as ReanchorRecord;
    if (!verifyRecord(fields as unknown as Record<string, unknown>, signature, key.publicKey)) {
      return { ...summary, failure: failure(`Line ${line} of the witness (${where}) is a re-anchoring whose signature does not verify: it was edited.`) };
    }
    summary.reanchors.push({ ...(record as ReanchorRecord), line });
  }
  return summary;
}

/**
 * Compares the database's seal chain (already verified link by link and signature by signature)
 * with the witness: every head the witness recorded must still be in the database with the same
 * hash, except heads a signed re-anchoring gave up (named as gaps) and a head whose commit failed
 * (the next witnessed head then starts where it did). A rollback, a truncation or a rewrite that
 * the server's own sealer has since sealed over is caught, because the old heads stay witnessed.
 */
export async function checkWitness(
  db: Db,
  trust: AuditTrust,
  summary: WitnessSummary,
  head: { sealId: number; hash: string } | null,
  trustedHead: { sealId: number; hash: string } | null,
): Promise<WitnessCheck> {
  const flags: string[] = [];
  const gaps: WitnessGap[] = [];
  const where = trust.witness.location;
  const fail = (message: string, sealId?: number): WitnessCheck => ({ failure: failure(message, sealId), flags, gaps });
  if (summary.failure) return { failure: summary.failure, flags, gaps };

  if (summary.lines === 0) {
    const signed = await db.auditSeal.count({ where: { signature: { not: null } } });
    if (signed > 0) {
      return fail(
        `The witness (${where}) holds no record of this log, which has ${signed.toLocaleString("en-US")} signed seals: the witness was lost or belongs to another log. ` +
          "If you know why, record it with `mandate audit reanchor --reason …`.",
      );
    }
    return { failure: null, flags, gaps };
  }

  // A head written before re-anchoring k is given up when its number is past what any later
  // re-anchoring continued from (a later restore may cut deeper than an earlier one).
  const cuts: number[] = [];
  let deepest = Infinity;
  for (let k = summary.reanchors.length - 1; k >= 0; k -= 1) {
    deepest = Math.min(deepest, summary.reanchors[k]!.continue_from?.seal_id ?? 0);
    cuts[k] = deepest;
  }
  for (const [k, reanchor] of summary.reanchors.entries()) {
    const from = reanchor.continue_from;
    const laterCut = cuts[k + 1] ?? Infinity;
    if (!from || from.seal_id > laterCut) continue;
    const held = await sealHash(db, from.seal_id);
    if (held !== from.hash) {
      return fail(
        `The log was re-anchored on ${reanchor.at} to continue from seal ${from.seal_id} (${from.hash.slice(0, 12)}…), but the database ${held ? "holds another seal under that number" : "no longer holds it"}: the log was rewritten or truncated after the re-anchoring.`,
        from.seal_id,
      );
    }
  }

  let epoch = 0;
  let epochMax = 0;
  let pending: Head[] = [];
  let newest: Head | null = null;
  const closeEpoch = () => {
    const reanchor = summary.reanchors[epoch];
    if (!reanchor) return;
    const from = (cuts[epoch] ?? 0) + 1;
    if (epochMax >= from) {
      gaps.push({
        fromSealId: from,
        toSealId: epochMax,
        at: reanchor.at,
        by: reanchor.by,
        reason: reanchor.reason,
        message: `seals ${from}–${epochMax} were witnessed but given up by a restore, re-anchored on ${reanchor.at} by ${reanchor.by}: "${reanchor.reason}".`,
      });
    }
  };

  for await (const { line, record } of trust.witness.read()) {
    if (record?.type === "reanchor") {
      const problem = await checkHeads(db, pending, true, head, where);
      if (problem) return fail(problem.message, problem.sealId);
      pending = [];
      closeEpoch();
      epoch += 1;
      epochMax = 0;
      continue;
    }
    if (record?.type !== "seal") continue;
    const cut = cuts[epoch] ?? Infinity;
    epochMax = Math.max(epochMax, record.seal_id);
    if (record.seal_id > cut) continue; // given up by a later re-anchoring
    const entry = { sealId: record.seal_id, hash: record.hash, prevHash: record.prev_hash, fromTxid: record.from_txid, line };
    pending.push(entry);
    newest = entry;
    if (pending.length > BATCH) {
      const problem = await checkHeads(db, pending, false, head, where);
      if (problem) return fail(problem.message, problem.sealId);
      pending = pending.slice(-1); // the last waits for the head after it
    }
  }
  const problem = await checkHeads(db, pending, true, head, where);
  if (problem) return fail(problem.message, problem.sealId);

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

  if (newest && head && head.sealId - newest.sealId > 60) {
    flags.push(
      `The database holds ${(head.sealId - newest.sealId).toLocaleString("en-US")} seals newer than the witness's last head (seal ${newest.sealId}): the witness (${where}) is an older copy, or another server seals to another witness.`,
    );
  }
  return { failure: null, flags, gaps };
}

/**
 * Every head must be in the database with its hash. A head the database never got is allowed
 * only as a failed commit: the next witnessed head then starts at the same transaction and links
 * to the same previous seal (the sealer took the same range again under a new number).
 * With `final` false the last head is left for the next call, which sees the head after it.
 */
async function checkHeads(db: Db, heads: Head[], final: boolean, head: { sealId: number } | null, where: string): Promise<{ message: string; sealId: number } | null> {
  const upto = final ? heads.length : heads.length - 1;
  if (upto <= 0) return null;
  const rows = await db.auditSeal.findMany({ where: { id: { in: heads.slice(0, upto).map((h) => h.sealId) } }, select: { id: true, hash: true } });
  const held = new Map(rows.map((r) => [r.id, r.hash]));
  for (let i = 0; i < upto; i += 1) {
    const h = heads[i]!;
    const hash = held.get(h.sealId);
    if (hash === h.hash) continue;
    if (hash !== undefined) {
      return { sealId: h.sealId, message: `Seal ${h.sealId} is not the seal the witness recorded (line ${h.line} of ${where}): the log was rewritten and re-sealed in the database.` };
    }
    const next = heads[i + 1];
    if (next && next.prevHash === h.prevHash && next.fromTxid === h.fromTxid) continue;
    const now = !head ? "the database's log holds no seal" : head.sealId > h.sealId ? `the database no longer holds it (its log now ends at seal ${head.sealId})` : `the database's log ends at seal ${head.sealId}`;
    return {
      sealId: h.sealId,
      message:
        `The witness recorded seal ${h.sealId} (${h.hash.slice(0, 12)}…, line ${h.line} of ${where}), but ${now}: ` +
        "seals and their entries were deleted, or the database was restored from an older copy. After a legitimate restore, record it with `mandate audit reanchor --reason …`.",
    };
  }
  return null;
}

async function sealHash(db: Db, sealId: number): Promise<string | null> {
  const seal = await db.auditSeal.findUnique({ where: { id: sealId }, select: { hash: true } });
  return seal?.hash ?? null;
}
