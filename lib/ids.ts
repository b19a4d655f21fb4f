import { createHash, randomBytes } from "node:crypto";

/** Time-ordered, unguessable ids (`dec_…`, `rev_…`, `msg_…`): creation order keeps indexes local. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${randomBytes(12).toString("base64url")}`;
}

/** A uniform draw in [0, 1) fixed by an id, so sampling is reproducible for the same decision. */
export function drawFromId(id: string): number {
  const digest = createHash("sha256").update(id).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
