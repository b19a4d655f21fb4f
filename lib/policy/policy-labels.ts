import type { Db } from "@/lib/db/prisma";
import type { PolicyDocument } from "./document-schema";
import { getCurrentPolicy } from "./queries";

/**
 * The words people read for the policy's keys (actions, tiers, owners, intents, data sources),
 * from the policy in force. A key the policy no longer names reads as itself, so old history
 * still shows something true.
 */
export interface PolicyLabels {
  action: Record<string, string>;
  tier: Record<string, string>;
  owner: Record<string, string>;
  intent: Record<string, string>;
  dataSource: Record<string, string>;
}

export type PolicyLabelKind = keyof PolicyLabels;

export const NO_LABELS: PolicyLabels = { action: {}, tier: {}, owner: {}, intent: {}, dataSource: {} };

export function policyLabels(doc: Pick<PolicyDocument, "actions" | "risk_tiers" | "owners" | "intents" | "data_sources"> | null | undefined): PolicyLabels {
  if (!doc) return NO_LABELS;
  return {
    action: Object.fromEntries(doc.actions.map((a) => [a.key, a.label])),
    tier: Object.fromEntries(doc.risk_tiers.map((t) => [t.key, t.label])),
    owner: Object.fromEntries(doc.owners.map((o) => [o.key, o.name])),
    intent: Object.fromEntries((doc.intents ?? []).map((i) => [i.key, i.label])),
    dataSource: Object.fromEntries((doc.data_sources ?? []).map((d) => [d.key, d.label])),
  };
}

/** The label of a key, or the key itself when the policy has no label for it. */
export function labelOf(labels: PolicyLabels, kind: PolicyLabelKind, key: string): string;
export function labelOf(labels: PolicyLabels, kind: PolicyLabelKind, key: string | null | undefined): string | null;
export function labelOf(labels: PolicyLabels, kind: PolicyLabelKind, key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  return Object.hasOwn(labels[kind], key) ? labels[kind][key]! : key;
}

/** Select options (value = key, text = label) for a filter over one kind of key. */
export function labelOptions(labels: PolicyLabels, kind: PolicyLabelKind, keys?: readonly string[]): { value: string; label: string }[] {
  return (keys ?? Object.keys(labels[kind])).map((key) => ({ value: key, label: labelOf(labels, kind, key) }));
}

export async function getPolicyLabels(db: Db): Promise<PolicyLabels> {
  return policyLabels((await getCurrentPolicy(db))?.document);
}
