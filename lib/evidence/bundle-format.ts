import { z } from "zod";

/**
 * The evidence bundle: NDJSON (gzip by default), one JSON object per line, in this order:
 *
 *   manifest
 *   seal, then every audit entry the seal covers (id order), for each seal in chain order
 *   audit entries not sealed yet at export (id order)
 *   decision, approval, approval_vote, outcome, review_case, review_note lines
 *   end: counts per kind and the SHA-256 of every line before it
 *
 * A seal is always followed by all of its entries, so a verifier recomputes each seal's digest
 * with one running hash and never holds a range in memory. Ids and transaction ids are strings
 * (PostgreSQL bigint does not fit a JSON number); times are ISO 8601 UTC.
 */
export const EVIDENCE_FORMAT = "mandate-evidence";
/** 2: seals carry their Ed25519 signature and key id, entries their nonce, the manifest the public keys. */
export const EVIDENCE_FORMAT_VERSION = 2;

/**
 * Audit entries are selected a little either side of the period: a record and its audit entry
 * are written in one transaction but may carry timestamps a few milliseconds apart (database
 * `now()` against the server's clock), and a record at the edge must keep its evidence.
 */
export const AUDIT_MARGIN_MS = 2 * 60_000;

const isoTime = z.iso.datetime({ offset: true });
const bigintText = z.string().regex(/^-?\d+$/, "must be a whole number");
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in hex");

export const manifestLine = z.object({
  type: z.literal("manifest"),
  format: z.literal(EVIDENCE_FORMAT),
  version: z.literal(EVIDENCE_FORMAT_VERSION),
  period: z.object({ from: isoTime, to: isoTime }),
  audit_window: z.object({ from: isoTime, to: isoTime }),
  exported_at: isoTime,
  exported_by: z.string(),
  /** The hash the first included seal must link to (its predecessor's hash, or the genesis hash). */
  anchor: z.object({ seal_id: z.number().int().nullable(), hash: sha256 }),
  /** The last included seal, or the latest seal at export when the bundle holds none. */
  head: z.object({ seal_id: z.number().int().nullable(), hash: sha256 }),
  contents: z.string(),
  /**
   * The public keys that signed the bundle's seals. They only say which key to look for: a
   * verifier trusts a key it obtained separately (a key file, the JWKS URL, or a fingerprint).
   */
  signing_keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string() }).passthrough()).default([]),
});

export const sealLine = z.object({
  type: z.literal("seal"),
  id: z.number().int().positive(),
  from_txid: bigintText,
  to_txid: bigintText,
  entry_count: z.number().int().nonnegative(),
  entries_digest: sha256,
  prev_hash: sha256,
  hash: sha256,
  sealed_at: isoTime,
  /** Null on seals made before seals were signed. */
  key_id: z.string().nullable(),
  signature: z.string().nullable(),
});

export const auditEntryLine = z.object({
  type: z.literal("audit_entry"),
  id: bigintText,
  txid: bigintText,
  /** The seal this entry belongs to, or null for an entry not sealed yet at export. */
  seal_id: z.number().int().nullable(),
  occurred_at: isoTime,
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  actor_label: z.string(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string().nullable(),
  data: z.unknown(),
  /** Part of the hashed content; null on entries written before keyed MACs. */
  nonce: z.string().nullable(),
  hash: sha256,
});

export const decisionLine = z.object({
  type: z.literal("decision"),
  id: z.string(),
  /** False for a decision made before the period that a record in the period refers to. */
  in_period: z.boolean(),
  agent_id: z.string(),
  agent: z.string(),
  policy_version: z.number().int().nullable(),
  action: z.string(),
  intent: z.string().nullable(),
  customer_id: z.string().nullable(),
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  channel: z.string().nullable(),
  confidence: z.number().nullable(),
  conversation_id: z.string().nullable(),
  request: z.unknown(),
  decision: z.string(),
  status: z.string(),
  authority: z.string().nullable(),
  tier: z.string().nullable(),
  owner: z.string().nullable(),
  reasons: z.unknown(),
  reason_codes: z.array(z.string()),
  action_digest: z.string(),
  review_sampled: z.boolean(),
  created_at: isoTime,
  updated_at: isoTime,
});

export const approvalLine = z.object({
  type: z.literal("approval"),
  id: z.string(),
  decision_id: z.string(),
  required: z.number().int(),
  roles: z.array(z.string()),
  status: z.string(),
  expires_at: isoTime,
  decided_at: isoTime.nullable(),
  escalated_at: isoTime.nullable(),
  created_at: isoTime,
});

export const approvalVoteLine = z.object({
  type: z.literal("approval_vote"),
  id: z.string(),
  approval_id: z.string(),
  decision_id: z.string(),
  user_id: z.string(),
  user: z.string(),
  verdict: z.string(),
  role: z.string(),
  reason: z.string(),
  created_at: isoTime,
});

export const outcomeLine = z.object({
  type: z.literal("outcome"),
  id: z.string(),
  decision_id: z.string(),
  status: z.string(),
  action_digest: z.string().nullable(),
  external_ref: z.string().nullable(),
  detail: z.unknown(),
  created_at: isoTime,
});

export const reviewCaseLine = z.object({
  type: z.literal("review_case"),
  id: z.string(),
  source: z.string(),
  reason: z.string(),
  detail: z.string().nullable(),
  decision_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  action: z.string().nullable(),
  tier: z.string().nullable(),
  conversation_id: z.string().nullable(),
  status: z.string(),
  labels: z.array(z.string()),
  assignee_id: z.string().nullable(),
  resolution: z.string().nullable(),
  resolved_by_id: z.string().nullable(),
  resolved_at: isoTime.nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});

export const reviewNoteLine = z.object({
  type: z.literal("review_note"),
  id: z.string(),
  case_id: z.string(),
  author_id: z.string(),
  author: z.string(),
  body: z.string(),
  created_at: isoTime,
});

export const RECORD_KINDS = ["decision", "approval", "approval_vote", "outcome", "review_case", "review_note"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const LINE_KINDS = ["seal", "audit_entry", ...RECORD_KINDS] as const;
export type CountedKind = (typeof LINE_KINDS)[number];

export const endLine = z.object({
  type: z.literal("end"),
  counts: z.object(Object.fromEntries(LINE_KINDS.map((k) => [k, z.number().int().nonnegative()])) as Record<CountedKind, z.ZodNumber>),
  /** SHA-256 over every line before this one, each followed by "\n": catches truncation and damage in transit. */
  lines_sha256: sha256,
  /** Ed25519 signature of this line (without it) by the server's signing key: the whole bundle is the server's. */
  key_id: z.string(),
  signature: z.string(),
});

export const bundleLine = z.discriminatedUnion("type", [
  manifestLine,
  sealLine,
  auditEntryLine,
  decisionLine,
  approvalLine,
  approvalVoteLine,
  outcomeLine,
  reviewCaseLine,
  reviewNoteLine,
  endLine,
]);

export type ManifestLine = z.infer<typeof manifestLine>;
export type SealLine = z.infer<typeof sealLine>;
export type AuditEntryLine = z.infer<typeof auditEntryLine>;
export type DecisionLine = z.infer<typeof decisionLine>;
export type ApprovalLine = z.infer<typeof approvalLine>;
export type ApprovalVoteLine = z.infer<typeof approvalVoteLine>;
export type OutcomeLine = z.infer<typeof outcomeLine>;
export type ReviewCaseLine = z.infer<typeof reviewCaseLine>;
export type ReviewNoteLine = z.infer<typeof reviewNoteLine>;
export type EndLine = z.infer<typeof endLine>;
export type BundleLine = z.infer<typeof bundleLine>;

/** The file name offered for download and suggested by the CLI. */
export function evidenceFileName(period: { from: Date; to: Date }): string {
  const day = (d: Date) => d.toISOString().slice(0, 19).replace(/[:]/g, "").replace("T000000", "");
  return `mandate-evidence_${day(period.from)}_${day(period.to)}.ndjson.gz`;
}
