import { createHmac, createSecretKey, randomFillSync, timingSafeEqual, type KeyObject } from "node:crypto";
import { canonicalJson, sha256Hex } from "@/lib/engine/canonical";

/**
 * The one format of an audit entry (docs/decisions/0005-audit-integrity.md):
 *
 *   hash = SHA-256(canonical JSON of the content, its random nonce included)
 *   mac  = "<key id>." + base64url(HMAC-SHA256(audit MAC key, "mandate-audit-entry/v1\n" + hash))
 *
 * The hash lets anyone check content offline (evidence bundles); the nonce keeps a hash from
 * being guessed back to a low-entropy field once that field is erased; the MAC, made with a key
 * the database does not hold, is what a forged or re-hashed entry cannot carry. Entries written
 * before MACs existed have neither nonce nor MAC and are accepted only under unsigned seals.
 */

export interface AuditContent {
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
  /** Absent only on entries written before keyed MACs. */
  nonce?: string | null;
}

/** SHA-256 over the canonical form of an entry's own content; seals chain these. */
export function hashAuditContent(content: AuditContent): string {
  if (content.nonce == null) {
    const { nonce: _legacy, ...rest } = content; // eslint-disable-line @typescript-eslint/no-unused-vars
    return sha256Hex(canonicalJson(rest));
  }
  return sha256Hex(canonicalJson(content));
}

// Nonces come from a pooled buffer: one getrandom call per 341 entries instead of one each.
const NONCE_BYTES = 12;
const pool = Buffer.alloc(NONCE_BYTES * 341);
let offset = pool.length;

/** 96 random bits as 16 base64url characters. */
export function newNonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const nonce = pool.toString("base64url", offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}

export interface MacKeyLike {
  id: string;
  key: Buffer;
}

// A KeyObject per key: HMAC from a prepared key costs a fifth less than from raw bytes (4 against 5 µs).
const prepared = new WeakMap<Buffer, KeyObject>();

function macBytes(key: Buffer, hash: string): Buffer {
  let keyObject = prepared.get(key);
  if (!keyObject) prepared.set(key, (keyObject = createSecretKey(key)));
  return createHmac("sha256", keyObject).update("mandate-audit-entry/v1\n").update(hash).digest();
}

export function entryMac(key: MacKeyLike, hash: string): string {
  return `${key.id}.${macBytes(key.key, hash).toString("base64url")}`;
}

export type MacCheck = "valid" | "missing" | "unknown_key" | "invalid";

/** Checks an entry's MAC against the key it names. */
export function checkEntryMac(lookup: (id: string) => MacKeyLike | undefined, hash: string, mac: string | null): MacCheck {
  if (!mac) return "missing";
  const dot = mac.indexOf(".");
  const key = dot > 0 ? lookup(mac.slice(0, dot)) : undefined;
  if (!key) return "unknown_key";
  const given = Buffer.from(mac.slice(dot + 1), "base64url");
  const expected = macBytes(key.key, hash);
  return given.length === expected.length && timingSafeEqual(given, expected) ? "valid" : "invalid";
}
