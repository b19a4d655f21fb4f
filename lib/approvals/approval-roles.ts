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
  if (eligible.length === 0) return { ok: false, reason: `This needs approval by ${approval.roles.join(" or ")}.` };
  const covered = new Set(votes.map((v) => v.role));
  const neededDistinct = Math.min(approval.required, approval.roles.length);
  const uncoveredNeeded = Math.max(0, neededDistinct - covered.size);
  const remaining = approval.required - votes.length;
  const fresh = eligible.find((r) => !covered.has(r));
  if (fresh) return { ok: true, role: fresh };
  if (remaining > uncoveredNeeded) return { ok: true, role: eligible[0]! };
  const missing = approval.roles.filter((r) => !covered.has(r));
  return { ok: false, reason: `The remaining approval must come from ${missing.join(" or ")}.` };
}

/** True once enough different people, covering enough different roles, have approved. */
export function isApproved(approval: { required: number; roles: readonly Role[] }, votes: readonly { role: Role }[]): boolean {
  const distinct = new Set(votes.map((v) => v.role)).size;
  return votes.length >= approval.required && distinct >= Math.min(approval.required, approval.roles.length);
}
