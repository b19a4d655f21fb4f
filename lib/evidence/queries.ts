import type { Db } from "@/lib/db/prisma";
import { countBundleAuditEntries } from "./build-evidence-bundle";
import type { EvidencePeriod } from "./schemas";

export interface EvidencePreview {
  /** Made in the period (the bundle adds earlier decisions that the period's records refer to). */
  decisions: number;
  approvalsDecided: number;
  outcomes: number;
  reviewCases: number;
  /** Exactly the audit entries the bundle will hold, seals' whole ranges and the export's own entry included. */
  auditEntries: number;
  /** Of those, the entries that occurred inside the period itself. */
  auditEntriesInPeriod: number;
}

/** What a bundle of the period will hold; the audit entries exactly, as of `now`. */
export async function getEvidencePreview(db: Db, period: EvidencePeriod, now: Date = new Date()): Promise<EvidencePreview> {
  const range = { gte: period.from, lt: period.to };
  const [decisions, approvalsDecided, outcomes, reviewCases, auditEntriesInPeriod, auditEntries] = await Promise.all([
    db.decision.count({ where: { createdAt: range } }),
    db.approval.count({ where: { decidedAt: range } }),
    db.outcome.count({ where: { createdAt: range } }),
    db.reviewCase.count({ where: { createdAt: range } }),
    db.auditEntry.count({ where: { occurredAt: range } }),
    countBundleAuditEntries(db, period, now),
  ]);
  return { decisions, approvalsDecided, outcomes, reviewCases, auditEntries, auditEntriesInPeriod };
}

/** The newest seal: the hash an auditor compares with a bundle's head to tie it to the live log. */
export async function getLatestSeal(db: Db): Promise<{ id: number; hash: string; sealedAt: Date } | null> {
  return db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true, sealedAt: true } });
}
