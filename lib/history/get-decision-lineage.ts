import { hashAuditContent } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import type { DecisionResponse } from "@/lib/decisions/schemas";
import { describeRequest } from "./describe-request";

export interface LineageStep {
  at: Date;
  kind: "request" | "decision" | "approval" | "outcome" | "review" | "webhook" | "audit";
  title: string;
  detail?: string;
  /** The exact text behind the step (the request as the agent sent it), for those who need it. */
  raw?: string;
  /** Where the step lives in the console (a review case), when it has a page of its own. */
  href?: string;
}

/** Everything that happened to one decision, for its page in the history. */
export async function getDecisionLineage(db: Db, id: string) {
  const decision = await db.decision.findUnique({
    where: { id },
    select: {
      id: true, action: true, intent: true, decision: true, status: true, tier: true, owner: true, authority: true, amount: true, currency: true,
      customerId: true, conversationId: true, request: true, reasons: true, actionDigest: true, policyVersion: true, createdAt: true, updatedAt: true,
      agent: { select: { name: true } },
      approval: { select: { id: true, status: true, required: true, roles: true, expiresAt: true, decidedAt: true, votes: { orderBy: { createdAt: "asc" }, select: { verdict: true, role: true, reason: true, createdAt: true, user: { select: { name: true } } } } } },
      outcomes: { orderBy: { createdAt: "asc" }, select: { status: true, externalRef: true, createdAt: true } },
      reviewCases: { orderBy: { createdAt: "asc" }, select: { id: true, source: true, reason: true, status: true, createdAt: true } },
      webhookEvents: { orderBy: { createdAt: "asc" }, select: { id: true, type: true, status: true, attempts: true, createdAt: true, deliveredAt: true } },
    },
  });
  if (!decision) return null;
  const audit = await db.auditEntry.findMany({
    where: { subjectId: { in: [decision.id, ...decision.reviewCases.map((c) => c.id)] } },
    orderBy: { id: "asc" },
    select: { id: true, txid: true, occurredAt: true, actorType: true, actorId: true, actorLabel: true, action: true, subjectType: true, subjectId: true, data: true, nonce: true, hash: true },
  });
  const seals = audit.length
    ? await db.auditSeal.findMany({ where: { fromTxid: { lte: audit[audit.length - 1]!.txid }, toTxid: { gt: audit[0]!.txid } }, select: { id: true, fromTxid: true, toTxid: true, sealedAt: true } })
    : [];
  const sealOf = (txid: bigint) => seals.find((s) => s.fromTxid <= txid && txid < s.toTxid) ?? null;

  const reasons = decision.reasons as DecisionResponse["reasons"];
  const mcp = (decision.request as { mcp?: { server?: unknown; tool?: unknown } } | null)?.mcp;
  const mcpTool = mcp && typeof mcp.server === "string" && typeof mcp.tool === "string" ? { server: mcp.server, tool: mcp.tool } : null;
  const steps: LineageStep[] = [
    {
      at: decision.createdAt,
      kind: "request",
      // A call through the MCP gateway names the tool and its server: the request is what the policy's mapping made of it.
      title: mcpTool ? `${decision.agent.name} called the tool ${mcpTool.tool} on ${mcpTool.server} (${decision.action}) through the MCP gateway` : `${decision.agent.name} asked to ${decision.action}`,
      detail: describeRequest(decision.request),
      raw: JSON.stringify(decision.request, null, 2),
    },
    { at: decision.createdAt, kind: "decision", title: `Decided ${decision.decision} under policy version ${decision.policyVersion ?? "none"}`, detail: reasons.map((r) => `${r.message} (${r.rule})`).join("; ") },
  ];
  for (const v of decision.approval?.votes ?? []) steps.push({ at: v.createdAt, kind: "approval", title: `${v.user.name} ${v.verdict === "approve" ? "approved" : "rejected"} as ${v.role}`, detail: v.reason });
  if (decision.approval?.status === "expired") steps.push({ at: decision.approval.decidedAt ?? decision.approval.expiresAt, kind: "approval", title: "Expired before anyone decided" });
  for (const o of decision.outcomes) steps.push({ at: o.createdAt, kind: "outcome", title: mcpTool ? `The gateway recorded ${o.status} (from the tool server's answer)` : `Agent reported ${o.status}`, detail: o.externalRef ?? undefined });
  for (const c of decision.reviewCases) steps.push({ at: c.createdAt, kind: "review", title: `Review case opened (${c.source.replaceAll("_", " ")})`, detail: `${c.reason} · ${c.status.replace("_", " ")}`, href: `/reviews/${c.id}` });
  for (const w of decision.webhookEvents) steps.push({ at: w.createdAt, kind: "webhook", title: `Webhook ${w.type}: ${w.status}`, detail: `${w.attempts} attempt${w.attempts === 1 ? "" : "s"}${w.deliveredAt ? `, delivered ${w.deliveredAt.toISOString()}` : ""}` });
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());

  return {
    decision: { ...decision, amount: decision.amount?.toString() ?? null, reasons },
    steps,
    audit: audit.map((a) => {
      const seal = sealOf(a.txid);
      const intact =
        hashAuditContent({ occurredAt: a.occurredAt.toISOString(), actorType: a.actorType, actorId: a.actorId, actorLabel: a.actorLabel, action: a.action, subjectType: a.subjectType, subjectId: a.subjectId, data: a.data, nonce: a.nonce }) === a.hash;
      return { id: a.id.toString(), at: a.occurredAt, actor: a.actorLabel, action: a.action, hash: a.hash, intact, seal: seal ? { id: seal.id, sealedAt: seal.sealedAt } : null };
    }),
  };
}

