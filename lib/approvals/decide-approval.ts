import { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { loadDecisionResponse } from "@/lib/decisions/get-decision";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { Role } from "@/lib/policy/roles";
import { STOP_CHANGE_LOCK_KEY } from "@/lib/stop-switches/pause";
import { describeStopForPeople, getStopCovering, readStopsInForce } from "@/lib/stop-switches/stop-covering";
import { parseOrThrow } from "@/lib/validation";
import { enqueueDecisionWebhook } from "@/lib/webhooks/enqueue-webhook";
import { wakeWebhookDispatchers } from "@/lib/webhooks/webhook-dispatcher";
import { isApproved, roleForVote } from "./approval-roles";

export const decideApprovalSchema = z.object({
  approvalId: z.string().uuid(),
  verdict: z.enum(["approve", "reject"], { message: "Choose approve or reject" }),
  reason: z.string().trim().min(3, "Give a reason (at least 3 characters)").max(1000),
});

export interface ApprovalDecision {
  status: "pending" | "approved" | "rejected";
  approvals: number;
  required: number;
  decisionId: string;
}

/**
 * A person approves or rejects a held decision. The approval row is locked for the whole
 * transaction, so however many supervisors click at once, each item is decided exactly once and
 * every later click is told who decided it. The agent is told through the webhook outbox, written
 * in the same transaction. While a stop switch covers the decision's agent or action, approving is
 * refused (checked in this transaction, so a stop flipped after the page loaded still counts);
 * rejecting stays open, since it only tells the agent not to act, which the stop asks anyway.
 */
export async function decideApproval(db: Db, actor: Actor, input: z.input<typeof decideApprovalSchema>): Promise<ApprovalDecision> {
  authorize(actor, "approvals:decide");
  if (actor.type !== "user") throw new AppError("forbidden", "Held actions are decided by people.");
  const data = parseOrThrow(decideApprovalSchema, input);

  const result = await db.$transaction(async (tx) => {
    // Shared with every other vote, exclusive with a pause: a stop commits either before this
    // vote reads the stops (and refuses it) or after this vote has committed.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${STOP_CHANGE_LOCK_KEY}::bigint)`;
    const [approval] = await tx.$queryRaw<{ id: string; status: string; required: number; roles: Role[]; expires_at: Date; decision_id: string; tier: string | null; action: string; agent_id: string; agent_name: string; conversation_id: string | null }[]>`
      SELECT a.id, a.status::text AS status, a.required, a.roles::text[] AS roles, a.expires_at, a.decision_id, d.tier, d.action, d.agent_id::text AS agent_id, g.name AS agent_name, d.conversation_id
        FROM approvals a JOIN decisions d ON d.id = a.decision_id JOIN agents g ON g.id = d.agent_id
       WHERE a.id = ${data.approvalId}::uuid FOR UPDATE OF a`;
    if (!approval) throw new AppError("not_found", "That approval request does not exist.");
    const votes = await tx.approvalVote.findMany({ where: { approvalId: approval.id }, orderBy: { createdAt: "asc" }, select: { userId: true, verdict: true, role: true, user: { select: { name: true } } } });

    if (approval.status !== "pending") {
      const deciders = votes.filter((v) => (approval.status === "rejected" ? v.verdict === "reject" : v.verdict === "approve")).map((v) => v.user.name);
      const by = deciders.length ? ` by ${deciders.join(" and ")}` : "";
      throw new AppError("already_decided", approval.status === "expired" ? "This request expired before anyone decided it." : `Already ${approval.status}${by}.`);
    }
    if (approval.expires_at.getTime() <= Date.now()) throw new AppError("already_decided", "This request has just expired: the agent was told to stand down.");
    if (data.verdict === "approve") {
      const stop = getStopCovering(await readStopsInForce(tx), { agentName: approval.agent_name, action: approval.action });
      if (stop) throw new AppError("paused", `Approving is refused while a stop switch covers this action. ${describeStopForPeople(stop)} You can still reject it; to approve, wait until the stop is lifted.`);
    }
    if (votes.some((v) => v.userId === actor.id)) throw new AppError("conflict", "You already approved this request: a different person must give the next approval.");

    const choice = roleForVote(approval, votes, actor.roles);
    if (!choice.ok && data.verdict === "approve") throw new AppError("forbidden", choice.reason);
    const eligibleRole = choice.ok ? choice.role : actor.roles.find((r) => approval.roles.includes(r));
    if (!eligibleRole) throw new AppError("forbidden", `This needs a decision by ${approval.roles.join(" or ")}.`);

    await tx.approvalVote.create({ data: { approvalId: approval.id, userId: actor.id, verdict: data.verdict, role: eligibleRole, reason: data.reason } });
    const approvals = votes.filter((v) => v.verdict === "approve").map((v) => ({ role: v.role }));
    if (data.verdict === "approve") approvals.push({ role: eligibleRole });

    let status: ApprovalDecision["status"] = "pending";
    if (data.verdict === "reject") status = "rejected";
    else if (isApproved(approval, approvals)) status = "approved";

    const now = new Date();
    if (status !== "pending") {
      await tx.approval.update({ where: { id: approval.id }, data: { status, decidedAt: now } });
      await tx.decision.update({ where: { id: approval.decision_id }, data: { status, updatedAt: now, countsToLimits: status === "approved" } });
    }
    if (status === "rejected") {
      // The inbox shows people by name; the audit entry keeps the sign-in.
      const who = (await tx.user.findUnique({ where: { id: actor.id }, select: { name: true } }))?.name || actor.label;
      await tx.reviewCase.create({
        data: { id: newId("rev"), source: "approval_rejected", reason: `Rejected by ${who}: ${data.reason}`, decisionId: approval.decision_id, agentId: approval.agent_id, action: approval.action, tier: approval.tier, conversationId: approval.conversation_id },
      });
    }
    await recordAudit(tx, actor, {
      action: `approval.${data.verdict}`,
      subjectType: "decision",
      subjectId: approval.decision_id,
      data: { approval_id: approval.id, role: eligibleRole, reason: data.reason, result: status },
    });
    if (status !== "pending") {
      const decision = await loadDecisionResponse(tx, approval.decision_id);
      await enqueueDecisionWebhook(tx, { agentId: approval.agent_id, decisionId: approval.decision_id, type: status === "approved" ? "decision.approved" : "decision.rejected", data: decision });
    }
    return { status, approvals: approvals.length, required: approval.required, decisionId: approval.decision_id };
    // Racing approvers queue on the row lock; give them time to wait their turn for a connection.
  }, { maxWait: 15_000, timeout: 20_000 });
  if (result.status !== "pending") wakeWebhookDispatchers();
  return result;
}
