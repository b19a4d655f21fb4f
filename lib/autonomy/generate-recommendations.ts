import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Db, Tx } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { getCurrentPolicy } from "@/lib/policy/queries";
import { authorizeCommittee } from "./authorize-committee";
import { evidenceOf, readEvidence } from "./evidence";
import { proposalKey } from "./proposals";
import { evaluateRules, type Finding } from "./recommendation-rules";
import { DEFAULT_WINDOW_DAYS, getScorecard } from "./scorecards";

// Any fixed key (the 72_707_369_xxx family is Mandate's): one generation at a time across processes.
export const RECOMMENDATIONS_LOCK_KEY = 72_707_369_701;
/** A person's dismissal keeps the same recommendation from coming back for this long. */
export const DISMISSAL_QUIET_DAYS = 30;

const DAY_MS = 86_400_000;

export interface GenerationResult {
  /** False when another process was generating: this run wrote nothing. */
  ran: boolean;
  actions: number;
  created: number;
  refreshed: number;
  retired: number;
  findings: Finding[];
}

export function fingerprintOf(finding: Pick<Finding, "rule" | "action" | "agentId" | "proposal">): string {
  return `${finding.rule}:${finding.action}:${finding.agentId ?? "*"}:${proposalKey(finding.proposal)}`;
}

async function retire(tx: Tx, actor: Actor, id: string, reason: string, now: Date): Promise<void> {
  await tx.recommendation.update({ where: { id }, data: { status: "dismissed", reason, decidedAt: now, decidedById: null } });
  await recordAudit(tx, actor, { action: "recommendation.retire", subjectType: "recommendation", subjectId: id, data: { reason } });
}

/**
 * Runs every rule over every action the agents may execute and brings the open recommendations
 * in line: a finding already open gets fresh numbers; a new one is created (unless a person
 * dismissed the same change in the last 30 days, or accepted it and its draft is still under
 * way); an open one no rule supports any more, or one superseded by a different proposal, is
 * retired. Created and retired recommendations are audited; refreshed numbers are not (the
 * evidence carries its own time). An advisory lock lets one process generate at a time.
 */
export async function generateRecommendations(db: Db, actor: Actor, options: { windowDays?: number; now?: Date } = {}): Promise<GenerationResult> {
  if (actor.type === "agent") throw new AppError("forbidden", "Agents cannot generate recommendations.");
  if (actor.type === "user") authorizeCommittee(actor);
  const now = options.now ?? new Date();
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const result: GenerationResult = { ran: false, actions: 0, created: 0, refreshed: 0, retired: 0, findings: [] };

  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RECOMMENDATIONS_LOCK_KEY}::bigint) AS ok`;
      if (!lock?.ok) return result;
      result.ran = true;

      // The policy and the scorecards are read outside this transaction (the scorecards in parallel, on
      // other connections): the lock is what serialises runs, not the transaction's snapshot.
      const policy = await getCurrentPolicy(db);
      for (const action of policy?.document.actions ?? []) {
        // Only executing actions reach holds, limits and outcomes (say is denied and recommend escalates first).
        if (action.authority !== "execute") continue;
        result.actions++;
        const scorecard = await getScorecard(db, { action: action.key, windowDays, now, policy: policy!.document });
        result.findings.push(...evaluateRules({ document: policy!.document, action, scorecard }));
      }

      const open = await tx.recommendation.findMany({ where: { status: "open" }, select: { id: true, action: true, agentId: true, kind: true, evidence: true } });
      const quietSince = new Date(now.getTime() - DISMISSAL_QUIET_DAYS * DAY_MS);
      const blockers = await tx.recommendation.findMany({
        where: {
          OR: [
            { status: "dismissed", decidedById: { not: null }, decidedAt: { gte: quietSince } },
            { status: "accepted", draft: { status: { in: ["open", "in_review"] } } },
          ],
        },
        select: { evidence: true },
      });
      const blocked = new Set(blockers.map((row) => readEvidence(row.evidence)?.fingerprint).filter(Boolean));
      const kept = new Set<string>();

      for (const finding of result.findings) {
        const fingerprint = fingerprintOf(finding);
        const evidence = evidenceOf(finding, fingerprint, now, windowDays);
        const same = open.find((row) => readEvidence(row.evidence)?.fingerprint === fingerprint);
        if (same) {
          kept.add(same.id);
          await tx.recommendation.update({ where: { id: same.id }, data: { title: finding.title, evidence: evidence as object } });
          result.refreshed++;
          continue;
        }
        const superseded = open.filter((row) => row.kind === finding.rule && row.action === finding.action && row.agentId === finding.agentId && !kept.has(row.id));
        for (const row of superseded) {
          kept.add(row.id);
          await retire(tx, actor, row.id, `Superseded: the evidence now supports a different change (${finding.change})`, now);
          result.retired++;
        }
        if (blocked.has(fingerprint)) continue;
        const created = await tx.recommendation.create({
          data: { action: finding.action, agentId: finding.agentId, kind: finding.rule, title: finding.title, evidence: evidence as object, createdAt: now },
          select: { id: true },
        });
        await recordAudit(tx, actor, {
          action: "recommendation.create",
          subjectType: "recommendation",
          subjectId: created.id,
          data: { rule: finding.rule, action: finding.action, agent_id: finding.agentId, change: finding.change, numbers: finding.numbers },
        });
        result.created++;
      }

      for (const row of open) {
        if (kept.has(row.id)) continue;
        await retire(tx, actor, row.id, `No longer supported by the evidence of the last ${windowDays} days`, now);
        result.retired++;
      }
      return result;
    },
    // Scorecards for every action at a million decisions take seconds, not milliseconds.
    { timeout: 180_000, maxWait: 10_000 },
  );
}
