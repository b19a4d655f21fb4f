import type { Db, Tx } from "@/lib/db/prisma";
import { EntriesDigest, GENESIS_SEAL_HASH, hashSeal } from "./seal-hash";

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

/**
 * Seals the audit entries committed since the last seal as the next link of the seal chain: the
 * seal covers every entry whose txid is in [previous to_txid, oldest transaction still running).
 * Returns without sealing when another process holds the sealer lock or no entry waits.
 */
export async function sealAuditLog(db: Db, options: { maxEntries?: number } = {}): Promise<AuditSealResult> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const nothing: AuditSealResult = { sealed: false, entryCount: 0, caughtUp: true };

  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ acquired: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${AUDIT_SEAL_LOCK_KEY}::bigint) AS acquired`;
      if (!lock?.acquired) return nothing;

      // Read after the lock, in a fresh statement snapshot, so the previous sealer's commit is seen.
      const previous = await tx.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { toTxid: true, hash: true } });
      const fromTxid = previous?.toTxid ?? 0n;

      // Every transaction below the snapshot's xmin has finished: no entry can still land below it.
      const [snapshot] = await tx.$queryRaw<{ xmin: string }[]>`
        SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;
      if (!snapshot) return nothing;
      const horizon = BigInt(snapshot.xmin);
      if (horizon <= fromTxid) return nothing;

      const toTxid = await chooseRangeEnd(tx, fromTxid, horizon, maxEntries);
      if (toTxid === null) return nothing;

      const digest = new EntriesDigest();
      let after: bigint | undefined;
      for (;;) {
        const page = await tx.auditEntry.findMany({
          where: { txid: { gte: fromTxid, lt: toTxid }, ...(after === undefined ? {} : { id: { gt: after } }) },
          orderBy: { id: "asc" },
          take: PAGE_SIZE,
          select: { id: true, txid: true, hash: true },
        });
        for (const entry of page) digest.add(entry);
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
      const seal = await tx.auditSeal.create({ data: { ...fields, hash: hashSeal(fields) }, select: { id: true } });
      return { sealed: true, sealId: seal.id, entryCount: fields.entryCount, caughtUp: toTxid === horizon };
    },
    // Read committed on purpose: each statement must see seals committed before the lock was taken.
    { isolationLevel: "ReadCommitted", maxWait: 10_000, timeout: 30_000 },
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
