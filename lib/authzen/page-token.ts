import { createHash } from "node:crypto";
import { validationError } from "@/lib/api/http";

// Opaque next_token of a search: the offset of the next page and a fingerprint of the query it
// belongs to, so a follow-up whose entities or limit changed is refused (the standard: all but
// the token MUST stay identical, and the PDP SHOULD return an error otherwise).

export function queryFingerprint(canonicalQuery: string): string {
  return createHash("sha256").update(canonicalQuery).digest("base64url").slice(0, 16);
}

export function makePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(`${offset}.${fingerprint}`, "utf8").toString("base64url");
}

/** The offset a token points at; 400 naming page.token when it is not ours or belongs to another query. */
export function readPageToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === "") return 0;
  const match = /^(\d{1,6})\.([A-Za-z0-9_-]{16})$/.exec(/^[A-Za-z0-9_-]*$/.test(token) ? Buffer.from(token, "base64url").toString("utf8") : "");
  if (!match) throw validationError([{ path: "page.token", message: "This is not a next_token Mandate issued" }]);
  if (match[2] !== fingerprint) {
    throw validationError([{ path: "page.token", message: "The request changed since this token was issued: send the same subject, resource, context and page.limit" }]);
  }
  return Number(match[1]);
}
