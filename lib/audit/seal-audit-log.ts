import type { Db, Tx } from "@/lib/db/prisma";
import { getAuditTrust, type AuditTrust } from "./audit-trust";
import { checkEntryMac } from "./entry-format";
import { EntriesDigest, GENESIS_SEAL_HASH, hashSeal } from "./seal-hash";
import { sealHead, signSealHead } from "./signed-head";
import type { WitnessRecord } from "./witness";

// Any fixed key (the 72_707_369_xxx family is Mandate's): one sealer at a time across processes.
export const AUDIT_SEAL_LOCK_KEY = 72_707_369_101;

// Bounds one seal's transaction after downtime or a burst; the sealer loops until caught up.
const DEFAULT_MAX_ENTRIES = 20_000;
const PAGE_SIZE = 5_000;

export interface AuditSealResult {
  sealed: boolean;
  sealId?: number;
  entryCount: number;
  /** False when this seal stopped short of the horizon to stay small: seal again straight away. */
  caughtUp: boolean;
}

/** The sealer found an entry it must not vouch for: nothing is sealed until someone looks. */
export class AuditSealRefused extends Error {
  constructor(
    message: string,
    readonly entryId: string,
  ) {
    super(message);
    this.name = "AuditSealRefused";
  }
}

/**
 * Seals the audit entries committed since the last seal as the next link of the seal chain: the
 * seal covers every entry whose txid is in [previous to_txid, oldest transaction still running),
 * is signed with the current signing key and written to the witness before it commits. Every
 * entry must carry a valid MAC (only entries from before the first signed seal may lack one);
 * otherwise it refuses (AuditSealRefused), so a forged entry is never sealed into the chain.
 * Returns without sealing when another process holds the sealer lock or no entry waits.
 */
export async function sealAuditLog(db: Db, options: { maxEntries?: number; trust?: AuditTrust } = {}): Promise<AuditSealResult> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const trust = options.trust ?? getAuditTrust();
  const nothing: AuditSealResult = { sealed: false, entryCount: 0, caughtUp: true };

  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ acquired: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK_KEY}::bigint) AS acquired`;
      if (!lock?.acquired) return nothing;

      // Read after the lock, in a fresh statement snapshot, so the previous sealer's commit is seen.
      const previous = await tx.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { id: true, toTxid: true, hash: true, signature: true } });
      const fromTxid = previous?.toTxid ?? 0n;
      // The chain continues only from where the witness says it ends: never onto a truncated,
      // rolled-back or rewritten log, which sealing over would otherwise bless.
      const witnessed = trust.witness.last();
      await refuseUnlessWitnessedHead(tx, witnessed, previous);
      // Entries without a MAC predate keyed entries: only a log never witnessed nor signed has them.
      const legacyAllowed = witnessed === null && !(await tx.auditSeal.findFirst({ where: { signature: { not: null } }, select: { id: true } }));

      // Every transaction below the snapshot's xmin has finished: no entry can still land below it.
      const [snapshot] = await tx.$queryRaw<{ xmin: string }[]>`
        SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;
      if (!snapshot) return nothing;
      const horizon = BigInt(snapshot.xmin);
      if (horizon <= fromTxid) return nothing;

      const toTxid = await chooseRangeEnd(tx, fromTxid, horizon, maxEntries);
      if (toTxid === null) return nothing;

      const digest = new EntriesDigest();
      const seen = new Set<string>();
      let after: bigint | undefined;
      for (;;) {
        const page = await tx.auditEntry.findMany({
          where: { txid: { gte: fromTxid, lt: toTxid }, ...(after === undefined ? {} : { id: { gt: after } }) },
          orderBy: { id: "asc" },
          take: PAGE_SIZE,
          select: { id: true, txid: true, hash: true, mac: true, nonce: true },
        });
        for (const entry of page) {
          refuseUnlessGenuine(trust, entry, legacyAllowed, seen);
          digest.add(entry);
        }
        const last = page[page.length - 1];
        if (!last || page.length < PAGE_SIZE) break;
        after = last.id;
      }

      const fields = {
        fromTxid,
        toTxid,
        entryCount: digest.entryCount,
        entriesDigest: digest.digest(),
        prevHash: previous?.hash ?? GENESIS_SEAL_HASH,
      };
      const hash = hashSeal(fields);
      // The id is taken first so that the signature and the witness can name it.
      const [next] = await tx.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('audit_seals', 'id'))::int AS id`;
      const signing = trust.keys.currentSigning();
      const sealedAt = new Date();
      const head = sealHead({ id: next!.id, ...fields, hash, sealedAt }, signing.kid);
      const signature = signSealHead(head, signing.privateKey);
      await tx.auditSeal.create({ data: { id: next!.id, ...fields, hash, sealedAt, keyId: signing.kid, signature }, select: { id: true } });
      // Witnessed while the lock is held, before the commit: the witness is never behind the
      // database. A commit that then fails leaves a head the database never had, which the
      // verifier recognises (a later signed seal exists and links past it).
      await trust.witness.append([{ type: "seal", ...head, signature }]);
      return { sealed: true, sealId: next!.id, entryCount: fields.entryCount, caughtUp: toTxid === horizon };
    },
    // Read committed on purpose: each statement must see seals committed before the lock was taken.
    { isolationLevel: "ReadCommitted", maxWait: 10_000, timeout: 30_000 },
  );
}

async function refuseUnlessWitnessedHead(tx: Tx, witnessed: WitnessRecord | null, previous: { id: number; hash: string } | null): Promise<void> {
  if (!witnessed) return;
  const expected = witnessed.type === "seal" ? { seal_id: witnessed.seal_id, hash: witnessed.hash } : witnessed.continue_from;
  if (previous && expected && previous.id === expected.seal_id && previous.hash === expected.hash) return;
  if (!previous && !expected) return;
  // A witnessed head whose commit failed: the database ends at the seal it linked to.
  if (witnessed.type === "seal" && previous?.hash === witnessed.prev_hash && !(await tx.auditSeal.findUnique({ where: { id: witnessed.seal_id }, select: { id: true } }))) return;
  throw new AuditSealRefused(
    `Refusing to seal: the database's log ends at ${previous ? `seal ${previous.id}` : "no seal"}, but the witness's last head is ${expected ? `seal ${expected.seal_id}` : "an empty log"}: ` +
      "the log was truncated, rolled back or rewritten in the database. Run mandate audit verify; after a legitimate restore, mandate audit reanchor.",
    previous ? `seal:${previous.id}` : "seal:none",
  );
}

function refuseUnlessGenuine(
  trust: AuditTrust,
  entry: { id: bigint; hash: string; mac: string | null; nonce: string | null },
  legacyAllowed: boolean,
  seen: Set<string>,
): void {
  if (seen.has(entry.hash)) {
    throw new AuditSealRefused(`Refusing to seal: entry ${entry.id} repeats another entry of the same range (a copied entry).`, entry.id.toString());
  }
  seen.add(entry.hash);
  if (legacyAllowed && entry.mac === null && entry.nonce === null) return;
  const check = checkEntryMac((id) => trust.keys.macKey(id), entry.hash, entry.mac);
  if (check === "valid") return;
  const why = check === "missing" ? "carries no MAC" : check === "unknown_key" ? "names a MAC key this server does not have" : "carries a MAC that does not match";
  throw new AuditSealRefused(
    `Refusing to seal: entry ${entry.id} ${why}; it was not written by Mandate (forged or altered in the database). Run mandate audit verify.`,
    entry.id.toString(),
  );
}

/**
 * The end of the next range: the horizon, or earlier when more than `maxEntries` entries wait,
 * cut between two transactions so a transaction's entries are never split. Null when no entry waits.
 */
async function chooseRangeEnd(tx: Tx, fromTxid: bigint, horizon: bigint, maxEntries: number): Promise<bigint | null> {
  const [bounds] = await tx.$queryRaw<{ first: string | null; cutoff: string | null }[]>`
    SELECT
      (SELECT txid FROM audit_entries WHERE txid >= ${fromTxid}::bigint AND txid < ${horizon}::bigint
        ORDER BY txid LIMIT 1)::text AS first,
      (SELECT txid FROM audit_entries WHERE txid >= ${fromTxid}::bigint AND txid < ${horizon}::bigint
        ORDER BY txid OFFSET ${maxEntries}::int LIMIT 1)::text AS cutoff`;
  if (!bounds?.first) return null;
  if (!bounds.cutoff) return horizon;
  const cutoff = BigInt(bounds.cutoff);
  // One transaction wrote more than maxEntries entries: seal it whole rather than not at all.
  return cutoff > BigInt(bounds.first) ? cutoff : cutoff + 1n;
}
