import type { DecisionResponse } from "@/lib/decisions/schemas";
import type { CallToolResult } from "./types";

export const DECISION_META = "mandate/decision";

/** A refusal the model can act on and relay: isError, the reasons in words, the decision id in _meta. */
function refusal(text: string, decisionId: string | null, structured: Record<string, unknown> = {}): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text }],
    structuredContent: { mandate: { ...(decisionId ? { decision: decisionId } : {}), ...structured } },
    ...(decisionId ? { _meta: { [DECISION_META]: decisionId } } : {}),
  };
}

const reasons = (decision: Pick<DecisionResponse, "reasons">) => decision.reasons.map((r) => r.message).join(" ");

/** The answer for a decision that does not let the call through now. */
export function notCarriedOut(decision: DecisionResponse): CallToolResult {
  const why = reasons(decision);
  const base = { decision: decision.decision, status: decision.status, reasons: decision.reasons.map((r) => r.code) };
  switch (decision.decision) {
    case "escalate":
      return refusal(`Not done: hand the conversation to a person. ${why}`, decision.id, base);
    case "step_up":
      return refusal(`Not done yet: verify the customer's identity, then try again. ${why}`, decision.id, base);
    case "hold":
      return refusal(holdText(decision, "Not done yet: a person must approve this first."), decision.id, { ...base, approval: decision.approval });
    default:
      return refusal(`Not done: Mandate denied this call. ${why}`, decision.id, base);
  }
}

function holdText(decision: DecisionResponse, lead: string): string {
  const approval = decision.approval;
  const who = approval ? `${approval.required} approval${approval.required === 1 ? "" : "s"} by ${approval.roles.join(" or ")}, before ${approval.expires_at}` : "an approval";
  return `${lead} It needs ${who}. Once approved, call the same tool again with the same arguments to carry it out. (Mandate decision ${decision.id})`;
}

/** A repeat of a held call while it waits: no new decision. */
export function stillWaiting(decision: DecisionResponse): CallToolResult {
  return refusal(holdText(decision, "Still waiting for approval."), decision.id, { decision: "hold", status: decision.status, repeat: true });
}

/** A repeat of a call whose hold was rejected or expired (answered so for 24 hours instead of a new hold). */
export function holdEnded(decision: DecisionResponse, rejectionReason: string | null): CallToolResult {
  const text =
    decision.status === "rejected"
      ? `Not done: a person rejected this${rejectionReason ? `: ${rejectionReason}` : "."} Do not try again; tell the customer. (Mandate decision ${decision.id})`
      : `Not done: the approval for this was not given in time and expired at ${decision.approval?.expires_at ?? "its deadline"}. Hand the conversation to a person. (Mandate decision ${decision.id})`;
  return refusal(text, decision.id, { decision: "hold", status: decision.status, repeat: true });
}

/** An allowed or approved decision that may not be carried out now (a stop switch covers it). */
export function paused(decision: DecisionResponse): CallToolResult {
  return refusal(`Not done now: ${reasons(decision)}`, decision.id, { decision: decision.decision, status: decision.status, reasons: decision.reasons.map((r) => r.code) });
}

/** The call could not be judged: nothing was recorded, nothing reached the system. */
export function invalidCall(problems: string[]): CallToolResult {
  return refusal(`Not done: the call cannot be checked. ${problems.join("; ")}`, null, { problems });
}

/** The upstream did not say whether it acted. */
export function outcomeUnknown(decisionId: string, upstream: string, why: string): CallToolResult {
  return refusal(
    `The system "${upstream}" did not answer (${why}): the action may or may not have happened. Do not repeat it; a person will check (Mandate decision ${decisionId}).`,
    decisionId,
    { status: "outcome_unknown" },
  );
}

/** The upstream's own result, unchanged but for the decision id in its _meta. */
export function withDecision(result: CallToolResult, decisionId: string): CallToolResult {
  return { ...result, _meta: { ...(result._meta ?? {}), [DECISION_META]: decisionId } };
}
