import { sign } from "node:crypto";
import { getEnv } from "@/lib/env";
import { getKeyStore } from "@/lib/keys/current-key-store";
import type { SigningKey } from "@/lib/keys/key-store";
import { getExecutionPause, type StopInForce } from "@/lib/stop-switches/stop-covering";
import { GRANT_TYPE, type GrantClaims } from "./verify-grant";

/**
 * Signed action grants (docs/api/grants.md): a compact JWS that lets the system of record check,
 * offline, that Mandate allowed exactly this action. Grants are made when a response or webhook
 * delivery is sent and never stored: a replay or a retry gets a fresh one, or none when the rules
 * below no longer allow it.
 */

export { GRANT_TYPE, type GrantClaims };

/** What a grant is made from: the decision as it stands, whoever reads it (response, GET, webhook). */
export interface GrantBasis {
  id: string;
  agentName: string;
  action: string;
  status: string;
  actionDigest: string;
  customerId: string | null;
  /** Normalised decimal string (lib/engine/money.ts normalizeAmount), or null. */
  amount: string | null;
  currency: string | null;
  policyVersion: number | null;
  createdAt: Date;
  /** When the approval that completed a hold was given (status `approved`). */
  decidedAt: Date | null;
  /** The MCP tool the decision was made for (the gateway), whose digest covers the whole call. */
  tool?: string | null;
}

/** How long a grant may be used: from the allow, or from the approval that completed a hold. */
export function grantLifetimeMs(): { allowed: number; approved: number } {
  const env = getEnv();
  return { allowed: env.MANDATE_GRANT_TTL_SECONDS * 1000, approved: env.MANDATE_GRANT_APPROVED_TTL_SECONDS * 1000 };
}

/** When a decision's grant stops being valid, or null when the decision may not be executed at all. */
export function grantExpiry(basis: Pick<GrantBasis, "status" | "createdAt" | "decidedAt">, lifetime = grantLifetimeMs()): Date | null {
  if (basis.status === "allowed") return new Date(basis.createdAt.getTime() + lifetime.allowed);
  if (basis.status === "approved" && basis.decidedAt) return new Date(basis.decidedAt.getTime() + lifetime.approved);
  return null;
}

/**
 * The grant for a decision right now, or null: only while it is allowed or approved (so never
 * once an outcome is reported), before its expiry, and never while a stop switch covers it.
 */
export function grantFor(basis: GrantBasis, stops: readonly StopInForce[], now = new Date()): string | null {
  const expiry = grantExpiry(basis);
  if (!expiry || expiry.getTime() <= now.getTime()) return null;
  if (getExecutionPause(stops, basis)) return null;
  const iat = Math.floor(now.getTime() / 1000);
  const claims: GrantClaims = {
    iss: grantIssuer(),
    sub: basis.agentName,
    jti: basis.id,
    action: basis.action,
    digest: basis.actionDigest,
    ...(basis.customerId !== null ? { customer: basis.customerId } : {}),
    ...(basis.amount !== null ? { amount: basis.amount } : {}),
    ...(basis.currency !== null ? { currency: basis.currency } : {}),
    policy_version: basis.policyVersion,
    ...(basis.tool ? { tool: basis.tool } : {}),
    iat,
    nbf: iat,
    exp: Math.floor(expiry.getTime() / 1000),
  };
  return signGrant(claims, getKeyStore().currentSigning());
}

/** The `iss` of every grant: the server's public URL. */
export function grantIssuer(): string {
  const env = getEnv();
  return (env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
}

// The protected header depends only on the key: encoded once per key.
const headers = new Map<string, string>();

/** Compact JWS (RFC 7515) with EdDSA over Ed25519 (`alg: "Ed25519"`, RFC 9864), signed with node:crypto. */
export function signGrant(claims: GrantClaims, key: SigningKey): string {
  let header = headers.get(key.kid);
  if (header === undefined) {
    header = Buffer.from(JSON.stringify({ alg: "Ed25519", typ: GRANT_TYPE, kid: key.kid })).toString("base64url");
    headers.set(key.kid, header);
  }
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString("base64url")}`;
}
