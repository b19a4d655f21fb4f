import { randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/engine/canonical";

const KEY_PREFIX = "mdt_";

/** A new agent API key: 256 random bits. Only its SHA-256 is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function looksLikeApiKey(value: string): boolean {
  return /^mdt_[A-Za-z0-9_-]{43}$/.test(value);
}
