import type { Db } from "@/lib/db/prisma";
import type { EvidencePeriod } from "./schemas";

export interface EvidencePreview {
  decisions: number;
  approvalsDecided: number;
  outcomes: number;
  reviewCases: number;
  auditEntries: number;
}

/** What a bundle of the period will hold, roughly (the bundle adds whole seals and referenced decisions). */
export async function getEvidencePreview(db: Db, period: EvidencePeriod): Promise<EvidencePreview> {
  const range = { gte: period.from, lt: period.to };
  const [decisions, approvalsDecided, outcomes, reviewCases, auditEntries] = await Promise.all([
    db.decision.count({ where: { createdAt: range } }),
    db.approval.count({ where: { decidedAt: range } }),
    db.outcome.count({ where: { createdAt: range } }),
    db.reviewCase.count({ where: { createdAt: range } }),
    db.auditEntry.count({ where: { occurredAt: range } }),
  ]);
  return { decisions, approvalsDecided, outcomes, reviewCases, auditEntries };
}

/** The newest seal: the hash an auditor compares with a bundle's head to tie it to the live log. */
export async function getLatestSeal(db: Db): Promise<{ id: number; hash: string; sealedAt: Date } | null> {
  return db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true, sealedAt: true } });
}
