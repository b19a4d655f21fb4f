import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { createDecision, type DecisionService } from "@/lib/decisions/create-decision";
import { readDecisionForAgent } from "@/lib/decisions/get-decision";
import { recordExecutedOutcome, recordUnknownOutcome, reportOutcome } from "@/lib/decisions/report-outcome";
import type { DecisionRequestBody } from "@/lib/decisions/schemas";
import { drawFromId } from "@/lib/ids";
import { preEvaluate, toolCallDigest, type DecisionRequest } from "@/lib/engine";
import { grantCreatedDecision } from "@/lib/grants/decision-grants";
import { findStop } from "@/lib/decisions/policy-runtime";
import { forwardableMeta, readConversationContext, type ConversationContext } from "./conversation-context";
import { mapToolCall } from "./map-tool-call";
import { findPreviousHold } from "./previous-hold";
import type { CatalogEntry, ToolCatalog } from "./tool-catalog";
import { holdEnded, invalidCall, notCarriedOut, outcomeUnknown, paused, stillWaiting, withDecision } from "./tool-results";
import type { CallToolResult, CallUpstream } from "./types";

export const GRANT_META = "mandate/grant";
export const GRANT_HEADER = "Mandate-Grant";

export interface GatewayService extends DecisionService {
  catalog(): Promise<ToolCatalog>;
  callUpstream: CallUpstream;
  /** How long an upstream may take before the outcome is recorded as unknown. */
  upstreamTimeoutMs: number;
  log?: (line: string) => void;
}

export interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

const DONE = new Set(["executed", "failed", "reverted", "outcome_unknown"]);

/**
 * One `tools/call` through the gateway: the call becomes a decision request on exactly the path of
 * POST /api/v1/decisions (engine, limits, idempotency, stops, audit), and only an allowed or
 * approved call reaches the upstream, with a grant for exactly that call. The gateway reports the
 * outcome itself: executed, failed, or unknown when the upstream does not answer in time.
 */
export async function callToolThroughGateway(service: GatewayService, agent: AgentPrincipal, call: ToolCall, headers: Record<string, string | string[] | undefined>): Promise<CallToolResult> {
  const args = call.arguments ?? {};
  const { context, problems } = readConversationContext(headers, call._meta);
  if (problems.length) return invalidCall(problems);
  const problem = unstorable(args);
  if (problem) return invalidCall([problem]);

  const catalog = await service.catalog();
  const entry = catalog.find(call.name);
  if (!entry?.mapping) return refuseUnmapped(service, agent, call.name, entry, args, context);
  const mapping = entry.mapping;

  const mapped = mapToolCall(mapping, args, context);
  if (!mapped.ok) return invalidCall(mapped.problems);
  const body = mapped.body;
  const digest = toolCallDigest({ action: mapping.action, tool: call.name, arguments: args });
  const tool = { server: entry.upstream.name, name: call.name, arguments: args };

  // A repeat of a held call answers from that hold (still waiting, approved: carry it out once,
  // rejected or expired: say so) instead of opening another. A call the policy allows outright
  // without limits cannot have been held, so it skips the lookup.
  if (mayHaveBeenHeld(service, agent, body)) {
    const previous = await findPreviousHold(service.pool, agent.agentId, digest);
    if (previous && !DONE.has(previous.status)) {
      const decision = await readDecisionForAgent(service, agent, previous.id);
      if (decision.status === "pending_approval") return stillWaiting(decision);
      if (decision.status === "rejected" || decision.status === "expired") return holdEnded(decision, previous.rejectionReason);
      if (decision.status === "approved") {
        if (!decision.grant) return paused(decision);
        return forward(service, agent, entry, call, decision.id, digest, decision.grant);
      }
    }
  }

  const created = await createDecision(service, agent, body, context.idempotencyKey ?? null, { actionDigest: digest, tool });
  const stops = service.runtime.snapshot()?.stops ?? (await service.runtime.stopsInForce());
  const answer = grantCreatedDecision(created, agent.agentName, body, stops, new Date(), call.name);
  if (answer.decision !== "allow") return notCarriedOut(answer);
  if (!answer.grant) {
    // An idempotent replay of a call already carried out, or an allow a stop now covers.
    const now = created.statusNow ?? answer.status;
    if (DONE.has(now)) return notCarriedOut({ ...answer, decision: "deny", reasons: [{ code: "already_done", rule: "idempotency", message: `This call was already made under Mandate decision ${answer.id} (${now.replaceAll("_", " ")}); it is not made twice.` }] });
    return paused(answer);
  }
  return forward(service, agent, entry, call, answer.id, digest, answer.grant);
}

/** Whether a held decision for this call can exist: only when the policy might not simply allow it. */
function mayHaveBeenHeld(service: GatewayService, agent: AgentPrincipal, body: DecisionRequestBody): boolean {
  const policy = service.runtime.snapshot()?.policy;
  if (!policy) return true;
  const snapshot = service.runtime.snapshot();
  const pre = preEvaluate(policy, body as DecisionRequest, { paused: findStop(snapshot?.stops ?? [], agent.agentName, body.action), sampleDraw: drawFromId("dec_probe"), agentName: agent.agentName });
  return !(pre.status === "decided" && pre.result.decision === "allow");
}

async function forward(service: GatewayService, agent: AgentPrincipal, entry: CatalogEntry, call: ToolCall, decisionId: string, digest: string, grant: string): Promise<CallToolResult> {
  let result: CallToolResult;
  try {
    result = await service.callUpstream(
      entry.upstream,
      { name: call.name, arguments: call.arguments ?? {}, _meta: { ...forwardableMeta(call._meta), [GRANT_META]: grant } },
      { timeoutMs: service.upstreamTimeoutMs, extraHeaders: { [GRANT_HEADER]: grant } },
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    // Unreachable, or the server refused the gateway's credentials: nothing was done.
    const refusedUs = error instanceof Error && error.name === "UpstreamProtocolError" && [401, 403].includes((error as Error & { httpStatus?: number }).httpStatus ?? 0);
    if (error instanceof Error && (error.name === "UpstreamUnreachable" || refusedUs)) {
      settle(service, agent, decisionId, () => reportOutcome(service.pool, agent, decisionId, { status: "failed", detail: { upstream: entry.upstream.name, error: why.slice(0, 500) } }));
      return withDecision({ isError: true, content: [{ type: "text", text: `Not done: the system "${entry.upstream.name}" cannot be reached (${why}). Nothing happened; try again later.` }] }, decisionId);
    }
    // Timed out or broke off mid-call: the action may or may not have happened.
    settle(service, agent, decisionId, () => recordUnknownOutcome(service.pool, agent, decisionId, `${entry.upstream.name}: ${why}`));
    return outcomeUnknown(decisionId, entry.upstream.name, why);
  }
  const detail = { upstream: entry.upstream.name, tool: call.name };
  settle(service, agent, decisionId, () =>
    result.isError ? reportOutcome(service.pool, agent, decisionId, { status: "failed", action_digest: digest, detail }) : recordExecutedOutcome(service.pool, agent, decisionId, digest, detail),
  );
  return withDecision(result, decisionId);
}

/**
 * Outcomes are recorded after the result goes back, off the call's path; a failure to record is
 * logged (the decision then stays allowed, and its grant was single-use at the system of record).
 */
const pending = new Set<Promise<unknown>>();
function settle(service: GatewayService, agent: AgentPrincipal, decisionId: string, record: () => Promise<unknown>): void {
  const done = record()
    .catch((error: unknown) => service.log?.(`gateway: recording the outcome of ${decisionId} for ${agent.agentName} failed: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => pending.delete(done));
  pending.add(done);
}

/** Resolves once every outcome the gateway is still recording is written (shutdown, tests). */
export async function drainGatewayOutcomes(): Promise<void> {
  while (pending.size) await Promise.all([...pending]);
}

/**
 * A tool no mapping covers (or no server exposes) is refused, and recorded as a denied decision
 * with reason `unmapped_tool`, so attempts show in history and the review inbox.
 */
async function refuseUnmapped(service: GatewayService, agent: AgentPrincipal, name: string, entry: CatalogEntry | null, args: Record<string, unknown>, context: ConversationContext): Promise<CallToolResult> {
  const server = entry?.upstream.name ?? "unknown";
  const action = `mcp.${safeKey(server)}.${safeKey(name)}`;
  const body: DecisionRequestBody = {
    action,
    ...(context.customerId !== undefined ? { customer: { id: context.customerId } } : {}),
    context: { channel: context.channel, ...(context.conversationId !== undefined ? { conversation_id: context.conversationId } : {}) },
  };
  const message = entry
    ? `The tool ${name} on ${server} is not mapped to an action in the policy, so it cannot be used. IT maps tools in the policy's tool mappings.`
    : `No tool server offers a tool named ${name.slice(0, 100)}.`;
  const created = await createDecision(service, agent, body, null, {
    actionDigest: toolCallDigest({ action, tool: name.slice(0, 200), arguments: args }),
    refusal: { code: "unmapped_tool", message, rule: "tools" },
    tool: { server, name: name.slice(0, 200), arguments: args },
  });
  return notCarriedOut(created.body);
}

const MAX_ARGUMENTS_BYTES = 64 * 1024;

/** Arguments the decision could not keep as evidence: too large (the agent API's own bound), or text PostgreSQL cannot store. */
function unstorable(args: Record<string, unknown>): string | null {
  const text = JSON.stringify(args);
  if (Buffer.byteLength(text) > MAX_ARGUMENTS_BYTES) return "arguments: larger than 64 KiB";
  // JSON writes NUL as \u0000 and a lone surrogate as \udXXX: neither fits a jsonb column.
  if (/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(text)) return "arguments: text with a NUL character or an unpaired surrogate";
  return null;
}

/** A tool or server name as one segment of an action key (letters, digits, _ and -; at most 80). */
function safeKey(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "_";
}
