import type { Db, Tx } from "@/lib/db/prisma";
import type { DecisionResponse } from "@/lib/decisions/schemas";

/** A stop switch in force, as every reader of stops needs it (the engine, the API, the console). */
export interface StopInForce {
  id: string;
  scope: "all" | "agent" | "action";
  target: string | null;
  reason: string;
  createdBy: string;
  createdAt: Date;
}

/** What a stop can cover: one agent's request for one action. */
export interface StopSubject {
  agentName: string;
  action: string;
}

/** Every stop in force, oldest first; the table holds a handful of rows (one per target at most). */
export const STOPS_IN_FORCE_SQL = `SELECT id::text AS id, scope::text AS scope, target, reason, created_by AS "createdBy", created_at AS "createdAt"
  FROM stop_switches WHERE lifted_at IS NULL ORDER BY created_at`;

/** Statuses in which the agent may still carry the action out. */
const EXECUTABLE = new Set<string>(["allowed", "approved"]);

/** The stop switch covering this agent or action, "everything" first, then the agent, then the action. */
export function getStopCovering(stops: readonly StopInForce[], subject: StopSubject): StopInForce | null {
  return (
    stops.find((s) => s.scope === "all") ??
    stops.find((s) => s.scope === "agent" && s.target === subject.agentName) ??
    stops.find((s) => s.scope === "action" && s.target === subject.action) ??
    null
  );
}

/**
 * The stop that keeps an allowed or approved, not yet executed decision from being carried out
 * now, or null. The one test for "may this be executed right now": the `paused` reason on reads,
 * and whatever later hands out proof of permission (signed grants), must both ask it.
 */
export function getExecutionPause(stops: readonly StopInForce[], decision: StopSubject & { status: string }): StopInForce | null {
  return EXECUTABLE.has(decision.status) ? getStopCovering(stops, decision) : null;
}

/** What a stop pauses, in words: `everything`, `agent "support-bot"`, `action "refund.issue"`. */
export function describeStopTarget(stop: Pick<StopInForce, "scope" | "target">): string {
  return stop.scope === "all" ? "everything" : `${stop.scope} ${JSON.stringify(stop.target)}`;
}

/** For people: `Agent “support-bot” is paused by committee@northwind.example since 2026-12-07 17:00 UTC: “incident 42”.` */
export function describeStopForPeople(stop: StopInForce): string {
  const what = stop.scope === "all" ? "Everything" : `${stop.scope === "agent" ? "Agent" : "Action"} “${stop.target}”`;
  const since = `${stop.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `${what} is paused by ${stop.createdBy} since ${since}: “${stop.reason}”.`;
}

/**
 * The `paused` reason an executable decision carries while a stop covers it. It names the stop,
 * its reason and since when; not who flipped it (that stays in the console and the audit log).
 */
export function pausedReason(stop: StopInForce): DecisionResponse["reasons"][number] {
  return {
    code: "paused",
    rule: "stop_switch",
    message: `Do not execute now: ${describeStopTarget(stop)} is paused by a stop switch since ${stop.createdAt.toISOString()}: ${stop.reason}. Wait until it is lifted.`,
  };
}

/**
 * A read-time overlay, never stored: the decision as the agent must see it while a stop covers it
 * (its status stays `allowed` or `approved`; the `paused` reason comes first).
 */
export function withExecutionPause(response: DecisionResponse, stops: readonly StopInForce[], agentName: string): DecisionResponse {
  const stop = getExecutionPause(stops, { agentName, action: response.action, status: response.status });
  if (!stop) return response;
  return { ...response, reasons: [pausedReason(stop), ...response.reasons.filter((r) => r.code !== "paused")] };
}

/** The stops in force read through Prisma: inside a transaction, what that transaction sees. */
export async function readStopsInForce(db: Db | Tx): Promise<StopInForce[]> {
  return db.$queryRawUnsafe<StopInForce[]>(STOPS_IN_FORCE_SQL);
}
