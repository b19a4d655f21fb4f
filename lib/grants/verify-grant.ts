// Verifies a Mandate action grant where the action happens (docs/api/grants.md): the system of
// record (a payment gateway, a carrier, an order service) checks, offline, that Mandate allowed
// exactly the call it is about to make. Built on jose; the digest recipe is Mandate's own.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { actionDigest, toolCallDigest } from "@/lib/engine/canonical";
import { normalizeAmount, parseAmount } from "@/lib/engine/money";

export { actionDigest, toolCallDigest };

export const GRANT_TYPE = "mandate-grant+jwt";

export interface GrantClaims {
  iss: string;
  /** The agent's name. */
  sub: string;
  /** The decision id: one grant, one decision. Keep every jti you honoured and refuse a second. */
  jti: string;
  action: string;
  /** The decision's action_digest. */
  digest: string;
  customer?: string;
  amount?: string;
  currency?: string;
  policy_version: number | null;
  /** Set when the decision was made for an MCP tool call (the gateway): `digest` is then toolCallDigest of the whole call. */
  tool?: string;
  iat: number;
  nbf: number;
  exp: number;
}

/**
 * The call the system of record is about to make: what the grant must have been made for. An MCP
 * server also passes the tool's name and its whole arguments: a grant made for a tool call (it
 * has a `tool` claim) is checked against them, one made by the agent API against customer and params.
 */
export interface GrantedCall {
  action: string;
  customerId?: string | null;
  params?: Record<string, unknown> | null;
  tool?: string;
  arguments?: Record<string, unknown> | null;
}

export type GrantRefusalCode =
  | "malformed"
  | "bad_signature"
  | "unknown_key"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_action"
  | "wrong_call";

export type GrantVerification =
  | { ok: true; claims: GrantClaims }
  | { ok: false; code: GrantRefusalCode; message: string; /** For wrong_call: the first field that differs, where it can be named. */ field?: string };

export interface VerifyGrantOptions {
  /** Mandate's public keys: its JWKS URL (`https://…/.well-known/jwks.json`, fetched and cached), the JWK Set itself, or a jose key getter. */
  jwks: string | URL | JSONWebKeySet | JWTVerifyGetKey;
  /** The call about to be made. */
  call: GrantedCall;
  /** Mandate's public URL, when the grant's `iss` must be it. */
  issuer?: string;
  /** Seconds of clock skew tolerated on exp and nbf (default 5). */
  clockToleranceSeconds?: number;
  now?: Date;
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

function keyGetter(jwks: VerifyGrantOptions["jwks"]): JWTVerifyGetKey {
  const getter = keySet(jwks);
  // Mandate's JWKS names its keys `alg: "Ed25519"` (RFC 9864); a grant whose header uses the
  // older name for the same algorithm, `EdDSA`, is looked up as Ed25519.
  return (header, token) => getter(header.alg === "EdDSA" ? { ...header, alg: "Ed25519" } : header, token);
}

function keySet(jwks: VerifyGrantOptions["jwks"]): JWTVerifyGetKey {
  if (typeof jwks === "function") return jwks;
  if (typeof jwks === "string" || jwks instanceof URL) {
    const url = String(jwks);
    let getter = remoteSets.get(url);
    if (!getter) remoteSets.set(url, (getter = createRemoteJWKSet(new URL(url))));
    return getter;
  }
  return createLocalJWKSet(jwks);
}

/**
 * Checks a grant against Mandate's keys and the call about to be made. Returns the claims, or a
 * named refusal: never throws for a bad token. Single use is the caller's part: refuse a `jti`
 * you have already honoured.
 */
export async function verifyGrant(token: string, options: VerifyGrantOptions): Promise<GrantVerification> {
  let claims: GrantClaims;
  try {
    const verified = await jwtVerify(token, keyGetter(options.jwks), {
      algorithms: ["Ed25519", "EdDSA"],
      typ: GRANT_TYPE,
      issuer: options.issuer,
      clockTolerance: options.clockToleranceSeconds ?? 5,
      currentDate: options.now,
      requiredClaims: ["jti", "sub", "exp", "nbf", "iat"],
    });
    claims = verified.payload as unknown as GrantClaims;
  } catch (error) {
    return refusal(error);
  }
  if (typeof claims.action !== "string" || typeof claims.digest !== "string") {
    return { ok: false, code: "malformed", message: "The grant has no action or digest claim." };
  }
  const call = options.call;
  if (claims.action !== call.action) {
    return { ok: false, code: "wrong_action", message: `The grant is for ${claims.action}, not ${call.action}.`, field: "action" };
  }
  if (claims.tool !== undefined) {
    if (call.tool !== claims.tool) return { ok: false, code: "wrong_call", message: `The grant is for the tool ${claims.tool}, not ${call.tool ?? "a call without a tool name"}.`, field: "tool" };
    if (toolCallDigest({ action: call.action, tool: call.tool, arguments: call.arguments ?? {} }) !== claims.digest) {
      const field = firstDifference(claims, call);
      return { ok: false, code: "wrong_call", message: `The grant was made for another call of ${call.tool}: the arguments differ${field === "params" ? "" : ` (${field})`}.`, field: field === "params" ? "arguments" : field };
    }
    return { ok: true, claims };
  }
  const digest = actionDigest({ action: call.action, customerId: call.customerId ?? null, params: call.params ?? {} });
  if (digest !== claims.digest) {
    const field = firstDifference(claims, call);
    const what = field === "params" ? "a parameter other than the customer, amount and currency differs (an order id, an address…)" : `${field} differs`;
    return { ok: false, code: "wrong_call", message: `The grant was made for another ${call.action}: ${what}.`, field };
  }
  return { ok: true, claims };
}

function refusal(error: unknown): GrantVerification & { ok: false } {
  if (error instanceof errors.JWTExpired) return { ok: false, code: "expired", message: "The grant has expired: ask Mandate again." };
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return { ok: false, code: "not_yet_valid", message: "The grant is not valid yet (check the clocks)." };
    if (error.claim === "iss") return { ok: false, code: "wrong_issuer", message: "The grant was issued by another server." };
    return { ok: false, code: "malformed", message: `The grant's ${error.claim} claim is invalid.` };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, code: "bad_signature", message: "The grant's signature does not verify: it was altered or forged." };
  if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, code: "unknown_key", message: "The grant was signed by a key Mandate does not publish." };
  if (error instanceof errors.JWKSMultipleMatchingKeys) return { ok: false, code: "unknown_key", message: "The grant's key id matches several keys." };
  if (error instanceof errors.JOSEAlgNotAllowed) return { ok: false, code: "bad_signature", message: "The grant is not signed with Ed25519." };
  const detail = error instanceof Error ? error.message : String(error);
  return { ok: false, code: "malformed", message: `Not a Mandate grant: ${detail}` };
}

/** The first field of the call that differs from what the grant names (customer, amount, currency), or `params` for another param (the grant carries only their digest). */
function firstDifference(claims: GrantClaims, call: GrantedCall): string {
  const customer = call.customerId ?? undefined;
  if ((claims.customer ?? undefined) !== customer) return "customer";
  const params = call.params ?? {};
  const amount = params.amount === undefined ? undefined : parseAmount(params.amount);
  const callAmount = amount === undefined ? undefined : amount.ok ? normalizeAmount(amount.value) : String(params.amount);
  if ((claims.amount ?? undefined) !== callAmount) return "params.amount";
  if ((claims.currency ?? undefined) !== (params.currency ?? undefined)) return "params.currency";
  return "params";
}
