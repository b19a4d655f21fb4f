import { readFile } from "node:fs/promises";
import type { BundleTrust } from "./verify-evidence-bundle";

/**
 * The key an auditor trusts, from what they were given apart from the bundle: a key file (a JWK
 * Set, or one JWK), the server's JWKS URL, or a fingerprint. Shared by `mandate audit verify
 * --bundle` and the standalone verifier, which runs on Node alone.
 */
export async function loadBundleTrust(options: { key?: string; jwks?: string; fingerprint?: string }): Promise<BundleTrust> {
  const keys: NonNullable<BundleTrust["keys"]>[number][] = [];
  if (options.key) keys.push(...keysOf(JSON.parse(await readFile(options.key, "utf8")), options.key));
  if (options.jwks) {
    const url = new URL(options.jwks);
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) throw new Error(`--jwks must be an https URL (plain http only on this machine): ${options.jwks}`);
    const response = await fetch(url, { headers: { accept: "application/json" }, redirect: "error" });
    if (!response.ok) throw new Error(`${options.jwks} answered ${response.status}`);
    keys.push(...keysOf(await response.json(), options.jwks));
  }
  return { keys, ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}) };
}

function keysOf(value: unknown, from: string) {
  const set = value as { keys?: unknown };
  const list = Array.isArray(set?.keys) ? set.keys : [value];
  const keys = list.filter((k): k is { kty: string; crv: string; x: string } => !!k && typeof k === "object" && (k as { kty?: unknown }).kty === "OKP");
  if (keys.length === 0) throw new Error(`${from} holds no Ed25519 public key (a JWK or a JWK Set)`);
  return keys;
}
