import type { AgentPrincipal } from "@/lib/api/agent-auth";
import { validationError } from "@/lib/api/http";
import type { DecisionService } from "@/lib/decisions/create-decision";
import { dryRunDecisions } from "@/lib/decisions/dry-run-decision";
import { canonicalJson } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation";
import { toDecisionRequest, withAuthzenPaths } from "./map-request";
import { makePageToken, queryFingerprint, readPageToken } from "./page-token";
import { actionSearchRequestSchema } from "./schemas";

export interface ActionSearchAnswer {
  page: { next_token: string; count: number; total: number };
  results: { name: string }[];
}

/**
 * The Action Search API: every action of the policy in force (in key order) whose decision for
 * this subject, resource and context would be `allow` right now, evaluated as a dry run (stops
 * and current limit usage included; nothing recorded or counted). Paged with the standard's
 * opaque tokens: no `page.limit` answers everything left; `page.limit: 0` answers only the count.
 */
export async function searchActions(service: DecisionService, agent: AgentPrincipal, raw: unknown): Promise<ActionSearchAnswer> {
  const parsed = actionSearchRequestSchema.safeParse(raw);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const { subject, resource, context, page } = parsed.data;
  const snapshot = service.runtime.snapshot();
  if (!snapshot) throw new AppError("unavailable", "Mandate cannot load its policy right now. Do not act; retry shortly.");

  // The query as Mandate reads it (what it ignores cannot change the answer), for the page token.
  const probe = toDecisionRequest({ subject, action: { name: "search" }, resource, context }, agent);
  const fingerprint = queryFingerprint(canonicalJson({ agent: agent.agentName, query: { ...probe.body, action: null }, limit: page?.limit ?? null }));
  const offset = readPageToken(page?.token, fingerprint);

  const keys = [...(snapshot.policy?.actions.keys() ?? [])].sort();
  const bodies = keys.map((name) => ({ ...probe.body, action: name }));
  let allowed: string[];
  try {
    const dry = await dryRunDecisions(service, agent, bodies);
    allowed = keys.filter((_, i) => dry[i]!.result.decision === "allow");
  } catch (error) {
    throw withAuthzenPaths(error, probe.resourceParam);
  }

  const end = page?.limit === undefined ? allowed.length : Math.min(allowed.length, offset + page.limit);
  const results = page?.limit === 0 ? [] : allowed.slice(offset, end).map((name) => ({ name }));
  const more = page?.limit !== 0 && end < allowed.length;
  return { page: { next_token: more ? makePageToken(end, fingerprint) : "", count: results.length, total: allowed.length }, results };
}
