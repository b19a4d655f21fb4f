import type { DryRunDecision } from "@/lib/decisions/dry-run-decision";
import type { GrantedDecision } from "@/lib/grants/decision-grants";
import type { AccessDecision } from "./schemas";

// Mandate's decision as an AuthZEN Decision: `decision` is the boolean a PEP enforces, `context`
// the detail behind it (the standard leaves the context's content to the PDP).

type Detail = {
  decision: GrantedDecision["decision"];
  reasons: GrantedDecision["reasons"];
  approval: { roles: string[] } | null;
};

/**
 * A Reason Field (language tag → text) a PEP may show the customer: plain words about what
 * happens next, never the policy's rules (those stay in `reasons`, for the operator).
 */
export function reasonUser(detail: Detail): Record<string, string> | undefined {
  if (detail.reasons[0]?.code === "paused") return { en: "This action is paused right now. Please try again later." };
  switch (detail.decision) {
    case "allow":
      return undefined;
    case "hold":
      return { en: `This needs approval by ${roleList(detail.approval?.roles ?? [])} first.` };
    case "step_up":
      return { en: "The customer must verify their identity first." };
    case "escalate":
      return { en: "A member of the team needs to take this over." };
    default:
      return { en: "This cannot be done here." };
  }
}

function roleList(roles: string[]): string {
  if (roles.length === 0) return "a supervisor";
  const named = roles.map((role) => `a ${role.replaceAll("_", " ")}`);
  return named.length === 1 ? named[0]! : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
}

/**
 * A recorded decision. `decision` is true only for an allow that may be carried out now, which is
 * exactly when it carries a grant: not for a hold, a deny, a step-up or an escalation, and not for a
 * replayed allow since executed or now covered by a stop switch.
 */
export function recordedAnswer(answer: GrantedDecision, replayed: boolean): AccessDecision {
  const permitted = answer.decision === "allow" && answer.grant !== undefined;
  const user = reasonUser(answer);
  return {
    decision: permitted,
    context: {
      id: answer.id,
      decision: answer.decision,
      status: answer.status,
      tier: answer.tier,
      owner: answer.owner,
      reasons: answer.reasons,
      approval: answer.approval,
      action_digest: answer.action_digest,
      policy_version: answer.policy_version,
      ...(user ? { reason_user: user } : {}),
      ...(answer.grant !== undefined ? { grant: answer.grant } : {}),
      ...(replayed ? { replayed: true } : {}),
    },
  };
}

/** A what-if: nothing recorded, so no id and no grant. */
export function dryRunAnswer(dry: DryRunDecision): AccessDecision {
  const { result } = dry;
  const approval = result.approval ? { required: result.approval.required, roles: result.approval.roles, expires_at: dry.approval_expires_at! } : null;
  const reasons = result.reasons.map(({ code, message, rule }) => ({ code, message, rule }));
  const user = reasonUser({ decision: result.decision, reasons, approval });
  return {
    decision: result.decision === "allow",
    context: {
      decision: result.decision,
      status: result.status,
      tier: result.tier,
      owner: result.owner,
      reasons,
      approval,
      action_digest: dry.action_digest,
      policy_version: result.policy_version || null,
      ...(user ? { reason_user: user } : {}),
      dry_run: true,
    },
  };
}

/** An evaluations item that could not be evaluated: closed (`false`), with the error in its context (§ Errors). */
export function errorAnswer(status: number, message: string): AccessDecision {
  return { decision: false, context: { error: { status, message } } };
}
