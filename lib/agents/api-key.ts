import { createHash, randomBytes } from "node:crypto";

const KEY_PREFIX = "mdt_";

/** A new agent API key: 256 random bits. Only its SHA-256 is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(value: string): boolean {
  return /^mdt_[A-Za-z0-9_-]{43}$/.test(value);
}
