import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { assertOutsideRetention } from "./retention-window";

const DEFAULT_BATCH_SIZE = 1_000;

export interface PruneCounts {
  decisions: number;
  approvals: number;
  approvalVotes: number;
  outcomes: number;
  reviewCases: number;
  reviewNotes: number;
  webhookEvents: number;
  shadowResults: number;
  /** Per-second shadow counts older than every decision still kept. */
  shadowCounts: number;
}

export interface PruneResult {
  before: Date;
  dryRun: boolean;
  counts: PruneCounts;
}

const zero = (): PruneCounts => ({ decisions: 0, approvals: 0, approvalVotes: 0, outcomes: 0, reviewCases: 0, reviewNotes: 0, webhookEvents: 0, shadowResults: 0, shadowCounts: 0 });

/**
 * Deletes raw decision records made before `before` (which must lie outside the retention window)
 * with everything hanging off them: approvals and votes, outcomes, closed review cases and their
 * notes, webhook events, shadow results. The audit log is never touched: its entries are
 * append-only and the seals need every one of them, so the chain still verifies after a prune and
 * the entries remain the evidence of what was decided. Decisions still waiting for an approval or
 * with an open review case are kept. Each batch commits with its own `retention.prune` entry.
 * Operators only (the CLI): there is no console path to destroy records.
 */
export async function pruneDecisions(
  db: Db,
  actor: Actor,
  input: { before: Date; retentionDays: number; now?: Date; dryRun?: boolean; batchSize?: number },
): Promise<PruneResult> {
  if (actor.type !== "cli" && actor.type !== "system") throw new AppError("forbidden", "Only an operator at the command line may prune records.");
  assertOutsideRetention(input.before, input.now ?? new Date(), input.retentionDays);
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const before = input.before;

  if (input.dryRun) {
    const [row] = await db.$queryRaw<{ decisions: number; cases: number }[]>`
      SELECT (SELECT count(*)::int FROM decisions d WHERE ${prunable(before)}) AS decisions,
             (SELECT count(*)::int FROM review_cases r WHERE r.decision_id IS NULL AND r.status IN ('resolved', 'dismissed') AND r.created_at < ${before}) AS cases`;
    return { before, dryRun: true, counts: { ...zero(), decisions: row?.decisions ?? 0, reviewCases: row?.cases ?? 0 } };
  }

  const total = zero();
  for (;;) {
    const batch = await db.$transaction((tx) => pruneBatch(tx, actor, before, batchSize), { timeout: 60_000 });
    for (const key of Object.keys(total) as (keyof PruneCounts)[]) total[key] += batch[key];
    if (batch.decisions + batch.reviewCases === 0) break;
  }
  // Shadow counts are per second, not per decision: once, they go up to the oldest decision still
  // kept (a kept decision's differing shadow row stays counted).
  total.shadowCounts = await db.$transaction(async (tx) => {
    const deleted = await tx.$executeRaw`
      DELETE FROM shadow_counts
       WHERE second < LEAST(${before}::timestamptz, coalesce(date_trunc('second', (SELECT min(created_at) FROM decisions)), ${before}::timestamptz))`;
    if (deleted > 0) {
      await recordAudit(tx, actor, { action: "retention.prune", subjectType: "retention", subjectId: null, data: { before: before.toISOString(), shadowCounts: deleted } });
    }
    return deleted;
  });
  return { before, dryRun: false, counts: total };
}

/** Which decisions may go: old enough, and nobody still waiting on them. */
function prunable(before: Date) {
  return Prisma.sql`d.created_at < ${before}
    AND d.status <> 'pending_approval'
    AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.decision_id = d.id AND a.status = 'pending')
    AND NOT EXISTS (SELECT 1 FROM review_cases r WHERE r.decision_id = d.id AND r.status IN ('open', 'in_review'))`;
}

async function pruneBatch(tx: Tx, actor: Actor, before: Date, batchSize: number): Promise<PruneCounts> {
  const counts = zero();
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT d.id FROM decisions d WHERE ${prunable(before)} ORDER BY d.created_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) {
    counts.approvalVotes = await tx.$executeRaw`DELETE FROM approval_votes WHERE approval_id IN (SELECT id FROM approvals WHERE decision_id = ANY(${ids}::text[]))`;
    counts.approvals = await tx.$executeRaw`DELETE FROM approvals WHERE decision_id = ANY(${ids}::text[])`;
    counts.outcomes = await tx.$executeRaw`DELETE FROM outcomes WHERE decision_id = ANY(${ids}::text[])`;
    counts.shadowResults = await tx.$executeRaw`DELETE FROM shadow_results WHERE decision_id = ANY(${ids}::text[])`;
    counts.webhookEvents = await tx.$executeRaw`DELETE FROM webhook_events WHERE decision_id = ANY(${ids}::text[])`;
    counts.reviewNotes = await tx.$executeRaw`DELETE FROM review_notes WHERE case_id IN (SELECT id FROM review_cases WHERE decision_id = ANY(${ids}::text[]))`;
    counts.reviewCases = await tx.$executeRaw`DELETE FROM review_cases WHERE decision_id = ANY(${ids}::text[])`;
    await tx.$executeRaw`DELETE FROM idempotency_records WHERE decision_id = ANY(${ids}::text[])`;
    counts.decisions = await tx.$executeRaw`DELETE FROM decisions WHERE id = ANY(${ids}::text[])`;
  }
  // Closed review cases that never had a decision (an agent's own flag) age out the same way.
  const loose = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM review_cases WHERE decision_id IS NULL AND status IN ('resolved', 'dismissed') AND created_at < ${before}
     ORDER BY created_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
  if (loose.length > 0) {
    const caseIds = loose.map((r) => r.id);
    counts.reviewNotes += await tx.$executeRaw`DELETE FROM review_notes WHERE case_id = ANY(${caseIds}::text[])`;
    counts.reviewCases += await tx.$executeRaw`DELETE FROM review_cases WHERE id = ANY(${caseIds}::text[])`;
  }
  if (counts.decisions + counts.reviewCases > 0) {
    await recordAudit(tx, actor, {
      action: "retention.prune",
      subjectType: "retention",
      subjectId: null,
      data: { before: before.toISOString(), ...counts, first_decision: ids[0] ?? null, last_decision: ids[ids.length - 1] ?? null },
    });
  }
  return counts;
}
