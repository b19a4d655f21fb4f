import type { Proposal } from "./proposals";
import type { EvidenceFact, Finding, RuleKey } from "./recommendation-rules";

/**
 * What a recommendation row keeps in `evidence`: the rule's facts and numbers as they were
 * when it last ran, and the proposal that accepting turns into a draft. `fingerprint` names
 * "the same recommendation" (rule, action, agent, change) across runs.
 */
export interface RecommendationEvidence {
  rule: RuleKey;
  fingerprint: string;
  generatedAt: string;
  windowDays: number;
  facts: EvidenceFact[];
  numbers: Record<string, number | string | null>;
  proposal: Proposal;
  change: string;
}

export function evidenceOf(finding: Finding, fingerprint: string, generatedAt: Date, windowDays: number): RecommendationEvidence {
  return { rule: finding.rule, fingerprint, generatedAt: generatedAt.toISOString(), windowDays, facts: finding.facts, numbers: finding.numbers, proposal: finding.proposal, change: finding.change };
}

/** Rows written by an older layout (or by hand) read as evidence without a proposal. */
export function readEvidence(value: unknown): RecommendationEvidence | null {
  if (!value || typeof value !== "object") return null;
  const evidence = value as Partial<RecommendationEvidence>;
  if (typeof evidence.fingerprint !== "string" || !evidence.proposal || typeof evidence.proposal !== "object") return null;
  return { facts: [], numbers: {}, change: "", windowDays: 0, generatedAt: "", ...evidence } as RecommendationEvidence;
}
