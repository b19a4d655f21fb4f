import { statSync } from "node:fs";
import { getEnv } from "@/lib/env";
import { keyFilePath, openKeyStore, type KeyStore } from "./key-store";

// Another process (`mandate keys rotate`, another server sharing the folder) may rotate keys:
// look at the file's modification time at most this often and reload when it changed.
const RECHECK_MS = 2_000;

interface Cached {
  dir: string;
  store: KeyStore;
  mtimeMs: number;
  checkedAt: number;
}

let cached: Cached | null = null;

/**
 * This process's key store (MANDATE_KEYS_DIR, or `keys/` in the data directory), created on
 * first use. Cheap to call on every audit write: a stat at most every two seconds.
 */
export function getKeyStore(): KeyStore {
  const dir = getEnv().keysDir;
  const now = Date.now();
  if (cached && cached.dir === dir && now - cached.checkedAt < RECHECK_MS) return cached.store;
  if (cached && cached.dir === dir) {
    const mtimeMs = statSync(keyFilePath(dir), { throwIfNoEntry: false })?.mtimeMs;
    if (mtimeMs === cached.mtimeMs) {
      cached.checkedAt = now;
      return cached.store;
    }
  }
  const store = openKeyStore(dir);
  cached = { dir, store, mtimeMs: statSync(keyFilePath(dir)).mtimeMs, checkedAt: now };
  return store;
}

/** Forget the cached store (after this process rotated keys, so the next read sees them at once). */
export function reloadKeyStore(): void {
  cached = null;
}
