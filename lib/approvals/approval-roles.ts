import type { Role } from "@/lib/policy/roles";

/**
 * Which role a person approves in, or why they cannot. A tier needing N approvals by roles R needs
 * N different people covering min(N, |R|) different roles: "2 by supervisor or committee" is one
 * supervisor and one committee member, never the same supervisor twice.
 */
export function roleForVote(
  approval: { required: number; roles: readonly Role[] },
  votes: readonly { role: Role }[],
  actorRoles: readonly Role[],
): { ok: true; role: Role } | { ok: false; reason: string } {
  const eligible = actorRoles.filter((r) => approval.roles.includes(r));
  if (eligible.length === 0) return { ok: false, reason: `This needs approval by ${oneOf(approval.roles)}.` };
  const covered = new Set(votes.map((v) => v.role));
  const neededDistinct = Math.min(approval.required, approval.roles.length);
  const uncoveredNeeded = Math.max(0, neededDistinct - covered.size);
  const remaining = approval.required - votes.length;
  const fresh = eligible.find((r) => !covered.has(r));
  if (fresh) return { ok: true, role: fresh };
  if (remaining > uncoveredNeeded) return { ok: true, role: eligible[0]! };
  const missing = approval.roles.filter((r) => !covered.has(r));
  return { ok: false, reason: `The remaining approval must come from ${oneOf(missing)}.` };
}

/** True once enough different people, covering enough different roles, have approved. */
export function isApproved(approval: { required: number; roles: readonly Role[] }, votes: readonly { role: Role }[]): boolean {
  const distinct = new Set(votes.map((v) => v.role)).size;
  return votes.length >= approval.required && distinct >= Math.min(approval.required, approval.roles.length);
}

/** A person in a role, as a sentence names them: "a supervisor", "a member of the oversight committee". */
export function personInRole(role: string): string {
  const words: Record<string, string> = {
    admin: "an administrator",
    cx_lead: "a CX lead",
    legal: "someone in Legal",
    it: "someone in IT",
    supervisor: "a supervisor",
    committee: "a member of the oversight committee",
    auditor: "an auditor",
  };
  return words[role] ?? `someone with the role ${role}`;
}

function oneOf(roles: readonly string[]): string {
  const people = roles.map(personInRole);
  return people.length <= 1 ? (people[0] ?? "") : `${people.slice(0, -1).join(", ")} or ${people.at(-1)}`;
}

/**
 * Who the approvals must come from, as roleForVote and isApproved enforce it: N different people
 * covering min(N, |roles|) different roles, in any order. "1 approval by a supervisor and 1 by a
 * member of the oversight committee (in either order, from two different people)".
 */
export function describeApprovalRequirement(approval: { required: number; roles: readonly string[] }): string {
  const { required, roles } = approval;
  const noun = (n: number) => `${n} approval${n === 1 ? "" : "s"}`;
  if (roles.length === 1) {
    return required === 1 ? `1 approval by ${personInRole(roles[0]!)}` : `${noun(required)} by ${required} different people, each ${personInRole(roles[0]!)}`;
  }
  if (required === 1) return `1 approval by ${oneOf(roles)}`;
  if (required === roles.length) {
    const [first, ...rest] = roles.map(personInRole);
    const others = rest.map((person) => `1 by ${person}`);
    return `1 approval by ${first}${others.length === 1 ? " and " : ", "}${others.join(", ")} (in any order, from ${required} different people)`;
  }
  if (required > roles.length) {
    return `${noun(required)} from ${required} different people, at least one of them each of: ${roles.map(personInRole).join(", ")}`;
  }
  return `${noun(required)} from ${required} different people in ${required} different roles among: ${roles.map(personInRole).join(", ")}`;
}

export type VoterStanding =
  | { kind: "voted"; verdict: string; reason: string; at: Date }
  | { kind: "may_decide"; role: Role }
  /** May reject but not approve: the remaining approval must come from another role. */
  | { kind: "reject_only"; why: string }
  | { kind: "not_an_approver"; why: string };

/**
 * What this person may do on a pending approval, told before they type, with the same rules
 * decideApproval applies: one vote per person; approving only in a role still needed.
 */
export function voterStanding(
  approval: { required: number; roles: readonly Role[] },
  votes: readonly { userId: string; role: Role; verdict: string; reason: string; createdAt: Date }[],
  actor: { id: string; roles: readonly Role[] },
): VoterStanding {
  const mine = votes.find((vote) => vote.userId === actor.id);
  if (mine) return { kind: "voted", verdict: mine.verdict, reason: mine.reason, at: mine.createdAt };
  if (!actor.roles.some((role) => approval.roles.includes(role))) {
    return { kind: "not_an_approver", why: `This needs ${describeApprovalRequirement(approval)}; you are not in any of those roles.` };
  }
  const choice = roleForVote(approval, votes.filter((vote) => vote.verdict === "approve"), actor.roles);
  if (choice.ok) return { kind: "may_decide", role: choice.role };
  return { kind: "reject_only", why: `${choice.reason} You can reject it, but not approve it.` };
}
