import type { Db } from "@/lib/db/prisma";
import { getAuditTrust, type AuditTrust } from "./audit-trust";
import { checkEntryMac, hashAuditContent } from "./entry-format";
import { EntriesDigest, GENESIS_SEAL_HASH, hashSeal } from "./seal-hash";
import { sealHead, verifySealHead } from "./signed-head";
import { checkWitness, summarizeWitness, type WitnessGap } from "./verify-witness";

export type AuditFailureKind =
  | "entry_hash"
  | "entry_mac"
  | "duplicate_entry"
  | "seal_digest"
  | "seal_chain"
  | "seal_hash"
  | "seal_signature"
  | "uncovered_entry"
  | "witness"
  | "trusted_head";

export interface AuditFailure {
  kind: AuditFailureKind;
  entryId?: string;
  sealId?: number;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  entriesChecked: number;
  sealsChecked: number;
  unsealedEntries: number;
  oldestUnsealedAt: string | null;
  failure: AuditFailure | null;
  /** Things that verify but need a person's attention (an entry waiting far too long for its seal). */
  flags: string[];
  /** Ranges of seals given up by an explicit, signed re-anchoring after a restore. */
  gaps: WitnessGap[];
  /** The newest seal, for `--trusted-head` next time. */
  head: { sealId: number; hash: string } | null;
}

export interface VerifyOptions {
  batchSize?: number;
  trust?: AuditTrust;
  /** A head the caller trusted before: the log must still hold it (it may only have grown). */
  trustedHead?: { sealId: number; hash: string } | null;
  /** Unsealed entries older than this are flagged (default five minutes; sealing runs every second). */
  staleAfterMs?: number;
  now?: Date;
  /** Check the database on its own, without the witness (before a re-anchoring). */
  skipWitness?: boolean;
}

const DEFAULT_STALE_MS = 5 * 60_000;

const DEFAULT_BATCH_SIZE = 5_000;
// Seals verified together share one entry query; this caps the per-seal state held meanwhile.
const MAX_SEALS_PER_GROUP = 1_000;

const ENTRY_FIELDS = {
  id: true,
  txid: true,
  occurredAt: true,
  actorType: true,
  actorId: true,
  actorLabel: true,
  action: true,
  subjectType: true,
  subjectId: true,
  data: true,
  nonce: true,
  hash: true,
  mac: true,
} as const;

const SEAL_FIELDS = {
  id: true,
  fromTxid: true,
  toTxid: true,
  entryCount: true,
  entriesDigest: true,
  prevHash: true,
  hash: true,
  sealedAt: true,
  keyId: true,
  signature: true,
} as const;

type EntryRow = Awaited<ReturnType<typeof readEntryPage>>[number];
type SealRow = Awaited<ReturnType<typeof readSealPage>>[number];

/** What verified before the first failure, whatever the batch size. */
interface Progress {
  entriesChecked: number;
  sealsChecked: number;
}

/**
 * Per run: the keys, and where signing began. That boundary comes from the witness, never from
 * the database (stripping signatures must not turn seals back into legacy ones): from the first
 * witnessed seal on, every seal must be signed; entries without a MAC are legacy only up to it.
 */
interface Context {
  trust: AuditTrust;
  firstSignedSealId: number | null;
  /** The witness holds records: nothing unsigned or un-MACed may follow. */
  witnessed: boolean;
}

/**
 * Checks the whole audit log: every entry against its own hash, the seals as a chain, and each
 * seal against the entries in its txid range; entries not sealed yet are checked against their
 * hash and counted. Reports the first failure in log order (seal by seal, then the unsealed tail).
 * Reads in batches outside any transaction, so it neither holds memory nor holds back sealing.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const trust = options.trust ?? getAuditTrust();
  const summary = await summarizeWitness(trust);
  const ctx: Context = {
    trust,
    firstSignedSealId: summary.firstSealId ?? (summary.reanchors[0]?.continue_from ? summary.reanchors[0].continue_from.seal_id + 1 : null),
    witnessed: summary.lines > 0,
  };
  const progress: Progress = { entriesChecked: 0, sealsChecked: 0 };
  const failed = (failure: AuditFailure): AuditVerification => ({
    ok: false,
    ...progress,
    unsealedEntries: 0,
    oldestUnsealedAt: null,
    failure,
    flags: [],
    gaps: [],
    head: null,
  });

  let previous: SealRow | null = null;
  let group: SealRow[] = [];
  let groupEntries = 0;
  for await (const seal of readSeals(db, batchSize)) {
    const broken = checkSealLink(seal, previous) ?? checkSealSignature(ctx, seal);
    if (broken) return failed((await verifySealGroup(db, ctx, group, batchSize, progress)) ?? broken);
    // Without a witness (an old log, never witnessed) signing begins at the first signed seal.
    if (seal.signature && ctx.firstSignedSealId === null && !ctx.witnessed) ctx.firstSignedSealId = seal.id;
    group.push(seal);
    groupEntries += seal.entryCount;
    previous = seal;
    if (groupEntries >= batchSize || group.length >= MAX_SEALS_PER_GROUP) {
      const failure = await verifySealGroup(db, ctx, group, batchSize, progress);
      if (failure) return failed(failure);
      group = [];
      groupEntries = 0;
    }
  }
  const failure = await verifySealGroup(db, ctx, group, batchSize, progress);
  if (failure) return failed(failure);

  // Seals cover [0, last to_txid) without gaps, so only a forged negative txid escapes every range.
  const uncovered = await db.auditEntry.findFirst({ where: { txid: { lt: 0n } }, orderBy: { id: "asc" }, select: { id: true, txid: true } });
  if (uncovered) {
    return failed({
      kind: "uncovered_entry",
      entryId: uncovered.id.toString(),
      message: `Entry ${uncovered.id} claims transaction ${uncovered.txid}, which no seal can cover: its transaction id was forged.`,
    });
  }

  let unsealedEntries = 0;
  let oldestUnsealed: Date | null = null;
  // Once anything is signed or witnessed, every entry still waiting for its seal must carry a valid MAC.
  const legacyTail = ctx.firstSignedSealId === null && !ctx.witnessed;
  for await (const entry of readEntries(db, { gte: previous?.toTxid ?? 0n }, batchSize)) {
    if (!entryHashMatches(entry)) return failed(entryHashFailure(entry, null));
    const macFailure = checkMac(ctx, entry, legacyTail, null);
    if (macFailure) return failed(macFailure);
    progress.entriesChecked += 1;
    unsealedEntries += 1;
    if (!oldestUnsealed || entry.occurredAt < oldestUnsealed) oldestUnsealed = entry.occurredAt;
  }

  const duplicate = await findDuplicateEntry(db);
  if (duplicate) return failed(duplicate);

  const head = previous ? { sealId: previous.id, hash: previous.hash } : null;
  const witness = options.skipWitness ? { failure: null, flags: [], gaps: [] } : await checkWitness(db, ctx.trust, summary, head, options.trustedHead ?? null);
  if (witness.failure) return failed(witness.failure);

  const flags = [...witness.flags];
  const now = options.now ?? new Date();
  const staleAfter = options.staleAfterMs ?? DEFAULT_STALE_MS;
  if (oldestUnsealed && now.getTime() - oldestUnsealed.getTime() > staleAfter) {
    flags.push(
      `${plural(unsealedEntries, "entry has", "entries have")} waited ${formatAge(now.getTime() - oldestUnsealed.getTime())} for ${unsealedEntries === 1 ? "its" : "their"} seal (sealing runs every second): ` +
        "no server is sealing, or the sealer refuses an entry (see the server's log).",
    );
  }

  return { ok: true, ...progress, unsealedEntries, oldestUnsealedAt: oldestUnsealed?.toISOString() ?? null, failure: null, flags, gaps: witness.gaps, head };
}

/** A seal's signature: by a key this verifier holds; none only before the first signed seal. */
function checkSealSignature(ctx: Context, seal: SealRow): AuditFailure | null {
  if (!seal.signature || !seal.keyId) {
    if (ctx.firstSignedSealId === null || seal.id < ctx.firstSignedSealId) return null;
    return {
      kind: "seal_signature",
      sealId: seal.id,
      message:
        seal.id === ctx.firstSignedSealId
          ? `Seal ${seal.id} carries no signature, but it is where signing began: its signature was stripped in the database.`
          : `Seal ${seal.id} carries no signature but follows signed seal ${ctx.firstSignedSealId}: it was not made by Mandate's sealer (forged or rewritten in the database).`,
    };
  }
  const key = ctx.trust.keys.signingKey(seal.keyId);
  if (!key) {
    return {
      kind: "seal_signature",
      sealId: seal.id,
      message: `Seal ${seal.id} is signed by key ${seal.keyId}, which is not in this key store: it was forged, or the key store is not this log's.`,
    };
  }
  if (!verifySealHead(sealHead(seal, seal.keyId), seal.signature, key.publicKey)) {
    return {
      kind: "seal_signature",
      sealId: seal.id,
      message: `Seal ${seal.id}'s signature does not verify: the seal was rewritten in the database after it was signed.`,
    };
  }
  return null;
}

function checkMac(ctx: Context, entry: EntryRow, legacyOk: boolean, sealId: number | null): AuditFailure | null {
  if (legacyOk && entry.mac === null && entry.nonce === null) return null;
  const check = checkEntryMac((id) => ctx.trust.keys.macKey(id), entry.hash, entry.mac);
  if (check === "valid") return null;
  const why =
    check === "missing"
      ? "carries no MAC"
      : check === "unknown_key"
        ? "names a MAC key that is not in this key store"
        : "carries a MAC that does not match its hash";
  return {
    kind: "entry_mac",
    entryId: entry.id.toString(),
    ...(sealId === null ? {} : { sealId }),
    message: `Entry ${entry.id} ${why}: it was not written by Mandate (forged, or altered and re-hashed in the database).`,
  };
}

/** Entries carry a random nonce, so two equal hashes mean one entry was copied. */
async function findDuplicateEntry(db: Db): Promise<AuditFailure | null> {
  const [row] = await db.$queryRaw<{ first: bigint; copy: bigint }[]>`
    SELECT min(id) AS first, max(id) AS copy FROM audit_entries WHERE nonce IS NOT NULL GROUP BY hash HAVING count(*) > 1 ORDER BY min(id) LIMIT 1`;
  if (!row) return null;
  return { kind: "duplicate_entry", entryId: row.copy.toString(), message: `Entry ${row.copy} is a copy of entry ${row.first}: an entry was replayed in the database.` };
}

/** The checks a seal passes on its own and against the seal before it. */
function checkSealLink(seal: SealRow, previous: SealRow | null): AuditFailure | null {
  const sealId = seal.id;
  const expectedFrom = previous?.toTxid ?? 0n;
  if (seal.fromTxid !== expectedFrom) {
    return {
      kind: "seal_chain",
      sealId,
      message: previous
        ? `Seal ${sealId} starts at transaction ${seal.fromTxid} but seal ${previous.id} ended at ${previous.toTxid}: a seal was removed, altered or forged.`
        : `Seal ${sealId} is the first seal but starts at transaction ${seal.fromTxid}, not 0: earlier seals were removed.`,
    };
  }
  if (seal.prevHash !== (previous?.hash ?? GENESIS_SEAL_HASH)) {
    return {
      kind: "seal_chain",
      sealId,
      message: previous
        ? `Seal ${sealId} does not link to seal ${previous.id}: its previous hash differs from that seal's hash, so a seal was altered, removed or inserted.`
        : `Seal ${sealId} is the first seal but does not start the chain: earlier seals were removed.`,
    };
  }
  if (seal.toTxid <= seal.fromTxid) {
    return { kind: "seal_chain", sealId, message: `Seal ${sealId} covers an empty range of transactions: it was forged or altered.` };
  }
  if (hashSeal(seal) !== seal.hash) {
    return {
      kind: "seal_hash",
      sealId,
      message: `Seal ${sealId} no longer matches its own hash: its range, entry count or digest was altered after sealing.`,
    };
  }
  return null;
}

/**
 * Recomputes the digests of consecutive, already linked seals from one id-ordered pass over
 * their txid span: entries ordered by id interleave between ranges, so each goes to its seal.
 */
async function verifySealGroup(db: Db, ctx: Context, group: SealRow[], batchSize: number, progress: Progress): Promise<AuditFailure | null> {
  const first = group[0];
  const last = group[group.length - 1];
  if (!first || !last) return null;
  const states = group.map(() => ({ digest: new EntriesDigest(), altered: null as AuditFailure | null }));
  // Entries without a MAC are legacy only in seals up to the first signed one.
  const legacyOk = (seal: SealRow) => ctx.firstSignedSealId === null || seal.id <= ctx.firstSignedSealId;

  for await (const entry of readEntries(db, { gte: first.fromTxid, lt: last.toTxid }, batchSize)) {
    const index = sealIndexFor(group, entry.txid);
    const state = states[index];
    if (!state) continue;
    if (!state.altered) {
      state.altered = entryHashMatches(entry) ? checkMac(ctx, entry, legacyOk(group[index]!), group[index]!.id) : entryHashFailure(entry, group[index]!.id);
    }
    state.digest.add(entry);
  }

  for (const [i, seal] of group.entries()) {
    const state = states[i];
    if (!state) continue;
    if (state.altered) return state.altered;
    const count = state.digest.entryCount;
    if (count !== seal.entryCount || state.digest.digest() !== seal.entriesDigest) return digestFailure(seal, count);
    progress.entriesChecked += count;
    progress.sealsChecked += 1;
  }
  return null;
}

/** The seal whose [from, to) holds txid; the group's ranges are contiguous and ascending. */
function sealIndexFor(group: SealRow[], txid: bigint): number {
  let low = 0;
  let high = group.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (txid < group[middle]!.toTxid) high = middle;
    else low = middle + 1;
  }
  return low;
}

function entryHashMatches(entry: EntryRow): boolean {
  const recomputed = hashAuditContent({
    occurredAt: entry.occurredAt.toISOString(),
    actorType: entry.actorType,
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    data: entry.data,
    nonce: entry.nonce,
  });
  return recomputed === entry.hash;
}

function entryHashFailure(entry: EntryRow, sealId: number | null): AuditFailure {
  return {
    kind: "entry_hash",
    entryId: entry.id.toString(),
    ...(sealId === null ? {} : { sealId }),
    message: `Entry ${entry.id} no longer matches its hash: its content was altered after it was written.`,
  };
}

function digestFailure(seal: SealRow, found: number): AuditFailure {
  const range = `transactions ${seal.fromTxid} to ${seal.toTxid - 1n}`;
  const sealed = `Seal ${seal.id} (${range}) sealed ${plural(seal.entryCount, "entry", "entries")}`;
  let message: string;
  if (found < seal.entryCount) {
    message = `${sealed} but ${found.toLocaleString("en-US")} remain: an entry was deleted or moved out of its range.`;
  } else if (found > seal.entryCount) {
    message = `${sealed} but ${found.toLocaleString("en-US")} are there now: an entry was inserted or moved into its range.`;
  } else {
    message = `${sealed} and the entries there now differ from them: an entry was altered and re-hashed, or entries were renumbered or reordered.`;
  }
  return { kind: "seal_digest", sealId: seal.id, message };
}

function readEntryPage(db: Db, txid: { gte: bigint; lt?: bigint }, after: bigint | undefined, take: number) {
  return db.auditEntry.findMany({
    where: { txid, ...(after === undefined ? {} : { id: { gt: after } }) },
    orderBy: { id: "asc" },
    take,
    select: ENTRY_FIELDS,
  });
}

async function* readEntries(db: Db, txid: { gte: bigint; lt?: bigint }, batchSize: number) {
  let after: bigint | undefined;
  for (;;) {
    const page = await readEntryPage(db, txid, after, batchSize);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < batchSize) return;
    after = last.id;
  }
}

function readSealPage(db: Db, after: number | undefined, take: number) {
  return db.auditSeal.findMany({
    where: after === undefined ? {} : { id: { gt: after } },
    orderBy: { id: "asc" },
    take,
    select: SEAL_FIELDS,
  });
}

async function* readSeals(db: Db, batchSize: number) {
  let after: number | undefined;
  for (;;) {
    const page = await readSealPage(db, after, batchSize);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < batchSize) return;
    after = last.id;
  }
}

/** One line for the CLI and logs: the verdict, the counts, and how long the oldest entry has waited for its seal. */
export function formatAuditVerification(result: AuditVerification, now: Date = new Date()): string {
  if (result.failure) return `Audit log FAILED verification: ${result.failure.message}`;
  const notes = [
    ...result.gaps.map((gap) => `Known gap: ${gap.message}`),
    ...result.flags.map((flag) => `FLAGGED: ${flag}`),
    ...(result.head ? [`Head: seal ${result.head.sealId} ${result.head.hash} (keep it and pass --trusted-head ${result.head.sealId}:${result.head.hash} next time).`] : []),
  ];
  return [formatVerdict(result, now), ...notes].join("\n");
}

function formatVerdict(result: AuditVerification, now: Date): string {
  if (result.entriesChecked === 0) return "Audit log verified: no entries yet.";
  const sealedEntries = result.entriesChecked - result.unsealedEntries;
  const sealed = `${plural(sealedEntries, "entry", "entries")} in ${plural(result.sealsChecked, "seal", "seals")}`;
  if (result.unsealedEntries === 0) return `Audit log verified: ${sealed}, all sealed.`;
  const waiting = `${plural(result.unsealedEntries, "entry", "entries")} awaiting ${result.unsealedEntries === 1 ? "its" : "their"} seal`;
  const oldest = result.oldestUnsealedAt ? ` (oldest ${formatAge(now.getTime() - Date.parse(result.oldestUnsealedAt))})` : "";
  return `Audit log verified: ${sealed}, ${waiting}${oldest}.`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  if (age < 60_000) return `${(age / 1_000).toFixed(1)} s`;
  if (age < 3_600_000) return `${Math.round(age / 60_000)} min`;
  return `${(age / 3_600_000).toFixed(1)} h`;
}
