import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError } from "./signature";

// The Standard Webhooks reference vector: a receiver's stock library must accept what we send.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const at = (seconds: number) => new Date(seconds * 1000);

function headersFor(id: string, timestamp: number, signature: string) {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

describe("signWebhook", () => {
  it("reproduces the published Standard Webhooks vector", () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it("is HMAC-SHA256 of id.timestamp.body keyed by the base64-decoded secret", () => {
    const secret = generateWebhookSecret();
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const independent = createHmac("sha256", key).update('msg_1.1700000000.{"a":1}').digest("base64");
    expect(signWebhook(secret, "msg_1", 1700000000, '{"a":1}')).toBe(`v1,${independent}`);
    expect(signWebhook(secret, "msg_1", 1700000000, Buffer.from('{"a":1}'))).toBe(`v1,${independent}`);
  });

  it("generates distinct 32-byte secrets in the whsec_ format", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});

describe("verifyWebhook", () => {
  const headers = headersFor(VECTOR.id, VECTOR.timestamp, VECTOR.signature);

  it("accepts the vector within the tolerance and returns the id for de-duplication", () => {
    expect(verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: at(VECTOR.timestamp + 299) })).toEqual({ id: VECTOR.id, timestamp: VECTOR.timestamp });
    expect(verifyWebhook(VECTOR.secret, new Headers(headers), Buffer.from(VECTOR.body), { now: at(VECTOR.timestamp) }).id).toBe(VECTOR.id);
  });

  it("accepts any matching signature among several, skipping other versions and garbage", () => {
    const many = headersFor(VECTOR.id, VECTOR.timestamp, `v1,bm9wZQ== v1a,whatever nonsense ${VECTOR.signature}`);
    expect(() => verifyWebhook(VECTOR.secret, many, VECTOR.body, { now: at(VECTOR.timestamp) })).not.toThrow();
  });

  it("rejects a changed body, id, timestamp or secret", () => {
    const now = { now: at(VECTOR.timestamp) };
    expect(() => verifyWebhook(VECTOR.secret, headers, '{"test": 2432232315}', now)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(VECTOR.secret, { ...headers, "webhook-id": "msg_other" }, VECTOR.body, now)).toThrow(/No matching/);
    expect(() => verifyWebhook(VECTOR.secret, { ...headers, "webhook-timestamp": String(VECTOR.timestamp + 1) }, VECTOR.body, now)).toThrow(/No matching/);
    expect(() => verifyWebhook(generateWebhookSecret(), headers, VECTOR.body, now)).toThrow(/No matching/);
    // A truncated signature must fail on length, not throw from timingSafeEqual.
    expect(() => verifyWebhook(VECTOR.secret, { ...headers, "webhook-signature": VECTOR.signature.slice(0, 20) }, VECTOR.body, now)).toThrow(/No matching/);
  });

  it("rejects a stale or future timestamp even with a valid signature (replay)", () => {
    expect(() => verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: at(VECTOR.timestamp + 301) })).toThrow(/tolerance/);
    expect(() => verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: at(VECTOR.timestamp - 301) })).toThrow(/tolerance/);
    expect(() => verifyWebhook(VECTOR.secret, headers, VECTOR.body, { now: at(VECTOR.timestamp + 3600), toleranceSeconds: 7200 })).not.toThrow();
  });

  it("rejects missing headers and a non-numeric timestamp", () => {
    expect(() => verifyWebhook(VECTOR.secret, { "webhook-id": VECTOR.id }, VECTOR.body)).toThrow(/Missing/);
    expect(() => verifyWebhook(VECTOR.secret, { ...headers, "webhook-timestamp": "1614265330.5" }, VECTOR.body)).toThrow(/Invalid webhook-timestamp/);
  });
});
