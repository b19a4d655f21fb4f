import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { GENESIS_SEAL_HASH } from "@/lib/audit/seal-hash";
import type { SealFieldsForHead } from "@/lib/audit/signed-head";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { signBundleEnd } from "./bundle-signature";
import { publicJwks } from "@/lib/keys/key-store";
import type { Prisma } from "@/lib/generated/prisma/client";
import {
  AUDIT_MARGIN_MS,
  EVIDENCE_FORMAT,
  EVIDENCE_FORMAT_VERSION,
  LINE_KINDS,
  evidenceFileName,
  type AuditEntryLine,
  type BundleLine,
  type CountedKind,
  type DecisionLine,
  type ManifestLine,
  type SealLine,
} from "./bundle-format";
import type { EvidencePeriod } from "./schemas";

const DEFAULT_BATCH_SIZE = 2_000;
// Lines are handed on in chunks of about this size: one gzip write per line would dominate.
const CHUNK_CHARS = 64 * 1024;

export interface EvidenceBundle {
  fileName: string;
  manifest: ManifestLine;
  /** The NDJSON text in chunks of whole lines; reads the database as it is consumed. */
  lines(): AsyncGenerator<string>;
  /** The same, gzip-compressed, as a web stream for a route handler's Response. */
  gzipStream(): ReadableStream<Uint8Array>;
}

interface SealRow extends SealFieldsForHead {
  keyId: string | null;
  signature: string | null;
}

interface Plan {
  seals: { firstId: number; lastId: number } | null;
  /** Entries at or above this txid are not sealed yet; null when the bundle holds none of them. */
  unsealedFromTxid: bigint | null;
  anchor: ManifestLine["anchor"];
  head: ManifestLine["head"];
}

const SEAL_SELECT = { id: true, fromTxid: true, toTxid: true, entryCount: true, entriesDigest: true, prevHash: true, hash: true, sealedAt: true, keyId: true, signature: true } as const;

/**
 * Prepares the evidence bundle of one period for an auditor: every decision, approval (with its
 * votes), outcome and review case (with its notes) of the period, the audit entries of the period
 * widened to whole seals, and those seals, so `mandate audit verify --bundle` can check the
 * entries, the seal chain from its anchor, and that each record has audit evidence, offline.
 * The export is itself audited. Records are read as they stand at export.
 */
export async function buildEvidenceBundle(
  db: Db,
  actor: Actor,
  period: EvidencePeriod,
  options: { batchSize?: number; now?: Date } = {},
): Promise<EvidenceBundle> {
  authorize(actor, "audit:read");
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const exportedAt = options.now ?? new Date();
  const fileName = evidenceFileName(period);
  await db.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: "evidence.export",
      subjectType: "evidence_bundle",
      subjectId: fileName,
      data: { from: period.from.toISOString(), to: period.to.toISOString() },
    }),
  );

  const window = auditWindow(period);
  const plan = await planAuditSection(db, window);
  const manifest: ManifestLine = {
    type: "manifest",
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_FORMAT_VERSION,
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    audit_window: { from: window.from.toISOString(), to: window.to.toISOString() },
    exported_at: exportedAt.toISOString(),
    exported_by: actor.label,
    anchor: plan.anchor,
    head: plan.head,
    contents:
      "Audit entries that occurred in the audit window (the period with a two-minute margin), widened to whole seals, " +
      "each seal followed by every entry it covers; entries not sealed yet at export follow the last seal. " +
      "Then the decisions made in the period (and earlier decisions that records of the period refer to), approvals created, " +
      "decided or voted on in the period, votes, outcomes, review cases opened, resolved or annotated in the period, and notes, " +
      "as they stood at export.",
    signing_keys: publicJwks(getKeyStore()).keys.map((key) => ({ ...key })),
  };

  async function* lines(): AsyncGenerator<string> {
    const sha = createHash("sha256");
    const counts = Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<CountedKind, number>;
    let chunk = "";
    const add = (line: BundleLine) => {
      const text = `${JSON.stringify(line)}\n`;
      sha.update(text);
      if (line.type !== "manifest" && line.type !== "end") counts[line.type] += 1;
      chunk += text;
    };
    const flush = function* () {
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = "";
      }
    };

    add(manifest);
    for await (const line of auditLines(db, plan, window, batchSize)) {
      add(line);
      yield* flush();
    }
    for await (const line of recordLines(db, period, batchSize)) {
      add(line);
      yield* flush();
    }
    const digest = sha.digest("hex");
    // Signed by the server: every line before (manifest, unsealed entries and records included) is
    // then the server's, not only what the seals cover.
    const signing = getKeyStore().currentSigning();
    const end = { type: "end" as const, counts, lines_sha256: digest, key_id: signing.kid };
    chunk += `${JSON.stringify({ ...end, signature: signBundleEnd(end, signing.privateKey) } satisfies BundleLine)}\n`;
    yield chunk;
  }

  return {
    fileName,
    manifest,
    lines,
    gzipStream: () => Readable.toWeb(Readable.from(lines()).pipe(createGzip())) as ReadableStream<Uint8Array>,
  };
}

/** The audit window of a period: the period with the margin on both sides. */
function auditWindow(period: EvidencePeriod): { from: Date; to: Date } {
  return { from: new Date(period.from.getTime() - AUDIT_MARGIN_MS), to: new Date(period.to.getTime() + AUDIT_MARGIN_MS) };
}

/**
 * How many audit entries a bundle of the period exported now would hold: the same plan and the
 * same selection as the export (whole seals, then unsealed entries of the window), plus the
 * entry that records the export itself when the window reaches `now`. Entries written between
 * this count and a download of a period that reaches now are added to the file too.
 */
export async function countBundleAuditEntries(db: Db, period: EvidencePeriod, now: Date = new Date()): Promise<number> {
  const window = auditWindow(period);
  const plan = await planAuditSection(db, window);
  let total = 0;
  if (plan.seals) {
    // Per seal, as auditLines pages them, so the count holds even if seals were not contiguous.
    const [row] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM audit_seals s JOIN audit_entries e ON e.txid >= s.from_txid AND e.txid < s.to_txid
       WHERE s.id BETWEEN ${plan.seals.firstId} AND ${plan.seals.lastId}`;
    total += Number(row?.n ?? 0);
  }
  if (plan.unsealedFromTxid !== null) {
    total += await db.auditEntry.count({ where: { txid: { gte: plan.unsealedFromTxid }, occurredAt: { gte: window.from, lt: window.to } } });
  }
  const exportInWindow = window.from.getTime() <= now.getTime() && now.getTime() < window.to.getTime();
  return total + (exportInWindow ? 1 : 0);
}

/** Which seals and unsealed entries the bundle holds, and the hashes its chain hangs from. */
async function planAuditSection(db: Db, window: { from: Date; to: Date }): Promise<Plan> {
  const [bounds] = await db.$queryRaw<{ min: string | null; max: string | null }[]>`
    SELECT min(txid)::text AS min, max(txid)::text AS max FROM audit_entries
     WHERE occurred_at >= ${window.from} AND occurred_at < ${window.to}`;
  const latest = await db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: SEAL_SELECT });
  const latestRef = { seal_id: latest?.id ?? null, hash: latest?.hash ?? GENESIS_SEAL_HASH };
  const sealedUpTo = latest?.toTxid ?? 0n;
  if (!bounds?.min || !bounds.max) return { seals: null, unsealedFromTxid: null, anchor: latestRef, head: latestRef };

  const min = BigInt(bounds.min);
  const max = BigInt(bounds.max);
  const unsealedFromTxid = max >= sealedUpTo ? sealedUpTo : null;
  const first = min < sealedUpTo ? await sealContaining(db, min) : null;
  if (!first || !latest) return { seals: null, unsealedFromTxid, anchor: latestRef, head: latestRef };

  const last = max >= sealedUpTo ? latest : ((await sealContaining(db, max)) ?? latest);
  const before = await db.auditSeal.findFirst({ where: { id: { lt: first.id } }, orderBy: { id: "desc" }, select: { id: true } });
  return {
    seals: { firstId: first.id, lastId: last.id },
    unsealedFromTxid,
    anchor: { seal_id: before?.id ?? null, hash: first.prevHash },
    head: { seal_id: last.id, hash: last.hash },
  };
}

function sealContaining(db: Db, txid: bigint) {
  return db.auditSeal.findFirst({ where: { fromTxid: { lte: txid }, toTxid: { gt: txid } }, select: SEAL_SELECT });
}

async function* auditLines(db: Db, plan: Plan, window: { from: Date; to: Date }, batchSize: number): AsyncGenerator<BundleLine> {
  if (plan.seals) {
    const { firstId, lastId } = plan.seals;
    let after = firstId - 1;
    for (;;) {
      const seals: SealRow[] = await db.auditSeal.findMany({ where: { id: { gt: after, lte: lastId } }, orderBy: { id: "asc" }, take: batchSize, select: SEAL_SELECT });
      for (const seal of seals) {
        yield toSealLine(seal);
        yield* pageEntries(db, { txid: { gte: seal.fromTxid, lt: seal.toTxid } }, seal.id, batchSize);
      }
      const last = seals[seals.length - 1];
      if (!last || seals.length < batchSize) break;
      after = last.id;
    }
  }
  if (plan.unsealedFromTxid !== null) {
    yield* pageEntries(db, { txid: { gte: plan.unsealedFromTxid }, occurredAt: { gte: window.from, lt: window.to } }, null, batchSize);
  }
}

async function* pageEntries(db: Db, where: Prisma.AuditEntryWhereInput, sealId: number | null, batchSize: number): AsyncGenerator<AuditEntryLine> {
  let after: bigint | undefined;
  for (;;) {
    const page = await db.auditEntry.findMany({
      where: { ...where, ...(after === undefined ? {} : { id: { gt: after } }) },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    for (const e of page) {
      yield {
        type: "audit_entry",
        id: e.id.toString(),
        txid: e.txid.toString(),
        seal_id: sealId,
        occurred_at: e.occurredAt.toISOString(),
        actor_type: e.actorType,
        actor_id: e.actorId,
        actor_label: e.actorLabel,
        action: e.action,
        subject_type: e.subjectType,
        subject_id: e.subjectId,
        data: e.data,
        nonce: e.nonce,
        hash: e.hash,
      };
    }
    const last = page[page.length - 1];
    if (!last || page.length < batchSize) return;
    after = last.id;
  }
}

function toSealLine(seal: SealRow): SealLine {
  return {
    type: "seal",
    id: seal.id,
    from_txid: seal.fromTxid.toString(),
    to_txid: seal.toTxid.toString(),
    entry_count: seal.entryCount,
    entries_digest: seal.entriesDigest,
    prev_hash: seal.prevHash,
    hash: seal.hash,
    sealed_at: seal.sealedAt.toISOString(),
    key_id: seal.keyId,
    signature: seal.signature,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Pages a table by its primary key; `where` selects the period's rows. */
async function* pageById<Row extends { id: string }>(fetch: (after: string | undefined, take: number) => Promise<Row[]>, batchSize: number): AsyncGenerator<Row> {
  let after: string | undefined;
  for (;;) {
    const page = await fetch(after, batchSize);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < batchSize) return;
    after = last.id;
  }
}

const afterId = (after: string | undefined) => (after === undefined ? {} : { id: { gt: after } });

/**
 * Pages rows selected by their creation time in (created_at, id) order, so each page is one range
 * read of the created_at index rather than a sort of the whole period.
 */
async function* pageByTime<Row extends { id: string; createdAt: Date }>(
  fetch: (after: { createdAt: Date; id: string } | undefined, take: number) => Promise<Row[]>,
  batchSize: number,
): AsyncGenerator<Row> {
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await fetch(after, batchSize);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < batchSize) return;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

const afterTime = (after: { createdAt: Date; id: string } | undefined) =>
  after === undefined ? {} : { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] };
const BY_TIME = [{ createdAt: "asc" as const }, { id: "asc" as const }];

const DECISION_INCLUDE = { agent: { select: { name: true } } } as const;
type DecisionRow = Prisma.DecisionGetPayload<{ include: typeof DECISION_INCLUDE }>;

function toDecisionLine(d: DecisionRow, inPeriod: boolean): DecisionLine {
  return {
    type: "decision",
    id: d.id,
    in_period: inPeriod,
    agent_id: d.agentId,
    agent: d.agent.name,
    policy_version: d.policyVersion,
    action: d.action,
    intent: d.intent,
    customer_id: d.customerId,
    amount: d.amount?.toString() ?? null,
    currency: d.currency,
    channel: d.channel,
    confidence: d.confidence,
    conversation_id: d.conversationId,
    request: d.request,
    decision: d.decision,
    status: d.status,
    authority: d.authority,
    tier: d.tier,
    owner: d.owner,
    reasons: d.reasons,
    reason_codes: d.reasonCodes,
    action_digest: d.actionDigest,
    review_sampled: d.reviewSampled,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

async function* recordLines(db: Db, period: EvidencePeriod, batchSize: number): AsyncGenerator<BundleLine> {
  const inPeriod = { gte: period.from, lt: period.to };

  for await (const d of pageByTime((after, take) => db.decision.findMany({ where: { createdAt: inPeriod, ...afterTime(after) }, orderBy: BY_TIME, take, include: DECISION_INCLUDE }), batchSize)) {
    yield toDecisionLine(d, true);
  }
  // Earlier decisions that the period's approvals, votes, outcomes and review cases refer to,
  // so every record in the bundle can be read with the decision it is about.
  const context = await db.$queryRaw<{ id: string }[]>`
    SELECT d.id FROM decisions d
     WHERE d.created_at < ${period.from}
       AND d.id IN (
         SELECT decision_id FROM approvals WHERE decided_at >= ${period.from} AND decided_at < ${period.to}
         UNION SELECT a.decision_id FROM approval_votes v JOIN approvals a ON a.id = v.approval_id
                WHERE v.created_at >= ${period.from} AND v.created_at < ${period.to}
         UNION SELECT decision_id FROM outcomes WHERE created_at >= ${period.from} AND created_at < ${period.to}
         UNION SELECT decision_id FROM review_cases
                WHERE decision_id IS NOT NULL AND (
                  (created_at >= ${period.from} AND created_at < ${period.to})
                  OR (resolved_at >= ${period.from} AND resolved_at < ${period.to})
                  OR id IN (SELECT case_id FROM review_notes WHERE created_at >= ${period.from} AND created_at < ${period.to})))
     ORDER BY d.id`;
  for (let i = 0; i < context.length; i += batchSize) {
    const ids = context.slice(i, i + batchSize).map((r) => r.id);
    const rows = await db.decision.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, include: DECISION_INCLUDE });
    for (const d of rows) yield toDecisionLine(d, false);
  }

  const approvalWhere: Prisma.ApprovalWhereInput = { OR: [{ createdAt: inPeriod }, { decidedAt: inPeriod }, { votes: { some: { createdAt: inPeriod } } }] };
  for await (const a of pageById((after, take) => db.approval.findMany({ where: { ...approvalWhere, ...afterId(after) }, orderBy: { id: "asc" }, take }), batchSize)) {
    yield {
      type: "approval",
      id: a.id,
      decision_id: a.decisionId,
      required: a.required,
      roles: a.roles,
      status: a.status,
      expires_at: a.expiresAt.toISOString(),
      decided_at: iso(a.decidedAt),
      escalated_at: iso(a.escalatedAt),
      created_at: a.createdAt.toISOString(),
    };
  }

  for await (const v of pageByTime(
    (after, take) =>
      db.approvalVote.findMany({
        where: { createdAt: inPeriod, ...afterTime(after) },
        orderBy: BY_TIME,
        take,
        include: { approval: { select: { decisionId: true } }, user: { select: { email: true } } },
      }),
    batchSize,
  )) {
    yield {
      type: "approval_vote",
      id: v.id,
      approval_id: v.approvalId,
      decision_id: v.approval.decisionId,
      user_id: v.userId,
      user: v.user.email,
      verdict: v.verdict,
      role: v.role,
      reason: v.reason,
      created_at: v.createdAt.toISOString(),
    };
  }

  for await (const o of pageByTime((after, take) => db.outcome.findMany({ where: { createdAt: inPeriod, ...afterTime(after) }, orderBy: BY_TIME, take }), batchSize)) {
    yield {
      type: "outcome",
      id: o.id,
      decision_id: o.decisionId,
      status: o.status,
      action_digest: o.actionDigest,
      external_ref: o.externalRef,
      detail: o.detail,
      created_at: o.createdAt.toISOString(),
    };
  }

  const caseWhere: Prisma.ReviewCaseWhereInput = { OR: [{ createdAt: inPeriod }, { resolvedAt: inPeriod }, { notes: { some: { createdAt: inPeriod } } }] };
  for await (const c of pageById((after, take) => db.reviewCase.findMany({ where: { ...caseWhere, ...afterId(after) }, orderBy: { id: "asc" }, take }), batchSize)) {
    yield {
      type: "review_case",
      id: c.id,
      source: c.source,
      reason: c.reason,
      detail: c.detail,
      decision_id: c.decisionId,
      agent_id: c.agentId,
      action: c.action,
      tier: c.tier,
      conversation_id: c.conversationId,
      status: c.status,
      labels: c.labels,
      assignee_id: c.assigneeId,
      resolution: c.resolution,
      resolved_by_id: c.resolvedById,
      resolved_at: iso(c.resolvedAt),
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }

  for await (const n of pageByTime(
    (after, take) => db.reviewNote.findMany({ where: { createdAt: inPeriod, ...afterTime(after) }, orderBy: BY_TIME, take, include: { author: { select: { email: true } } } }),
    batchSize,
  )) {
    yield { type: "review_note", id: n.id, case_id: n.caseId, author_id: n.authorId, author: n.author.email, body: n.body, created_at: n.createdAt.toISOString() };
  }
}
