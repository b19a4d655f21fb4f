import { getEnv } from "@/lib/env";
import { getKeyStore } from "@/lib/keys/current-key-store";
import type { KeyStore } from "@/lib/keys/key-store";
import { openWitness, type Witness } from "./witness";

/** What sealing and verifying trust that the database cannot touch: the key store and the witness. */
export interface AuditTrust {
  keys: KeyStore;
  witness: Witness;
}

/** This process's key store and witness, from MANDATE_KEYS_DIR and MANDATE_AUDIT_WITNESS. */
export function getAuditTrust(): AuditTrust {
  return { keys: getKeyStore(), witness: openWitness(getEnv().auditWitness) };
}
