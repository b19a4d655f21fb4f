import { sign } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actionDigest, toolCallDigest, verifyGrant, type GrantedCall } from "./verify-grant";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { openKeyStore, publicJwks, rotateKeyStore } from "@/lib/keys/key-store";
import type { StopInForce } from "@/lib/stop-switches/stop-covering";
import { grantExpiry, grantFor, signGrant, type GrantBasis, type GrantClaims } from "./make-grant";

const call: GrantedCall = { action: "refund.issue", customerId: "cus_8841", params: { amount: "42.50", currency: "USD", order_id: "ord_1193" } };
const now = new Date("2026-12-07T00:07:00Z");

function basis(overrides: Partial<GrantBasis> = {}): GrantBasis {
  return {
    id: "dec_test1",
    agentName: "support-bot",
    action: call.action,
    status: "allowed",
    actionDigest: actionDigest(call),
    customerId: "cus_8841",
    amount: "42.5",
    currency: "USD",
    policyVersion: 7,
    createdAt: now,
    decidedAt: null,
    ...overrides,
  };
}

const jwks = () => publicJwks(getKeyStore());
const stop = (scope: StopInForce["scope"], target: string | null): StopInForce => ({ id: "1", scope, target, reason: "incident 42", createdBy: "committee@example.com", createdAt: now });
const decodeClaims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as GrantClaims;

describe("grants", () => {
  it("are made for an allowed decision, verify against the JWKS and name exactly that call", async () => {
    const token = grantFor(basis(), [], now)!;
    const [header] = token.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ alg: "Ed25519", typ: "mandate-grant+jwt", kid: getKeyStore().currentSigning().kid });
    const claims = decodeClaims(token);
    expect(claims).toMatchObject({ sub: "support-bot", jti: "dec_test1", action: "refund.issue", customer: "cus_8841", amount: "42.5", currency: "USD", policy_version: 7 });
    expect(claims.exp - claims.iat).toBe(300);
    const verified = await verifyGrant(token, { jwks: jwks(), call, now });
    expect(verified).toEqual({ ok: true, claims });
    // 42.5 written as a number digests like "42.50": the amount is normalised.
    expect(await verifyGrant(token, { jwks: jwks(), call: { ...call, params: { ...call.params, amount: 42.5 } }, now })).toMatchObject({ ok: true });
  });

  it("are never made while a decision may not be executed, or while a stop covers it", () => {
    for (const status of ["pending_approval", "denied", "needs_step_up", "escalated", "rejected", "expired", "executed", "failed", "reverted"]) {
      expect(grantFor(basis({ status }), [], now)).toBeNull();
    }
    expect(grantFor(basis(), [], new Date(now.getTime() + 300_000))).toBeNull();
    expect(grantFor(basis(), [stop("all", null)], now)).toBeNull();
    expect(grantFor(basis(), [stop("agent", "support-bot")], now)).toBeNull();
    expect(grantFor(basis(), [stop("action", "refund.issue")], now)).toBeNull();
    expect(grantFor(basis(), [stop("agent", "other-bot"), stop("action", "shipment.reroute")], now)).not.toBeNull();
  });

  it("after an approval run 15 minutes from the approval, not from the request", () => {
    const decidedAt = new Date(now.getTime() + 3_600_000);
    expect(grantExpiry(basis({ status: "approved", decidedAt }))).toEqual(new Date(decidedAt.getTime() + 900_000));
    const token = grantFor(basis({ status: "approved", decidedAt }), [], new Date(decidedAt.getTime() + 60_000))!;
    expect(decodeClaims(token).exp).toBe(Math.floor(decidedAt.getTime() / 1000) + 900);
  });

  it("are refused by name: expired, not yet valid, bad signature, unknown key, wrong issuer, wrong action, wrong call", async () => {
    const token = grantFor(basis(), [], now)!;
    const later = new Date(now.getTime() + 301_000 + 5_000);
    expect(await verifyGrant(token, { jwks: jwks(), call, now: later })).toMatchObject({ ok: false, code: "expired" });
    expect(await verifyGrant(token, { jwks: jwks(), call, now: new Date(now.getTime() - 60_000) })).toMatchObject({ ok: false, code: "not_yet_valid" });

    // Another amount written into the claims: the signature no longer verifies.
    const [h, p, s] = token.split(".");
    const altered = Buffer.from(JSON.stringify({ ...decodeClaims(token), amount: "4250" })).toString("base64url");
    expect(await verifyGrant(`${h}.${altered}.${s}`, { jwks: jwks(), call, now })).toMatchObject({ ok: false, code: "bad_signature" });
    expect(await verifyGrant(`${h}.${p}`, { jwks: jwks(), call, now })).toMatchObject({ ok: false, code: "malformed" });
    expect(await verifyGrant("not a token", { jwks: jwks(), call, now })).toMatchObject({ ok: false, code: "malformed" });

    // A forger's own key, with a kid Mandate does not publish, and one posing as Mandate's kid.
    const forger = openKeyStore(path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-forger-")), "keys")).currentSigning();
    const forged = signGrant(decodeClaims(token), forger);
    expect(await verifyGrant(forged, { jwks: jwks(), call, now })).toMatchObject({ ok: false, code: "unknown_key" });
    const posing = signGrant(decodeClaims(token), { ...forger, kid: getKeyStore().currentSigning().kid });
    expect(await verifyGrant(posing, { jwks: jwks(), call, now })).toMatchObject({ ok: false, code: "bad_signature" });

    // "none" and HMAC tokens are refused whatever they claim.
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "mandate-grant+jwt" })).toString("base64url")}.${p}.`;
    expect(await verifyGrant(unsigned, { jwks: jwks(), call, now })).toMatchObject({ ok: false });

    expect(await verifyGrant(token, { jwks: jwks(), call, now, issuer: "https://mandate.other.example" })).toMatchObject({ ok: false, code: "wrong_issuer" });
    expect(await verifyGrant(token, { jwks: jwks(), call: { ...call, action: "refund.reverse" }, now })).toMatchObject({ ok: false, code: "wrong_action", field: "action" });
    const differ = async (change: Partial<GrantedCall>) => verifyGrant(token, { jwks: jwks(), call: { ...call, ...change }, now });
    expect(await differ({ customerId: "cus_0001" })).toMatchObject({ ok: false, code: "wrong_call", field: "customer" });
    expect(await differ({ params: { ...call.params, amount: "4250.00" } })).toMatchObject({ ok: false, code: "wrong_call", field: "params.amount" });
    expect(await differ({ params: { ...call.params, currency: "EUR" } })).toMatchObject({ ok: false, code: "wrong_call", field: "params.currency" });
    expect(await differ({ params: { ...call.params, order_id: "ord_9999" } })).toMatchObject({ ok: false, code: "wrong_call", field: "params" });
  });

  it("still verify after a key rotation (the old public key stays in the JWKS)", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-rotate-")), "keys");
    const before = openKeyStore(dir);
    const claims = decodeClaims(grantFor(basis(), [], now)!);
    const old = signGrant(claims, before.currentSigning());
    rotateKeyStore(dir, { mac: false, signing: true });
    const after = openKeyStore(dir);
    expect(after.currentSigning().kid).not.toBe(before.currentSigning().kid);
    expect(await verifyGrant(old, { jwks: publicJwks(after), call, now })).toMatchObject({ ok: true });
    expect(await verifyGrant(signGrant(claims, after.currentSigning()), { jwks: publicJwks(after), call, now })).toMatchObject({ ok: true });
  });

  it("are accepted with the older alg name EdDSA as well", async () => {
    const key = getKeyStore().currentSigning();
    const claims = decodeClaims(grantFor(basis(), [], now)!);
    const header = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: "mandate-grant+jwt", kid: key.kid })).toString("base64url");
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    const token = `${input}.${sign(null, Buffer.from(input), key.privateKey).toString("base64url")}`;
    expect(await verifyGrant(token, { jwks: jwks(), call, now })).toMatchObject({ ok: true });
  });

  it("made for an MCP tool call, bind the tool and its whole arguments", async () => {
    const args = { customer_id: "cus_8841", order_id: "ord_1193", address: { line1: "1 New Street", postcode: "10115" } };
    const digest = toolCallDigest({ action: "shipment.reroute", tool: "reroute_parcel", arguments: args });
    const token = grantFor(basis({ action: "shipment.reroute", actionDigest: digest, amount: null, currency: null, tool: "reroute_parcel" }), [], now)!;
    expect(decodeClaims(token).tool).toBe("reroute_parcel");
    const toolCall = { action: "shipment.reroute", customerId: "cus_8841", tool: "reroute_parcel", arguments: args };
    expect(await verifyGrant(token, { jwks: jwks(), call: toolCall, now })).toMatchObject({ ok: true });
    // Approved for one address, called with another: refused, though the address is no mapped param.
    const elsewhere = { ...args, address: { ...args.address, postcode: "99999" } };
    expect(await verifyGrant(token, { jwks: jwks(), call: { ...toolCall, arguments: elsewhere }, now })).toMatchObject({ ok: false, code: "wrong_call", field: "arguments" });
    expect(await verifyGrant(token, { jwks: jwks(), call: { ...toolCall, tool: "cancel_order" }, now })).toMatchObject({ ok: false, code: "wrong_call", field: "tool" });
    // Key order in the arguments does not matter (canonical JSON).
    const reordered = { address: { postcode: "10115", line1: "1 New Street" }, order_id: "ord_1193", customer_id: "cus_8841" };
    expect(await verifyGrant(token, { jwks: jwks(), call: { ...toolCall, arguments: reordered }, now })).toMatchObject({ ok: true });
  });
});
