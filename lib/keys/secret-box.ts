import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getKeyStore } from "./current-key-store";
import type { KeyStore } from "./key-store";

/**
 * Secrets the database must hold (agents' webhook signing secrets, later upstream credentials)
 * are stored encrypted with AES-256-GCM under a key from the key store, never in clear:
 * "enc:<key id>:<iv>:<ciphertext>:<tag>" (base64url). The row's own id is bound as associated
 * data, so a ciphertext copied to another row does not open.
 */
const PREFIX = "enc:";

export function sealSecret(plain: string, boundTo: string, store: KeyStore = getKeyStore()): string {
  const key = store.currentEncryption();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv).setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${key.id}:${iv.toString("base64url")}:${body.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}`;
}

/** The clear secret; a value from before encryption (no prefix) is returned as it is. Throws when it was tampered with. */
export function openSecret(stored: string, boundTo: string, store: KeyStore = getKeyStore()): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const [id, iv, body, tag] = stored.slice(PREFIX.length).split(":");
  const key = id ? store.encryptionKey(id) : undefined;
  const ivBytes = Buffer.from(iv ?? "", "base64url");
  if (!key || ivBytes.length !== 12 || !body || !tag) throw new Error("a stored secret names a key this server does not have, or is malformed");
  const decipher = createDecipheriv("aes-256-gcm", key.key, ivBytes, { authTagLength: 16 }).setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
