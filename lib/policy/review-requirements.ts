import { PERMISSIONS } from "@/lib/auth/permissions";
import { diffPolicy, type Change } from "./diff-policy";
import type { PolicyDocument } from "./document-schema";
import type { Role } from "./roles";
import type { SectionKey } from "./sections";

/**
 * Who must approve a draft before it is published. Each inner list is one requirement: an
 * approver other than the author holding at least one of its roles. Every requirement must
 * be met; one approver may meet several. `reasons[i]` explains `requiredRoles[i]`.
 */
export interface ReviewRequirements {
  requiredRoles: Role[][];
  reasons: string[];
}

export interface ReviewApproval {
  userId: string;
  roles: readonly Role[];
}

/** Everyone who may review a draft: the baseline "second person". */
export const REVIEWER_ROLES: readonly Role[] = PERMISSIONS["policy:review"];

/**
 * The approvals a draft needs: always a second person; `legal` when it touches the forbidden
 * list; `committee` when it raises an action's authority or may lower a tier. Nobody
 * substitutes for legal or the committee, not even an admin: the issue names those roles so
 * that the people accountable for those calls sign them.
 */
export function reviewRequirements(before: PolicyDocument | null, after: PolicyDocument): ReviewRequirements {
  const diff = diffPolicy(before, after);
  const changes = diff.sections.flatMap(({ section, changes }) => changes.map((change) => ({ section, change })));
  const requiredRoles: Role[][] = [[...REVIEWER_ROLES]];
  // Publishing an unchanged draft still takes a second person: the rule fails closed.
  const reasons = [diff.empty ? "Publishing always needs an approval by a second person, never the author" : "Every change needs an approval by a second person, never the author"];

  const forbidden = changes.filter(({ section }) => section === "forbidden").map(({ change }) => change);
  if (forbidden.length > 0) {
    requiredRoles.push(["legal"]);
    reasons.push(`Legal must approve because the draft touches the forbidden list: ${summarize(forbidden)}`);
  }

  const committee = changes.filter(({ section, change }) => needsCommittee(section, change, after)).map(({ change }) => change);
  if (committee.length > 0) {
    requiredRoles.push(["committee"]);
    reasons.push(`The committee must approve because the draft raises an action's authority or may lower its tier: ${summarize(committee)}`);
  }
  return { requiredRoles, reasons };
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
 * Whether the approvals meet every requirement. The author's own approvals never count,
 * and `missing` says in words what each unmet requirement still needs. `authorId` is null
 * when no person wrote the draft (an import), so every approval counts.
 */
export function approvalSatisfied(
  requirements: { requiredRoles: readonly (readonly Role[])[] },
  approvals: readonly ReviewApproval[],
  authorId: string | null,
): { ok: boolean; missing: string[] } {
  const holds = (approval: ReviewApproval, roles: readonly Role[]) => approval.roles.some((role) => roles.includes(role));
  const missing: string[] = [];
  for (const roles of requirements.requiredRoles) {
    const met = approvals.some((approval) => approval.userId !== authorId && holds(approval, roles));
    if (met) continue;
    const byAuthor = approvals.some((approval) => approval.userId === authorId && holds(approval, roles));
    missing.push(`needs an approval from ${describeRoles(roles)}${byAuthor ? " (the author's own approval does not count)" : ""}`);
  }
  return { ok: missing.length === 0, missing };
}

function describeRoles(roles: readonly Role[]): string {
  const words = roles.map((role) => ROLE_WORDS[role]);
  const isBaseline = REVIEWER_ROLES.length === roles.length && REVIEWER_ROLES.every((role) => roles.includes(role));
  const options = words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1) ?? ""}`;
  return isBaseline ? `a second person (${options})` : options || "a role nobody holds";
}
