import type pg from "pg";
import { arrayLiteral, execute, simpleQuery, type SqlStatement } from "@/lib/db/simple-query";
import { Decimal, type LimitCheck, type LimitUsage } from "@/lib/engine";

/** What limit counting needs of a decision about to be made: its agent and the limits it must pass. */
export interface LimitedRequest {
  agentId: string;
  limits: readonly LimitCheck[];
}

/** The columns of a decision that decide whether it counts toward a limit. */
export interface CountedRow {
  action: string;
  agent_id: string;
  customer_id: string | null;
  amount: string | null;
  counts_to_limits: boolean;
}

/** The advisory-lock key of a limit's scope: one customer's, one agent's, or everyone's use of an action. */
export function scopeKey(limit: LimitCheck, agentId: string): string {
  if (limit.scope === "customer") return `limit:${limit.action}:customer:${limit.customerId}`;
  if (limit.scope === "agent") return `limit:${limit.action}:agent:${agentId}`;
  return `limit:${limit.action}:global`;
}

/**
 * Takes the transaction-scoped advisory locks of every scope these requests count under, in one
 * statement and in PostgreSQL's order of the keys, so two transactions never wait on each other
 * in a cycle. Until the transaction ends, no other process can count or add to those scopes.
 */
export async function lockScopes(client: pg.PoolClient, requests: readonly LimitedRequest[]): Promise<void> {
  const keys = scopeKeys(requests);
  if (keys.length === 0) return;
  await client.query({ name: "mandate_scope_locks", text: LOCK_SCOPES, values: [keys] });
}

const LOCK_SCOPES = `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k`;

function scopeKeys(requests: readonly LimitedRequest[]): string[] {
  const keys = new Set<string>();
  for (const request of requests) for (const limit of request.limits) keys.add(scopeKey(limit, request.agentId));
  return [...keys];
}

// One statement for any number of limit checks: each check row scans the one partial index of its
// scope (the branches of the other scopes are gated off by their `c.scope = …` test).
const COUNT_USAGE = `
  SELECT c.i, u.count, u.amount
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::bigint[]) AS c(i, scope, action, customer_id, agent_id, window_ms)
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS count, coalesce(sum(s.amount), 0)::text AS amount FROM (
        SELECT d.amount FROM decisions d
         WHERE c.scope = 'customer' AND d.action = c.action AND d.customer_id = c.customer_id AND d.counts_to_limits
           AND d.created_at > now() - c.window_ms * interval '1 millisecond'
        UNION ALL
        SELECT d.amount FROM decisions d
         WHERE c.scope = 'agent' AND d.action = c.action AND d.agent_id = c.agent_id AND d.counts_to_limits
           AND d.created_at > now() - c.window_ms * interval '1 millisecond'
        UNION ALL
        SELECT d.amount FROM decisions d
         WHERE c.scope = 'global' AND d.action = c.action AND d.counts_to_limits
           AND d.created_at > now() - c.window_ms * interval '1 millisecond'
      ) s
    ) u`;

/** The limit checks of a list of requests, flattened: one row of COUNT_USAGE each. */
function checksOf(requests: readonly LimitedRequest[]) {
  const checks = { index: [] as number[], scope: [] as string[], action: [] as string[], customer: [] as (string | null)[], agent: [] as string[], windowMs: [] as number[] };
  const owners: { request: number; id: string }[] = [];
  requests.forEach((request, r) => {
    for (const limit of request.limits) {
      checks.index.push(owners.length);
      owners.push({ request: r, id: limit.id });
      checks.scope.push(limit.scope);
      checks.action.push(limit.action);
      checks.customer.push(limit.customerId);
      checks.agent.push(request.agentId);
      checks.windowMs.push(limit.windowMs);
    }
  });
  return { checks, owners };
}

function usageFromRows(requests: readonly LimitedRequest[], owners: { request: number; id: string }[], rows: { i: number; count: number; amount: string }[]) {
  const usage = requests.map(() => ({}) as Record<string, LimitUsage>);
  for (const row of rows) {
    const owner = owners[row.i]!;
    usage[owner.request]![owner.id] = { count: row.count, amount: new Decimal(row.amount) };
  }
  return usage;
}

/**
 * Allowed (or approved) usage of each request's limits in their windows, as committed: one
 * round trip for the whole list. Run it after lockScopes, in the same transaction, for a count
 * that nobody can change before the transaction commits.
 */
export async function countUsage(client: pg.Pool | pg.PoolClient, requests: readonly LimitedRequest[]): Promise<Record<string, LimitUsage>[]> {
  const { checks, owners } = checksOf(requests);
  if (owners.length === 0) return usageFromRows(requests, owners, []);
  const { rows } = await client.query<{ i: number; count: number; amount: string }>({
    name: "mandate_count_usage",
    text: COUNT_USAGE,
    values: [checks.index, checks.scope, checks.action, checks.customer, checks.agent, checks.windowMs],
  });
  return usageFromRows(requests, owners, rows);
}

export const SQL_LOCK_SCOPES: SqlStatement = { name: "mandate_sql_lock_scopes", types: ["text[]"], text: LOCK_SCOPES };
export const SQL_COUNT_USAGE: SqlStatement = { name: "mandate_sql_count_usage", types: ["int[]", "text[]", "text[]", "text[]", "uuid[]", "bigint[]"], text: COUNT_USAGE };

/**
 * BEGIN, lockScopes and countUsage in one round trip (three statements of one simple query: the
 * count takes its snapshot after the locks are held). Leaves the transaction open. The connection
 * must have SQL_LOCK_SCOPES and SQL_COUNT_USAGE prepared (ensurePrepared).
 */
export async function beginLockAndCount(client: pg.PoolClient, requests: readonly LimitedRequest[]): Promise<Record<string, LimitUsage>[]> {
  const { checks, owners } = checksOf(requests);
  const [, , counted] = await simpleQuery(client, [
    "BEGIN",
    execute(SQL_LOCK_SCOPES, [arrayLiteral(scopeKeys(requests), "text")]),
    execute(SQL_COUNT_USAGE, [
      arrayLiteral(checks.index, "int"),
      arrayLiteral(checks.scope, "text"),
      arrayLiteral(checks.action, "text"),
      arrayLiteral(checks.customer, "text"),
      arrayLiteral(checks.agent, "uuid"),
      arrayLiteral(checks.windowMs, "bigint"),
    ]),
  ]);
  return usageFromRows(requests, owners, (counted?.rows ?? []) as { i: number; count: number; amount: string }[]);
}

/**
 * Usage as counted, plus the rows decided earlier in the same batch that count toward the same
 * limits: they are not in the table yet, but they will commit together with this decision.
 */
export function withBatchUsage(counted: Record<string, LimitUsage>, request: LimitedRequest, earlier: readonly CountedRow[]): Record<string, LimitUsage> {
  if (earlier.length === 0) return counted;
  const usage: Record<string, LimitUsage> = {};
  for (const limit of request.limits) {
    let { count, amount } = counted[limit.id] ?? { count: 0, amount: new Decimal(0) };
    for (const row of earlier) {
      if (!row.counts_to_limits || row.action !== limit.action) continue;
      if (limit.scope === "customer" && (row.customer_id === null || row.customer_id !== limit.customerId)) continue;
      if (limit.scope === "agent" && row.agent_id !== request.agentId) continue;
      count += 1;
      if (row.amount !== null) amount = amount.plus(row.amount);
    }
    usage[limit.id] = { count, amount };
  }
  return usage;
}
