import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { timeWindow, type HistoryQuery } from "./history-filters";
import { decodeCursor, toKeysetPage, type KeysetCursor, type KeysetPage } from "./keyset-cursor";

// The history explorer reads `decisions`, which grows by millions of rows. Every list is keyset
// paginated on (sort key, id) and every filter leads with a column that has a (column, created_at)
// index, so a page costs an index range scan however deep it is.

export interface HistoryRow {
  id: string;
  createdAt: Date;
  agentId: string;
  agent: string;
  action: string;
  intent: string | null;
  decision: string;
  status: string;
  tier: string | null;
  owner: string | null;
  authority: string | null;
  amount: string | null;
  currency: string | null;
  customerId: string | null;
  channel: string | null;
  conversationId: string | null;
  policyVersion: number | null;
  reasonCodes: string[];
  summary: string | null;
}

type SortOrder = { key: "created_at" | "amount"; dir: "asc" | "desc"; nulls: "first" | "last" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The WHERE clause for a query's filters. `asOf` caps the set so a long export never chases new rows. */
export function historyWhere(query: HistoryQuery, now: Date, asOf?: Date): Prisma.Sql {
  const window = timeWindow(query, now);
  const parts: Prisma.Sql[] = [];
  if (window.from) parts.push(Prisma.sql`d.created_at >= ${window.from}`);
  if (window.to) parts.push(Prisma.sql`d.created_at < ${window.to}`);
  if (asOf) parts.push(Prisma.sql`d.created_at <= ${asOf}`);
  if (query.action) parts.push(Prisma.sql`d.action = ${query.action}`);
  if (query.agent) {
    // A scalar subquery (names are unique) keeps the (agent_id, created_at) index usable.
    parts.push(UUID.test(query.agent) ? Prisma.sql`d.agent_id = ${query.agent}::uuid` : Prisma.sql`d.agent_id = (SELECT id FROM agents WHERE name = ${query.agent})`);
  }
  if (query.decision) parts.push(Prisma.sql`d.decision = ${query.decision}::"DecisionKind"`);
  if (query.status) parts.push(Prisma.sql`d.status = ${query.status}::"DecisionStatus"`);
  if (query.tier) parts.push(Prisma.sql`d.tier = ${query.tier}`);
  if (query.owner) parts.push(Prisma.sql`d.owner = ${query.owner}`);
  if (query.customer) parts.push(Prisma.sql`d.customer_id = ${query.customer}`);
  if (query.min) parts.push(Prisma.sql`d.amount >= ${query.min}::numeric`);
  if (query.max) parts.push(Prisma.sql`d.amount <= ${query.max}::numeric`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** Decisions without an amount sort after every amount, whichever way amounts run. */
function sortOrder(query: Pick<HistoryQuery, "sort" | "dir">): SortOrder {
  return { key: query.sort, dir: query.dir, nulls: "last" };
}

function reverse(order: SortOrder): SortOrder {
  return { key: order.key, dir: order.dir === "asc" ? "desc" : "asc", nulls: order.nulls === "last" ? "first" : "last" };
}

function orderBy(order: SortOrder): Prisma.Sql {
  const dir = Prisma.raw(order.dir === "asc" ? "ASC" : "DESC");
  if (order.key === "created_at") return Prisma.sql`d.created_at ${dir}, d.id ${dir}`;
  return Prisma.sql`d.amount ${dir} NULLS ${Prisma.raw(order.nulls === "last" ? "LAST" : "FIRST")}, d.id ${dir}`;
}

/** Rows strictly after the cursor's row in `order`. */
function after(order: SortOrder, cursor: { value: string | null; id: string }): Prisma.Sql {
  const op = Prisma.raw(order.dir === "asc" ? ">" : "<");
  if (order.key === "created_at") {
    // Written as `k <= c AND (k < c OR id < i)` rather than a row comparison so the planner
    // bounds the created_at index scan with it.
    const at = cursor.value ?? new Date(0).toISOString();
    return Prisma.sql`d.created_at ${op}= ${at}::timestamptz AND (d.created_at ${op} ${at}::timestamptz OR d.id ${op} ${cursor.id})`;
  }
  if (cursor.value === null) {
    return order.nulls === "last" ? Prisma.sql`d.amount IS NULL AND d.id ${op} ${cursor.id}` : Prisma.sql`(d.amount IS NOT NULL OR d.id ${op} ${cursor.id})`;
  }
  const past = Prisma.sql`(d.amount ${op} ${cursor.value}::numeric OR (d.amount = ${cursor.value}::numeric AND d.id ${op} ${cursor.id}))`;
  return order.nulls === "last" ? Prisma.sql`(${past} OR d.amount IS NULL)` : past;
}

function keyOf(order: SortOrder) {
  return (row: HistoryRow) => ({ value: order.key === "created_at" ? row.createdAt.toISOString() : row.amount, id: row.id });
}

type RawRow = {
  id: string; created_at: Date; agent_id: string; action: string; intent: string | null; decision: string; status: string; tier: string | null; owner: string | null; authority: string | null;
  amount: string | null; currency: string | null; customer_id: string | null; channel: string | null; conversation_id: string | null; policy_version: number | null; reason_codes: string[]; summary: string | null;
};

async function selectRows(db: Db, where: Prisma.Sql, order: SortOrder, cursor: { value: string | null; id: string } | null, limit: number, agents: Map<string, string>): Promise<HistoryRow[]> {
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT d.id, d.created_at, d.agent_id::text AS agent_id, d.action, d.intent, d.decision::text AS decision, d.status::text AS status, d.tier, d.owner, d.authority,
           d.amount::text AS amount, d.currency, d.customer_id, d.channel, d.conversation_id, d.policy_version, d.reason_codes, d.request->'context'->>'summary' AS summary
      FROM decisions d
     WHERE ${where} AND ${cursor ? after(order, cursor) : Prisma.sql`TRUE`}
     ORDER BY ${orderBy(order)}
     LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    agentId: r.agent_id,
    agent: agents.get(r.agent_id) ?? r.agent_id,
    action: r.action,
    intent: r.intent,
    decision: r.decision,
    status: r.status,
    tier: r.tier,
    owner: r.owner,
    authority: r.authority,
    amount: r.amount,
    currency: r.currency,
    customerId: r.customer_id,
    channel: r.channel,
    conversationId: r.conversation_id,
    policyVersion: r.policy_version,
    reasonCodes: r.reason_codes,
    summary: r.summary,
  }));
}

/**
 * Swaps an agent's name for its id before the query is planned: the planner then estimates the
 * agent's share from real statistics instead of guessing at a subquery. An unknown name matches nothing.
 */
async function resolveAgent(db: Db, query: HistoryQuery): Promise<HistoryQuery> {
  if (!query.agent || UUID.test(query.agent)) return query;
  const agent = await db.agent.findUnique({ where: { name: query.agent }, select: { id: true } });
  return { ...query, agent: agent?.id ?? "00000000-0000-0000-0000-000000000000" };
}

/** Agents are few (tens): one lookup beats joining every page of decisions. */
export async function loadAgentNames(db: Db): Promise<Map<string, string>> {
  const agents = await db.agent.findMany({ select: { id: true, name: true } });
  return new Map(agents.map((a) => [a.id, a.name]));
}

/** A cursor made for another sort (or edited by hand) would fail a cast in SQL: refuse it here instead. */
function checkCursor(cursor: KeysetCursor, order: SortOrder): KeysetCursor {
  const fits =
    order.key === "created_at"
      ? cursor.value !== null && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(cursor.value) && !Number.isNaN(Date.parse(cursor.value))
      : cursor.value === null || /^\d{1,20}(\.\d{1,8})?$/.test(cursor.value);
  if (!fits) throw new AppError("validation_failed", "This page link belongs to another sort order: go back to the first page.", [{ path: "cursor", message: "Cursor does not match the sort" }]);
  return cursor;
}

/** One page of the explorer, in display order, with cursors to the pages around it. */
export async function listHistoryPage(db: Db, query: HistoryQuery, now = new Date()): Promise<KeysetPage<HistoryRow>> {
  const order = sortOrder(query);
  const cursor: KeysetCursor | null = query.cursor ? checkCursor(decodeCursor(query.cursor), order) : null;
  const travel = cursor?.direction === "prev" ? reverse(order) : order;
  const [agents, resolved] = await Promise.all([loadAgentNames(db), resolveAgent(db, query)]);
  const fetched = await selectRows(db, historyWhere(resolved, now), travel, cursor, query.size + 1, agents);
  return toKeysetPage(fetched, query.size, cursor, keyOf(order));
}

/**
 * Every decision matching the query, in its order, `batchSize` at a time: the CSV export walks
 * millions of rows this way without holding more than one batch in memory.
 */
export async function* iterateHistory(db: Db, query: HistoryQuery, options: { now: Date; asOf: Date; batchSize: number }): AsyncGenerator<HistoryRow[]> {
  const order = sortOrder(query);
  const [agents, resolved] = await Promise.all([loadAgentNames(db), resolveAgent(db, query)]);
  const where = historyWhere(resolved, options.now, options.asOf);
  let cursor: { value: string | null; id: string } | null = null;
  for (;;) {
    const rows = await selectRows(db, where, order, cursor, options.batchSize, agents);
    if (rows.length > 0) yield rows;
    if (rows.length < options.batchSize) return;
    cursor = keyOf(order)(rows[rows.length - 1]!);
  }
}

export type HistoryCount = { exact: true; value: number } | { exact: false; estimate: number };

/** Above this many estimated rows an exact count is not worth its cost; the list still pages. */
export const EXACT_COUNT_LIMIT = 100_000;
const COUNT_TIMEOUT_MS = 1500;

/**
 * How many decisions match, only when that is cheap. The planner's estimate (microseconds)
 * decides: a small set is counted exactly under a statement timeout; a large one, or a count
 * that overruns the timeout because the estimate was wrong, is reported as an estimate.
 */
export async function countHistory(db: Db, query: HistoryQuery, now = new Date(), options: { exactLimit?: number } = {}): Promise<HistoryCount> {
  const where = historyWhere(await resolveAgent(db, query), now);
  const plan = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`EXPLAIN (FORMAT JSON) SELECT 1 FROM decisions d WHERE ${where}`;
  const estimate = Math.round(plan[0]?.["QUERY PLAN"][0].Plan["Plan Rows"] ?? Number.POSITIVE_INFINITY);
  if (estimate > (options.exactLimit ?? EXACT_COUNT_LIMIT)) return { exact: false, estimate };
  try {
    const value = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${COUNT_TIMEOUT_MS}`);
      const [row] = await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM decisions d WHERE ${where}`;
      return Number(row?.n ?? 0);
    });
    return { exact: true, value };
  } catch (error) {
    if (isStatementTimeout(error)) return { exact: false, estimate };
    throw error;
  }
}

function isStatementTimeout(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error);
  return text.includes("57014") || /statement timeout|canceling statement/i.test(text);
}

/** Values for the explorer's filter menus. */
export async function listHistoryFacets(db: Db) {
  const agents = await db.agent.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  return { agents: agents.map((a) => a.name) };
}
