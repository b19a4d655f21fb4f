import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/engine/canonical";

/** `prev_hash` of the first seal. */
export const GENESIS_SEAL_HASH = "0".repeat(64);

export interface SealFields {
  fromTxid: bigint;
  toTxid: bigint;
  entryCount: number;
  entriesDigest: string;
  prevHash: string;
}

/** A seal's own hash: binds its range, its entries' digest and the seal before it. */
export function hashSeal(seal: SealFields): string {
  const body = canonicalJson({
    from_txid: seal.fromTxid.toString(),
    to_txid: seal.toTxid.toString(),
    entry_count: seal.entryCount,
    entries_digest: seal.entriesDigest,
    prev_hash: seal.prevHash,
  });
  return createHash("sha256").update(body).digest("hex");
}

/**
 * SHA-256 over `${id}:${txid}:${hash}\n` for each entry in id order: pins which entries a seal
 * covers, their order, and (through each entry's own hash) their content. Fed one entry at a
 * time so neither the sealer nor the verifier holds a range in memory.
 */
export class EntriesDigest {
  private readonly sha = createHash("sha256");
  private count = 0;

  add(entry: { id: bigint; txid: bigint; hash: string }): void {
    this.sha.update(`${entry.id}:${entry.txid}:${entry.hash}\n`);
    this.count += 1;
  }

  get entryCount(): number {
    return this.count;
  }

  digest(): string {
    return this.sha.digest("hex");
  }
}
