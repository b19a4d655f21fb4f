import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Standard Webhooks (https://www.standardwebhooks.com): the receiver verifies with any
// conforming library, so the byte-level details here (prefix, delimiter, base64) are the contract.

const SECRET_PREFIX = "whsec_";
const SIGNATURE_VERSION = "v1";

/** A new signing secret, `whsec_<base64 of 32 random bytes>`. Shown once when a webhook is set. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
  if (key.length === 0) throw new Error("The webhook secret is empty or not base64.");
  return key;
}

function hmac(key: Buffer, id: string, timestampSeconds: number, body: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestampSeconds}.`).update(body).digest();
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the decoded secret. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  return `${SIGNATURE_VERSION},${hmac(secretKey(secret), id, timestampSeconds, body).toString("base64")}`;
}

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

/** Node's IncomingHttpHeaders, a fetch Headers, or a plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(" ") : value;
}

/**
 * Checks a received webhook: throws WebhookVerificationError unless one of the space-separated
 * `v1` signatures matches and the timestamp is within `toleranceSeconds` of now (either way, so a
 * captured request cannot be replayed later). Returns the message id, for de-duplication.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: { toleranceSeconds?: number; now?: Date } = {},
): { id: string; timestamp: number } {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const id = header(headers, "webhook-id");
  const timestampText = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestampText || !signatures) throw new WebhookVerificationError("Missing webhook headers.");
  if (!/^\d{1,15}$/.test(timestampText)) throw new WebhookVerificationError("Invalid webhook-timestamp.");
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw new WebhookVerificationError("The webhook timestamp is outside the tolerance.");

  const expected = hmac(secretKey(secret), id, timestamp, body);
  for (const candidate of signatures.split(" ")) {
    const comma = candidate.indexOf(",");
    if (comma < 0 || candidate.slice(0, comma) !== SIGNATURE_VERSION) continue;
    const given = Buffer.from(candidate.slice(comma + 1), "base64");
    // timingSafeEqual needs equal lengths; the length of an HMAC is public anyway.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { id, timestamp };
  }
  throw new WebhookVerificationError("No matching webhook signature.");
}
