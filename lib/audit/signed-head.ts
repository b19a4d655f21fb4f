import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson } from "@/lib/engine/canonical";

/**
 * What a seal's Ed25519 signature covers: every field of the seal, its id and time included.
 * The same head goes to the witness, so a witness line can be checked on its own.
 */
export interface SealHead {
  seal_id: number;
  from_txid: string;
  to_txid: string;
  entry_count: number;
  entries_digest: string;
  prev_hash: string;
  hash: string;
  sealed_at: string;
  kid: string;
}

export interface SealFieldsForHead {
  id: number;
  fromTxid: bigint;
  toTxid: bigint;
  entryCount: number;
  entriesDigest: string;
  prevHash: string;
  hash: string;
  sealedAt: Date;
}

const SEAL_CONTEXT = "mandate-audit-seal/v1\n";
const RECORD_CONTEXT = "mandate-audit-witness/v1\n";

export function sealHead(seal: SealFieldsForHead, kid: string): SealHead {
  return {
    seal_id: seal.id,
    from_txid: seal.fromTxid.toString(),
    to_txid: seal.toTxid.toString(),
    entry_count: seal.entryCount,
    entries_digest: seal.entriesDigest,
    prev_hash: seal.prevHash,
    hash: seal.hash,
    sealed_at: seal.sealedAt.toISOString(),
    kid,
  };
}

/**
 * Ed25519 over a context line and the canonical JSON of `value`: the context keeps a signature
 * made for one purpose (a seal head, a witness record, a bundle) from passing for another.
 */
export function signCanonical(context: string, value: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(context + canonicalJson(value)), privateKey).toString("base64url");
}

/** False for a wrong or malformed signature, never a throw. */
export function verifyCanonical(context: string, value: unknown, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(context + canonicalJson(value)), publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

export const signSealHead = (head: SealHead, privateKey: KeyObject) => signCanonical(SEAL_CONTEXT, head, privateKey);
export const verifySealHead = (head: SealHead, signature: string, publicKey: KeyObject) => verifyCanonical(SEAL_CONTEXT, head, signature, publicKey);

/** Signs any other witness record (a re-anchoring): everything but its signature. */
export const signRecord = (record: Record<string, unknown>, privateKey: KeyObject) => signCanonical(RECORD_CONTEXT, record, privateKey);
export const verifyRecord = (record: Record<string, unknown>, signature: string, publicKey: KeyObject) => verifyCanonical(RECORD_CONTEXT, record, signature, publicKey);

/** A public key from its JWK (an Ed25519 OKP key), or null when it is not one. */
export function publicKeyFromJwk(jwk: { kty?: unknown; crv?: unknown; x?: unknown }): KeyObject | null {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") return null;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
  } catch {
    return null;
  }
}
