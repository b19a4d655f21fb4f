import { PERMISSIONS } from "@/lib/auth/permissions";
import { diffPolicy, type Change } from "./diff-policy";
import type { PolicyDocument } from "./document-schema";
import type { Role } from "./roles";
import { SECTION_KEYS, policySection, type SectionKey } from "./sections";

/**
 * Who must approve a draft before it is published. Each inner list is one requirement: an
 * approver holding at least one of its roles who is neither the author nor anyone who edited
 * one of `sections[i]` in any revision. Every requirement must be met; one approver may meet
 * several. `reasons[i]` explains `requiredRoles[i]`.
 */
export interface ReviewRequirements {
  requiredRoles: Role[][];
  reasons: string[];
  /** The sections requirement i is about: their editors cannot be its approval. */
  sections: SectionKey[][];
}

export interface ReviewApproval {
  userId: string;
  roles: readonly Role[];
}

/** One person's edit of one section of a draft, in any revision (policy_draft_editors). */
export interface DraftEditor {
  userId: string;
  section: string;
}

/** Everyone who may review a draft: the baseline "second person". */
export const REVIEWER_ROLES: readonly Role[] = PERMISSIONS["policy:review"];

/**
 * The approvals a draft needs: always a second person; `legal` when it touches the forbidden
 * list; `committee` when it raises an action's authority (for every request or for an intent's)
 * or may lower a tier. Nobody
 * substitutes for legal or the committee, not even an admin: the issue names those roles so
 * that the people accountable for those calls sign them.
 */
export function reviewRequirements(before: PolicyDocument | null, after: PolicyDocument): ReviewRequirements {
  const diff = diffPolicy(before, after);
  const changes = diff.sections.flatMap(({ section, changes }) => changes.map((change) => ({ section, change })));
  const requiredRoles: Role[][] = [[...REVIEWER_ROLES]];
  // The second person reviews the whole draft: whoever edited any part of it is not second.
  const sections: SectionKey[][] = [[...SECTION_KEYS]];
  // Publishing an unchanged draft still takes a second person: the rule fails closed.
  const reasons = [diff.empty ? "Publishing always needs an approval by a second person, never the author" : "Every change needs an approval by a second person, never the author"];

  const forbidden = changes.filter(({ section }) => section === "forbidden").map(({ change }) => change);
  if (forbidden.length > 0) {
    requiredRoles.push(["legal"]);
    sections.push(["forbidden"]);
    reasons.push(`Legal must approve because the draft touches the forbidden list: ${summarize(forbidden)}`);
  }

  const committeeChanges = changes.filter(({ section, change }) => needsCommittee(section, change, after));
  const committee = committeeChanges.map(({ change }) => change);
  if (committee.length > 0) {
    requiredRoles.push(["committee"]);
    sections.push([...new Set(committeeChanges.map(({ section }) => section))]);
    reasons.push(`The committee must approve because the draft raises an action's authority or may lower its tier: ${summarize(committee)}`);
  }
  return { requiredRoles, reasons, sections };
}

/**
 * Changes that hand agents more authority or a lower tier. Risk bands are the committee's
 * call unless the change provably tightens: a reworded or reordered band may lower the tier
 * of some requests. A new action counts when it may do more than talk about itself
 * (authority above `say`), since it goes from "unknown, denied" to acting. A currency change
 * re-reads every threshold, which can lower tiers just as surely.
 */
function needsCommittee(section: SectionKey, change: Change, after: PolicyDocument): boolean {
  switch (section) {
    case "actions":
      if (change.field === "authority") return change.severity === "loosens";
      if (change.field === "risk") return change.severity !== "tightens";
      if (change.field === "item" && change.kind === "added") {
        return after.actions.find((action) => action.key === change.key)?.authority !== "say";
      }
      return false;
    case "intents":
      // An intent raising an action's authority for its requests, as for the action itself.
      return change.field === "authority" && change.severity === "loosens";
    case "risk_tiers":
      return (change.field === "controls" || change.field === "approval" || change.field === "sample_rate") && change.severity === "loosens";
    case "settings":
      return change.field === "currency" && change.kind === "changed";
    default:
      return false;
  }
}

const SHOWN = 3;

function summarize(changes: readonly Change[]): string {
  const shown = changes.slice(0, SHOWN).map((change) => change.text).join("; ");
  return changes.length > SHOWN ? `${shown}; and ${changes.length - SHOWN} more` : shown;
}

const ROLE_WORDS: Record<Role, string> = {
  admin: "an admin",
  cx_lead: "a CX lead",
  legal: "legal",
  it: "IT",
  supervisor: "a supervisor",
  committee: "the committee",
  auditor: "an auditor",
};

/**
 * Whether the approvals meet every requirement, and `missing` says in words what each unmet
 * requirement still needs. Neither the author's approvals nor those of anyone who edited a
 * requirement's sections count for it (a legal edit needs another legal person, whoever
 * submitted). `authorId` is null when no person wrote the draft (an import).
 */
export function approvalSatisfied(
  requirements: { requiredRoles: readonly (readonly Role[])[]; sections?: readonly (readonly string[])[] },
  approvals: readonly ReviewApproval[],
  authorId: string | null,
  editors: readonly DraftEditor[] = [],
): { ok: boolean; missing: string[] } {
  const holds = (approval: ReviewApproval, roles: readonly Role[]) => approval.roles.some((role) => roles.includes(role));
  const missing: string[] = [];
  requirements.requiredRoles.forEach((roles, i) => {
    const editedBy = editorsOf(requirements, i, editors);
    const counts = (approval: ReviewApproval) => approval.userId !== authorId && !editedBy.has(approval.userId);
    if (approvals.some((approval) => counts(approval) && holds(approval, roles))) return;
    const byAuthor = approvals.some((approval) => approval.userId === authorId && holds(approval, roles));
    const byEditor = approvals.some((approval) => approval.userId !== authorId && editedBy.has(approval.userId) && holds(approval, roles));
    const note = byAuthor ? " (the author's own approval does not count)" : byEditor ? ` (approvals by people who edited ${sectionWords(requirements, i)} do not count)` : "";
    missing.push(`needs an approval from ${describeRoles(roles)}${note}`);
  });
  return { ok: missing.length === 0, missing };
}

function editorsOf(requirements: { sections?: readonly (readonly string[])[] }, index: number, editors: readonly DraftEditor[]): Set<string> {
  const sections = requirements.sections?.[index] ?? SECTION_KEYS;
  return new Set(editors.filter((editor) => sections.includes(editor.section)).map((editor) => editor.userId));
}

function sectionWords(requirements: { sections?: readonly (readonly string[])[] }, index: number): string {
  const sections = requirements.sections?.[index] ?? SECTION_KEYS;
  if (sections.length === SECTION_KEYS.length) return "this draft";
  return sections.map((key) => policySection(key as SectionKey).label.toLowerCase()).join(" or ");
}

/**
 * The unmet requirements nobody can meet any more: every active person holding one of the
 * roles wrote the draft or edited its sections. The draft says so rather than wait forever.
 */
export function unreachableRequirements(
  requirements: ReviewRequirements,
  approvals: readonly ReviewApproval[],
  authorId: string | null,
  editors: readonly DraftEditor[],
  people: readonly ReviewApproval[],
): string[] {
  const unreachable: string[] = [];
  requirements.requiredRoles.forEach((roles, i) => {
    const editedBy = editorsOf(requirements, i, editors);
    const eligible = (person: ReviewApproval) => person.userId !== authorId && !editedBy.has(person.userId) && person.roles.some((role) => roles.includes(role));
    if (approvals.some(eligible)) return;
    if (people.some(eligible)) return;
    unreachable.push(`Nobody can give the approval from ${describeRoles(roles)}: everyone who holds that role wrote this draft or edited ${sectionWords(requirements, i)}. An administrator must give the role to another person.`);
  });
  return unreachable;
}

function describeRoles(roles: readonly Role[]): string {
  const words = roles.map((role) => ROLE_WORDS[role]);
  const isBaseline = REVIEWER_ROLES.length === roles.length && REVIEWER_ROLES.every((role) => roles.includes(role));
  const options = words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1) ?? ""}`;
  return isBaseline ? `a second person (${options})` : options || "a role nobody holds";
}
