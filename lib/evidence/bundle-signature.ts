import type { KeyObject } from "node:crypto";
import { signCanonical, verifyCanonical } from "@/lib/audit/signed-head";

// The end line's signature covers its counts, the digest of every line before it and the key id.
const CONTEXT = "mandate-evidence-bundle/v2\n";

export interface SignedEndFields {
  type: "end";
  counts: Record<string, number>;
  lines_sha256: string;
  key_id: string;
}

export const signBundleEnd = (end: SignedEndFields, privateKey: KeyObject) => signCanonical(CONTEXT, end, privateKey);
export const verifyBundleEnd = (end: SignedEndFields, signature: string, publicKey: KeyObject) => verifyCanonical(CONTEXT, end, signature, publicKey);
