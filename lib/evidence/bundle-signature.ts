import { sign, verify, type KeyObject } from "node:crypto";
import { canonicalJson } from "@/lib/engine/canonical";

// The end line's signature covers its counts, the digest of every line before it and the key id.
const CONTEXT = "mandate-evidence-bundle/v2\n";

export interface SignedEndFields {
  type: "end";
  counts: Record<string, number>;
  lines_sha256: string;
  key_id: string;
}

export function signBundleEnd(end: SignedEndFields, privateKey: KeyObject): string {
  return sign(null, Buffer.from(CONTEXT + canonicalJson(end)), privateKey).toString("base64url");
}

export function verifyBundleEnd(end: SignedEndFields, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(CONTEXT + canonicalJson(end)), publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
