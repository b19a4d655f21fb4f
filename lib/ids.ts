import { hash, randomBytes } from "node:crypto";

// Random bytes are drawn from the CSPRNG 4 KiB at a time: one call per 341 ids, not one per id.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

function random12(): Buffer {
  if (offset + 12 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  offset += 12;
  return pool.subarray(offset - 12, offset);
}

/** Time-ordered, unguessable ids (`dec_…`, `rev_…`, `msg_…`): creation order keeps indexes local. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${random12().toString("base64url")}`;
}

/** A uniform draw in [0, 1) fixed by an id, so sampling is reproducible for the same decision. */
export function drawFromId(id: string): number {
  // The first 48 bits of SHA-256(id); one-shot hex hashing is the cheapest form in node.
  return parseInt(hash("sha256", id, "hex").slice(0, 12), 16) / 2 ** 48;
}
