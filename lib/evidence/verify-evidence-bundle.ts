import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import DecimalJs from "decimal.js";
import type { z } from "zod";
import { hashAuditContent } from "@/lib/audit/record-audit";
import { EntriesDigest, GENESIS_SEAL_HASH, hashSeal } from "@/lib/audit/seal-hash";
import { publicKeyFromJwk, verifySealHead } from "@/lib/audit/signed-head";
import { jwkThumbprint } from "@/lib/keys/key-store";
import { verifyBundleEnd } from "./bundle-signature";
import {
  EVIDENCE_FORMAT,
  EVIDENCE_FORMAT_VERSION,
  LINE_KINDS,
  RECORD_KINDS,
  bundleLine,
  type AuditEntryLine,
  type BundleLine,
  type CountedKind,
  type EndLine,
  type ManifestLine,
  type RecordKind,
  type SealLine,
} from "./bundle-format";

// Offline by design: this module reads a file and nothing else (no database, no network, no env).

export type EvidenceFailureKind =
  | "unreadable"
  | "format"
  | "entry_hash"
  | "seal_hash"
  | "seal_chain"
  | "seal_digest"
  | "unsealed_entry"
  | "record_without_evidence"
  | "record_mismatch"
  | "missing_record"
  | "truncated"
  | "counts"
  | "lines_digest"
  | "seal_signature"
  | "origin";

export interface EvidenceFailure {
  kind: EvidenceFailureKind;
  /** 1-based line of the (decompressed) bundle where the problem showed. */
  line: number | null;
  entryId?: string;
  sealId?: number;
  record?: { type: RecordKind; id: string };
  message: string;
}

export interface EvidenceVerification {
  ok: boolean;
  period: { from: string; to: string } | null;
  exportedAt: string | null;
  exportedBy: string | null;
  anchor: ManifestLine["anchor"] | null;
  head: ManifestLine["head"] | null;
  counts: Record<CountedKind, number>;
  /** Entries exported before their seal existed: checked against their own hash only. */
  unsealedEntries: number;
  /** The key (fingerprint) that signed the head seal, when the bundle verified against a trusted key. */
  signedBy: string | null;
  failure: EvidenceFailure | null;
}

/**
 * The key(s) the verifier trusts, obtained apart from the bundle: public JWKs (a key file or the
 * server's JWKS), or a fingerprint (then the bundle's own key with exactly that thumbprint).
 */
export interface BundleTrust {
  keys?: readonly { kty?: unknown; crv?: unknown; x?: unknown; kid?: unknown }[];
  fingerprint?: string;
}

const RECORD_LABELS: Record<RecordKind, string> = {
  decision: "Decision",
  approval: "Approval",
  approval_vote: "Approval vote",
  outcome: "Outcome",
  review_case: "Review case",
  review_note: "Review note",
};

class Failed extends Error {
  constructor(readonly failure: EvidenceFailure) {
    super(failure.message);
  }
}

/** What a decision's `decision.create` entry pinned when it was made, compared with the decision line. */
interface DecisionEvidence {
  entryId: string;
  data: Record<string, unknown>;
}

/**
 * Verifies an evidence bundle (gzip or plain NDJSON) offline: every audit entry against its own
 * hash, every seal against the entries it covers and against its own hash, the seals as a chain
 * from the manifest's anchor to its head, and every decision, approval, vote, outcome, review case
 * and note against the audit entries about it. Reports the first problem in plain words.
 */
export async function verifyEvidenceBundle(source: string | Readable | AsyncIterable<Uint8Array>, trust: BundleTrust = {}): Promise<EvidenceVerification> {
  const state = new BundleVerifier(trust);
  let input: Readable | null = null;
  try {
    input = await decompressed(typeof source === "string" ? createReadStream(source) : source instanceof Readable ? source : Readable.from(source));
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const text of lines) state.line(text);
    state.finish();
  } catch (error) {
    input?.destroy();
    if (error instanceof Failed) return state.result(error.failure);
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `There is no file ${typeof source === "string" ? source : ""}.`.replace(" .", ".")
        : code?.startsWith("Z_")
          ? "The file is not a complete gzip stream: it was truncated or damaged after export."
          : `The bundle could not be read: ${(error as Error).message}`;
    return state.result({ kind: "unreadable", line: null, message });
  }
  return state.result(null);
}

/** The bundle's text stream, gunzipped when the file starts with the gzip magic bytes. */
async function decompressed(raw: Readable): Promise<Readable> {
  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await iterator.next();
  if (first.done) return Readable.from([]);
  const head = typeof first.value === "string" ? Buffer.from(first.value) : first.value;
  async function* rest() {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const whole = Readable.from(rest(), { objectMode: false });
  return head[0] === 0x1f && head[1] === 0x8b ? whole.pipe(createGunzip()) : whole;
}

type KeyObjectLike = NonNullable<ReturnType<typeof publicKeyFromJwk>>;

class BundleVerifier {
  constructor(private readonly trust: BundleTrust) {}

  private trustedKeys: Map<string, KeyObjectLike> | null = null;
  private firstSignedSeal: number | null = null;
  private signedBy: string | null = null;
  private lineNo = 0;
  private readonly sha = createHash("sha256");
  private manifest: ManifestLine | null = null;
  private end: EndLine | null = null;
  private readonly counts = Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<CountedKind, number>;
  private unsealed = 0;

  // The audit section.
  private previousSeal: SealLine | null = null;
  private currentSeal: { line: SealLine; digest: EntriesDigest } | null = null;
  private auditClosed = false;

  // What the audit entries are about, for checking the records.
  private readonly subjects = new Set<string>();
  private readonly actions = new Set<string>();
  private readonly approvalIds = new Set<string>();
  private readonly noteIds = new Set<string>();
  private readonly decisionCreated = new Map<string, DecisionEvidence>();

  // The records, for references between them.
  private recordPhase = -1;
  private readonly ids: Record<"decision" | "approval" | "review_case", Set<string>> = { decision: new Set(), approval: new Set(), review_case: new Set() };

  line(text: string): void {
    this.lineNo += 1;
    if (this.end) this.fail("format", "The bundle goes on after its end line: lines were appended after export.");
    if (text.trim() === "") this.fail("format", `Line ${this.lineNo} is empty: the bundle was edited after export.`);
    const line = this.parse(text);
    // The end line carries the digest of every line before it.
    if (line.type !== "end") this.sha.update(`${text}\n`);
    if (line.type !== "manifest" && line.type !== "end") this.counts[line.type] += 1;

    if (this.lineNo === 1) {
      if (line.type !== "manifest") this.fail("format", "The bundle does not start with its manifest: this is not a Mandate evidence bundle, or its start was cut off.");
      this.manifest = line;
      return;
    }
    switch (line.type) {
      case "manifest":
        return this.fail("format", `Line ${this.lineNo} is a second manifest: bundles were joined or edited.`);
      case "seal":
        return this.seal(line);
      case "audit_entry":
        return this.entry(line);
      case "end":
        this.closeAudit();
        this.end = line;
        return this.checkEnd(line);
      default:
        return this.record(line);
    }
  }

  finish(): void {
    if (this.lineNo === 0) this.fail("unreadable", "The file is empty.", { line: null });
    if (!this.end) this.fail("truncated", `The bundle stops after line ${this.lineNo} without its end line: it was truncated.`, { line: null });

  }

  result(failure: EvidenceFailure | null): EvidenceVerification {
    return {
      ok: failure === null,
      period: this.manifest?.period ?? null,
      exportedAt: this.manifest?.exported_at ?? null,
      exportedBy: this.manifest?.exported_by ?? null,
      anchor: this.manifest?.anchor ?? null,
      head: this.manifest?.head ?? null,
      counts: { ...this.counts },
      unsealedEntries: this.unsealed,
      signedBy: failure ? null : this.signedBy,
      failure,
    };
  }

  private fail(kind: EvidenceFailureKind, message: string, extra: Partial<EvidenceFailure> = {}): never {
    throw new Failed({ kind, line: this.lineNo, message, ...extra });
  }

  private parse(text: string): BundleLine {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Name what the damaged line was, when enough of it survives to tell.
      const entry = /"type":"audit_entry","id":"(\d+)"/.exec(text)?.[1];
      const what = entry ? ` (audit entry ${entry})` : "";
      this.fail("format", `Line ${this.lineNo}${what} is not valid JSON: the bundle was edited or damaged after export.`, entry ? { entryId: entry } : {});
    }
    if (this.lineNo === 1) this.checkFormat(json);
    const parsed = bundleLine.safeParse(json);
    if (!parsed.success) {
      const type = typeof (json as { type?: unknown })?.type === "string" ? ` (${(json as { type: string }).type.replaceAll("_", " ")})` : "";
      this.fail("format", `Line ${this.lineNo}${type} is malformed: ${describeIssue(parsed.error)}.`);
    }
    return parsed.data;
  }

  private checkFormat(json: unknown): void {
    const head = json as { type?: unknown; format?: unknown; version?: unknown } | null;
    if (head?.type !== "manifest" || head.format !== EVIDENCE_FORMAT) {
      this.fail("format", "The bundle does not start with a Mandate evidence manifest: this is not an evidence bundle, or its start was cut off.");
    }
    if (head.version !== EVIDENCE_FORMAT_VERSION) {
      this.fail("format", `The bundle is format version ${String(head.version)}; this verifier reads version ${EVIDENCE_FORMAT_VERSION}. Use the Mandate release that exported it.`);
    }
  }

  // ---- The audit section ----------------------------------------------------------------------

  private seal(seal: SealLine): void {
    if (this.auditClosed) this.fail("format", `Seal ${seal.id} comes after the records: the bundle was reordered.`, { sealId: seal.id });
    if (this.unsealed > 0) {
      this.fail("format", `Seal ${seal.id} comes after unsealed entries: the bundle was reordered.`, { sealId: seal.id });
    }
    this.closeSeal();
    const manifest = this.manifest!;
    const previous = this.previousSeal;
    const sealId = seal.id;
    if (previous === null) {
      if (seal.prev_hash !== manifest.anchor.hash) {
        this.fail("seal_chain", `Seal ${sealId} does not link to the anchor named in the manifest: the first seal or the anchor was altered.`, { sealId });
      }
      if (seal.prev_hash === GENESIS_SEAL_HASH && seal.from_txid !== "0") {
        this.fail("seal_chain", `Seal ${sealId} claims to start the chain but starts at transaction ${seal.from_txid}, not 0: it was forged.`, { sealId });
      }
    } else {
      if (seal.from_txid !== previous.to_txid) {
        this.fail("seal_chain", `Seal ${sealId} starts at transaction ${seal.from_txid} but seal ${previous.id} ended at ${previous.to_txid}: a seal was removed, altered or forged.`, { sealId });
      }
      if (seal.prev_hash !== previous.hash) {
        this.fail("seal_chain", `Seal ${sealId} does not link to seal ${previous.id}: its previous hash differs from that seal's hash, so a seal was altered, removed or inserted.`, { sealId });
      }
    }
    if (BigInt(seal.to_txid) <= BigInt(seal.from_txid)) {
      this.fail("seal_chain", `Seal ${sealId} covers an empty range of transactions: it was forged or altered.`, { sealId });
    }
    const fields = { fromTxid: BigInt(seal.from_txid), toTxid: BigInt(seal.to_txid), entryCount: seal.entry_count, entriesDigest: seal.entries_digest, prevHash: seal.prev_hash };
    if (hashSeal(fields) !== seal.hash) {
      this.fail("seal_hash", `Seal ${sealId} no longer matches its own hash: its range, entry count or digest was altered.`, { sealId });
    }
    this.checkSignature(seal);
    this.currentSeal = { line: seal, digest: new EntriesDigest() };
  }

  /** The keys this verifier trusts, settled once the manifest is read. */
  private keys(): Map<string, KeyObjectLike> {
    if (this.trustedKeys) return this.trustedKeys;
    const keys = new Map<string, KeyObjectLike>();
    const add = (jwk: { kty?: unknown; crv?: unknown; x?: unknown }) => {
      const key = publicKeyFromJwk(jwk);
      if (key && typeof jwk.x === "string") keys.set(jwkThumbprint({ crv: String(jwk.crv), kty: String(jwk.kty), x: jwk.x }), key);
    };
    for (const jwk of this.trust.keys ?? []) add(jwk);
    const fingerprint = this.trust.fingerprint?.replace(/^(sha256:|SHA256:)/, "");
    if (fingerprint) {
      for (const jwk of this.manifest?.signing_keys ?? []) if (jwkThumbprint(jwk) === fingerprint) add(jwk);
      if (keys.size === 0) this.fail("origin", `The bundle names no signing key with the fingerprint ${fingerprint}: it was not signed by the key you were told about.`);
    }
    this.trustedKeys = keys;
    return keys;
  }

  private declaredKey(kid: string): KeyObjectLike | null {
    const jwk = this.manifest?.signing_keys.find((k) => jwkThumbprint(k) === kid);
    return jwk ? publicKeyFromJwk(jwk) : null;
  }

  private checkSignature(seal: SealLine): void {
    const sealId = seal.id;
    if (!seal.signature || !seal.key_id) {
      if (this.firstSignedSeal !== null) {
        this.fail("seal_signature", `Seal ${sealId} carries no signature but follows signed seal ${this.firstSignedSeal}: it was forged or rewritten.`, { sealId });
      }
      return;
    }
    // The end line's signature, by a key the auditor trusts, vouches for the whole bundle; a seal
    // may be signed by an older key the bundle names (the chain ties it to the signed end).
    const key = this.keys().get(seal.key_id) ?? this.declaredKey(seal.key_id);
    if (!key) this.fail("seal_signature", `Seal ${sealId} is signed by key ${seal.key_id}, which neither you trust nor the bundle names: it was forged.`, { sealId });
    const head = { seal_id: sealId, from_txid: seal.from_txid, to_txid: seal.to_txid, entry_count: seal.entry_count, entries_digest: seal.entries_digest, prev_hash: seal.prev_hash, hash: seal.hash, sealed_at: seal.sealed_at, kid: seal.key_id };
    if (!verifySealHead(head, seal.signature, key)) this.fail("seal_signature", `Seal ${sealId}'s signature does not verify: the seal was altered after it was signed.`, { sealId });
    this.firstSignedSeal ??= sealId;
  }

  /** Checks that the seal being read got exactly the entries it sealed. */
  private closeSeal(): void {
    const current = this.currentSeal;
    if (!current) return;
    const seal = current.line;
    const found = current.digest.entryCount;
    if (found !== seal.entry_count || current.digest.digest() !== seal.entries_digest) {
      const range = `transactions ${seal.from_txid} to ${BigInt(seal.to_txid) - 1n}`;
      const sealed = `Seal ${seal.id} (${range}) sealed ${plural(seal.entry_count, "entry", "entries")}`;
      const message =
        found < seal.entry_count
          ? `${sealed} but the bundle holds ${found.toLocaleString("en-US")} of them: an entry was removed from the bundle or the log.`
          : found > seal.entry_count
            ? `${sealed} but the bundle holds ${found.toLocaleString("en-US")}: an entry was added to the bundle or the log.`
            : `${sealed} and the entries in the bundle differ from them: an entry was altered and re-hashed, or entries were renumbered or reordered.`;
      this.fail("seal_digest", message, { sealId: seal.id });
    }
    this.previousSeal = seal;
    this.currentSeal = null;
  }

  /** The audit section is over: the last seal is checked and the chain must end at the manifest's head. */
  private closeAudit(): void {
    if (this.auditClosed) return;
    this.closeSeal();
    this.auditClosed = true;
    const head = this.manifest!.head;
    if (this.previousSeal && this.previousSeal.hash !== head.hash) {
      this.fail("seal_chain", `The last seal in the bundle (${this.previousSeal.id}) is not the head named in the manifest: seals were removed from the end.`, { sealId: this.previousSeal.id });
    }

  }

  private entry(entry: AuditEntryLine): void {
    if (this.auditClosed) this.fail("format", `Audit entry ${entry.id} comes after the records: the bundle was reordered.`, { entryId: entry.id });
    const entryId = entry.id;
    const txid = BigInt(entry.txid);
    if (entry.seal_id === null) {
      this.closeSeal();
      const last = this.previousSeal;
      if (last && txid < BigInt(last.to_txid)) {
        this.fail("unsealed_entry", `Audit entry ${entryId} is listed as not sealed yet, but its transaction ${entry.txid} falls within seal ${last.id} or earlier: it was moved or forged.`, { entryId });
      }
      this.unsealed += 1;
    } else {
      const current = this.currentSeal;
      if (!current || current.line.id !== entry.seal_id) {
        this.fail("format", `Audit entry ${entryId} names seal ${entry.seal_id} but does not follow it: the bundle was reordered.`, { entryId });
      }
      if (txid < BigInt(current.line.from_txid) || txid >= BigInt(current.line.to_txid)) {
        this.fail("seal_digest", `Audit entry ${entryId} claims transaction ${entry.txid}, outside the range of seal ${current.line.id}: its transaction id was altered.`, { entryId, sealId: current.line.id });
      }
    }
    const recomputed = hashAuditContent({
      occurredAt: entry.occurred_at,
      actorType: entry.actor_type,
      actorId: entry.actor_id,
      actorLabel: entry.actor_label,
      action: entry.action,
      subjectType: entry.subject_type,
      subjectId: entry.subject_id,
      data: entry.data,
      nonce: entry.nonce,
    });
    if (recomputed !== entry.hash) {
      this.fail("entry_hash", `Audit entry ${entryId} (${entry.action} at ${entry.occurred_at}) no longer matches its hash: its content was altered after it was written.`, {
        entryId,
        ...(entry.seal_id === null ? {} : { sealId: entry.seal_id }),
      });
    }
    this.currentSeal?.digest.add({ id: BigInt(entry.id), txid, hash: entry.hash });
    this.index(entry);
  }

  private index(entry: AuditEntryLine): void {
    const subject = `${entry.subject_type}:${entry.subject_id ?? ""}`;
    this.subjects.add(subject);
    this.actions.add(`${subject}|${entry.action}`);
    this.actions.add(`${subject}|${entry.action}|${entry.actor_id ?? ""}`);
    this.actions.add(`${subject}|*|${entry.actor_id ?? ""}`);
    const data = isObject(entry.data) ? entry.data : {};
    if (entry.action.startsWith("approval.") && typeof data.approval_id === "string") this.approvalIds.add(data.approval_id);
    if (entry.action === "review.note" && typeof data.note_id === "string") this.noteIds.add(data.note_id);
    if (entry.action === "decision.create" && entry.subject_type === "decision" && entry.subject_id && !this.decisionCreated.has(entry.subject_id)) {
      this.decisionCreated.set(entry.subject_id, { entryId: entry.id, data });
    }
  }

  // ---- The records ----------------------------------------------------------------------------

  private record(line: Extract<BundleLine, { type: RecordKind }>): void {
    this.closeAudit();
    const phase = RECORD_KINDS.indexOf(line.type);
    const label = RECORD_LABELS[line.type];
    const record = { type: line.type, id: line.id };
    if (phase < this.recordPhase) this.fail("format", `${label} ${line.id} is out of place: the bundle was reordered.`, { record });
    this.recordPhase = phase;
    const missing = (what: string, kind: "decision" | "approval" | "review_case", id: string) => {
      if (!this.ids[kind].has(id)) this.fail("missing_record", `${label} ${line.id} refers to ${what} ${id}, which is not in the bundle: a line was removed.`, { record });
    };
    const noEvidence = (about: string) =>
      this.fail("record_without_evidence", `${label} ${line.id} has no audit entry ${about} in the bundle: the record was added or altered outside Mandate, or its audit entries were removed.`, { record });

    switch (line.type) {
      case "decision":
        if (!this.subjects.has(`decision:${line.id}`)) noEvidence("about it");
        this.compareWithCreation(line);
        this.ids.decision.add(line.id);
        return;
      case "approval":
        missing("decision", "decision", line.decision_id);
        if (!this.approvalIds.has(line.id) && !this.actions.has(`decision:${line.decision_id}|decision.create`)) noEvidence("recording it or a vote on it");
        this.ids.approval.add(line.id);
        return;
      case "approval_vote":
        missing("approval", "approval", line.approval_id);
        missing("decision", "decision", line.decision_id);
        if (!this.actions.has(`decision:${line.decision_id}|approval.${line.verdict}|${line.user_id}`)) noEvidence(`of ${line.user} voting ${line.verdict}`);
        return;
      case "outcome":
        missing("decision", "decision", line.decision_id);
        if (!this.actions.has(`decision:${line.decision_id}|outcome.${line.status}`)) noEvidence(`reporting ${line.status}`);
        return;
      case "review_case":
        if (line.decision_id) missing("decision", "decision", line.decision_id);
        if (!this.subjects.has(`review_case:${line.id}`) && !(line.decision_id && this.subjects.has(`decision:${line.decision_id}`))) noEvidence("about it or its decision");
        this.ids.review_case.add(line.id);
        return;
      case "review_note":
        missing("review case", "review_case", line.case_id);
        if (!this.noteIds.has(line.id) && !this.actions.has(`review_case:${line.case_id}|*|${line.author_id}`)) noEvidence(`by ${line.author} about its case`);
        return;
    }
  }

  /** A decision line must still say what its `decision.create` entry recorded when it was made. */
  private compareWithCreation(line: Extract<BundleLine, { type: "decision" }>): void {
    const created = this.decisionCreated.get(line.id);
    if (!created) return;
    const recorded = created.data;
    const fields: [string, unknown, unknown][] = [
      ["action", line.action, recorded.action],
      ["decision", line.decision, recorded.decision],
      ["tier", line.tier, recorded.tier],
      ["customer", line.customer_id, recorded.customer_id],
      ["action digest", line.action_digest, recorded.action_digest],
    ];
    for (const [name, now, then] of fields) {
      if (then !== undefined && now !== then) this.mismatch(line.id, name, now, then, created.entryId);
    }
    if (recorded.amount !== undefined && !sameAmount(line.amount, recorded.amount)) this.mismatch(line.id, "amount", line.amount, recorded.amount, created.entryId);
  }

  private mismatch(id: string, field: string, now: unknown, then: unknown, entryId: string): never {
    this.fail(
      "record_mismatch",
      `Decision ${id} says its ${field} is ${show(now)}, but audit entry ${entryId}, written when it was decided, recorded ${show(then)}: the decision record was altered.`,
      { record: { type: "decision", id }, entryId },
    );
  }

  // ---- The end ---------------------------------------------------------------------------------

  private checkEnd(end: EndLine): void {
    for (const kind of LINE_KINDS) {
      if (end.counts[kind] !== this.counts[kind]) {
        const name = kind.replaceAll("_", " ");
        this.fail("counts", `The end line counts ${end.counts[kind].toLocaleString("en-US")} ${name} lines but the bundle holds ${this.counts[kind].toLocaleString("en-US")}: lines were removed or added.`);
      }
    }
    // Records carry no hash of their own: a change to a field the audit log does not pin shows
    // only here, and only as "something changed", since whoever edits a file can recompute this.
    if (this.sha.digest("hex") !== end.lines_sha256) {
      this.fail(
        "lines_digest",
        "The bundle's lines no longer match the digest written at export: a line was changed after export. Every audit entry and seal verified, so the change is in a record field the audit log does not pin.",
      );
    }
    const keys = this.keys();
    if (keys.size === 0) {
      this.fail(
        "origin",
        "No trusted key was given, so nothing proves where this bundle came from: pass the public key you obtained from the server separately (--key <file>, --jwks <url> or --fingerprint <fingerprint>).",
      );
    }
    const key = keys.get(end.key_id);
    if (!key) this.fail("origin", `The bundle is signed by key ${end.key_id}, which is not a key you trust: it was not exported by that server, or you were given another key.`);
    const { signature, ...fields } = end;
    if (!verifyBundleEnd(fields, signature, key)) {
      this.fail("origin", "The bundle's signature does not verify: its lines, counts or digest were changed after export (the digest can be recomputed, the signature cannot).");
    }
    this.signedBy = end.key_id;
  }
}

function sameAmount(now: string | null, then: unknown): boolean {
  if (now === null || then === null) return now === then;
  if (typeof then !== "string" && typeof then !== "number") return false;
  try {
    return new DecimalJs(now).eq(new DecimalJs(then));
  } catch {
    return false;
  }
}

function show(value: unknown): string {
  return value === null || value === undefined ? "empty" : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "unexpected content";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** One paragraph for the CLI and the console: the verdict, what was checked, and the chain's ends. */
export function formatEvidenceVerification(result: EvidenceVerification): string {
  if (result.failure) {
    const where = result.failure.line ? ` (line ${result.failure.line.toLocaleString("en-US")})` : "";
    return `Evidence bundle FAILED verification${where}: ${result.failure.message}`;
  }
  const c = result.counts;
  const period = result.period ? ` for ${result.period.from} to ${result.period.to}` : "";
  const sealed = c.audit_entry - result.unsealedEntries;
  const chain =
    c.seal > 0 && result.anchor && result.head
      ? `, chained from anchor ${result.anchor.hash.slice(0, 16)}… to head seal ${result.head.seal_id} ${result.head.hash.slice(0, 16)}…`
      : "";
  const waiting = result.unsealedEntries > 0 ? `; ${plural(result.unsealedEntries, "entry was", "entries were")} not sealed yet at export and ${result.unsealedEntries === 1 ? "was" : "were"} checked against ${result.unsealedEntries === 1 ? "its" : "their"} own hash only` : "";
  const records = [
    plural(c.decision, "decision", "decisions"),
    plural(c.approval, "approval", "approvals"),
    plural(c.approval_vote, "vote", "votes"),
    plural(c.outcome, "outcome", "outcomes"),
    plural(c.review_case, "review case", "review cases"),
    plural(c.review_note, "note", "notes"),
  ].join(", ");
  return (
    `Evidence bundle verified${period}: ${plural(sealed, "audit entry", "audit entries")} in ${plural(c.seal, "seal", "seals")}${chain}${waiting}. ` +
    `Every record has audit evidence: ${records}. ` +
    `It is signed by the key you trust (${result.signedBy}). ` +
    "To tie the bundle to the live log, compare the head seal's hash with `mandate audit verify` on the server."
  );
}
