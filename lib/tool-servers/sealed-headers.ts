import { openSecret, sealSecret } from "@/lib/keys/secret-box";

// The upstream's credentials, sealed as one JSON object bound to the row: a copy pasted into
// another row does not open.
function boundTo(id: string): string {
  return `tool-server:${id}:headers`;
}

export function sealHeaders(id: string, headers: Record<string, string>): string | null {
  return Object.keys(headers).length === 0 ? null : sealSecret(JSON.stringify(headers), boundTo(id));
}

/** Server-side only: the clear header values, for connecting to the upstream. */
export function openHeaders(id: string, sealed: string | null): Record<string, string> {
  return sealed === null ? {} : (JSON.parse(openSecret(sealed, boundTo(id))) as Record<string, string>);
}
