import type pg from "pg";
import type { LimitUsage } from "@/lib/engine";
import { auditInsertFromColumns, prefixedAuditColumns, type AuditRow } from "@/lib/audit/record-audit";
import { Batcher, type Entry } from "@/lib/db/batcher";
import { ensurePrepared, execute, literal, simpleQuery, type SqlStatement } from "@/lib/db/simple-query";
import { beginLockAndCount, SQL_COUNT_USAGE, SQL_LOCK_SCOPES, withBatchUsage, type LimitedRequest } from "./limit-usage";

/** The `decisions` columns a decision is written with (the history generator writes the same). */
export interface DecisionColumns {
  id: string;
  agent_id: string;
  policy_version: number | null;
  action: string;
  intent: string | null;
  customer_id: string | null;
  amount: string | null;
  currency: string | null;
  channel: string | null;
  confidence: number | null;
  conversation_id: string | null;
  request: unknown;
  decision: string;
  status: string;
  authority: string | null;
  tier: string | null;
  owner: string | null;
  reasons: unknown;
  reason_codes: string[];
  action_digest: string;
  review_sampled: boolean;
  counts_to_limits: boolean;
  created_at: string;
}

/**
 * One decision as the tables store it: the decision, its audit entry, and when the result calls
 * for them, its approval, its review case and its idempotency record. Plain JSON, so any number
 * of rows travel as one parameter.
 */
export interface DecisionRow extends DecisionColumns {
  /** The decision's audit entry, built by lib/audit (the one format every writer uses), flat under audit_. */
  audit_occurred_at: AuditRow["occurred_at"];
  audit_actor_type: AuditRow["actor_type"];
  audit_actor_id: AuditRow["actor_id"];
  audit_actor_label: AuditRow["actor_label"];
  audit_action: AuditRow["action"];
  audit_subject_type: AuditRow["subject_type"];
  audit_subject_id: AuditRow["subject_id"];
  audit_data: AuditRow["data"];
  audit_nonce: AuditRow["nonce"];
  audit_hash: AuditRow["hash"];
  audit_mac: AuditRow["mac"];
  approvals_required: number;
  approval_roles: string[];
  approval_expires_at: string | null;
  review_id: string | null;
  review_source: string | null;
  review_reason: string;
  idempotency_key: string | null;
  request_hash: string | null;
  /** The response as sent, for the idempotency record (null without one). */
  response: unknown;
  idempotency_expires_at: string;
}

// One statement for one row or a hundred: the rows arrive as one JSONB array and every table is
// filled from it; audit ids follow creation time. The approval, review-case and idempotency
// inserts are left out of the statement when no row of the batch needs them (most batches):
// an INSERT of no rows still costs PostgreSQL its setup.
const RECORDSET = `x AS (
   SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
     id text, agent_id uuid, policy_version int, action text, intent text, customer_id text, amount numeric, currency text,
     channel text, confidence double precision, conversation_id text, request jsonb, decision "DecisionKind", status "DecisionStatus",
     authority text, tier text, owner text, reasons jsonb, reason_codes text[], action_digest text, review_sampled boolean,
     counts_to_limits boolean, created_at timestamptz, ${prefixedAuditColumns("audit_")},
     approvals_required int, approval_roles "Role"[], approval_expires_at timestamptz, review_id text, review_source "ReviewSource",
     review_reason text, idempotency_key text, request_hash text, response jsonb, idempotency_expires_at timestamptz)
 )`;

const DECISIONS = `d AS (
   INSERT INTO decisions (id, agent_id, policy_version_id, policy_version, action, intent, customer_id, amount, currency, channel,
     confidence, conversation_id, request, decision, status, authority, tier, owner, reasons, reason_codes, action_digest,
     review_sampled, counts_to_limits, created_at, updated_at)
   SELECT x.id, x.agent_id, pv.id, x.policy_version, x.action, x.intent, x.customer_id, x.amount, x.currency, x.channel,
     x.confidence, x.conversation_id, x.request, x.decision, x.status, x.authority, x.tier, x.owner, x.reasons, x.reason_codes,
     x.action_digest, x.review_sampled, x.counts_to_limits, x.created_at, x.created_at
     FROM x LEFT JOIN policy_versions pv ON pv.version = x.policy_version
 ), a AS (
   ${auditInsertFromColumns("x", "audit_", "x", "x.created_at, x.id")}
 )`;

const APPROVALS = `ap AS (
   INSERT INTO approvals (id, decision_id, required, roles, status, expires_at, created_at)
   SELECT gen_random_uuid(), x.id, x.approvals_required, x.approval_roles, 'pending', x.approval_expires_at, x.created_at FROM x WHERE x.approvals_required > 0
 )`;

const REVIEW_CASES = `rc AS (
   INSERT INTO review_cases (id, source, reason, decision_id, agent_id, action, tier, conversation_id, labels, created_at, updated_at)
   SELECT x.review_id, x.review_source, x.review_reason, x.id, x.agent_id, x.action, x.tier, x.conversation_id, '{}', x.created_at, x.created_at
     FROM x WHERE x.review_source IS NOT NULL
 )`;

const IDEMPOTENCY = `ir AS (
   INSERT INTO idempotency_records (agent_id, key, request_hash, decision_id, response_status, response_body, created_at, expires_at)
   SELECT x.agent_id, x.idempotency_key, x.request_hash, x.id, 201, x.response, x.created_at, x.idempotency_expires_at
     FROM x WHERE x.idempotency_key IS NOT NULL
 )`;

/** The statement for a batch with these kinds of rows, as a named (prepared once per connection) query. */
function statementFor(rows: readonly DecisionRow[]): { name: string; text: string } {
  const approvals = rows.some((row) => row.approvals_required > 0);
  const reviews = rows.some((row) => row.review_source !== null);
  const idempotency = rows.some((row) => row.idempotency_key !== null);
  const parts = [RECORDSET, DECISIONS, approvals && APPROVALS, reviews && REVIEW_CASES, idempotency && IDEMPOTENCY].filter(Boolean);
  return { name: `mandate_insert_decisions_${Number(approvals)}${Number(reviews)}${Number(idempotency)}`, text: `WITH ${parts.join(", ")} SELECT 1` };
}

// The limited lane's insert, SQL-prepared before its transaction begins, so with every optional
// table: which ones a batch needs is known only once its rows are decided, inside the transaction.
const SQL_INSERT_LIMITED: SqlStatement = {
  name: "mandate_sql_insert_limited",
  types: ["jsonb"],
  text: `WITH ${[RECORDSET, DECISIONS, APPROVALS, REVIEW_CASES].join(", ")} SELECT 1`,
};

/** Writes decision rows with one statement on the caller's connection (inside its transaction, if any). */
export async function insertDecisionRows(client: pg.Pool | pg.PoolClient, rows: readonly DecisionRow[]): Promise<void> {
  await client.query({ ...statementFor(rows), values: [JSON.stringify(rows)] });
}

/**
 * A decision whose result depends on how much of its limits is used: the writer counts that
 * usage under the scopes' locks, inside the transaction that writes the row, and `decide` turns
 * it into the row to write.
 */
export interface LimitedWrite extends LimitedRequest {
  decide(usage: Record<string, LimitUsage>): DecisionRow;
}

/**
 * Group commit for decisions. Plain rows (no limits to count) are written at once when no plain
 * write is under way (`maxInFlight`, 1 by default); while one is, the rows that arrive queue and go
 * together in the next write, one statement and one commit for all of them. Under light load every
 * decision is written alone, with no added wait; under heavy load a commit carries many.
 *
 * Decisions under limits queue in a lane of their own (so plain rows never wait behind them): a
 * batch of them is written in one transaction of two round trips: the first begins it, locks
 * every scope the batch counts under and counts their usage; node decides each row in arrival
 * order (adding the batch's earlier allowed rows to the count); the second inserts and commits.
 * Concurrent requests cannot slip under a limit together, in this process or another. That commit
 * also carries the plain rows queued behind the plain write in flight, which saves them a commit
 * of their own (at 1,000/s: fewer commits, 5–20% less PostgreSQL CPU a decision; docs/benchmarks-journal.md,
 * 2026-11-22).
 *
 * Every caller hears only after its own row committed: durability is unchanged. A batch that
 * fails is retried row by row, so one bad row cannot fail its neighbours.
 */
export class DecisionWriter {
  private readonly plain: Batcher<DecisionRow, void>;
  private readonly limited: Batcher<LimitedWrite, DecisionRow>;
  private readonly maxBatch: number;
  /** Plain rows a limited commit carried that it failed to write: they go in a plain batch of their own. */
  private readonly notCarried = new WeakSet<DecisionRow>();
  private carried = 0;

  constructor(
    private readonly pool: pg.Pool,
    /**
     * maxInFlight: plain writes under way at once (default 1). One at a time makes larger batches
     * and less CPU per decision, and measured better at full load and at 1,000/s than two
     * (docs/benchmarks-journal.md, 2026-11-21 night); the cost is that a slow statement delays the rows behind it.
     */
    options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    const maxBatch = (this.maxBatch = options.maxBatch ?? 100);
    this.plain = new Batcher((rows) => insertDecisionRows(this.pool, rows).then(() => rows.map(() => undefined)), { maxInFlight: options.maxInFlight ?? 1, maxBatch });
    // One batch at a time: its batches would mostly wait on each other's locks anyway (every refund
    // of an agent counts under that agent's scope), so the next batch gathers everything that
    // arrived meanwhile instead. (Measured: two at once, or the next one starting as soon as the
    // first has counted, make smaller batches and do worse; docs/benchmarks-journal.md.)
    this.limited = new Batcher((writes) => this.writeLocked(writes), { maxInFlight: 1, maxBatch });
  }

  /**
   * Write statements run and rows they carried (a batch retried row by row counts its retries
   * too), the largest batch, the rows decided under limits, and the plain rows a limited commit
   * carried.
   */
  get stats() {
    const [plain, limited] = [this.plain.stats, this.limited.stats];
    return {
      statements: plain.batches + limited.batches,
      rows: plain.items + limited.items + this.carried,
      largest: Math.max(plain.largest, limited.largest),
      limited: limited.items,
      carried: this.carried,
    };
  }

  /** Writes a decided row; resolves once it is committed. */
  write(row: DecisionRow): Promise<void> {
    return this.plain.submit(row);
  }

  /** Decides a limited request under its scopes' locks and writes it; resolves with the row once committed. */
  writeLimited(limited: LimitedWrite): Promise<DecisionRow> {
    return this.limited.submit(limited);
  }

  /** Resolves once every row handed in so far is written or refused (for a clean shutdown). */
  async drain(): Promise<void> {
    while (!this.plain.idle || !this.limited.idle) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private async writeLocked(writes: LimitedWrite[], carry = true): Promise<DecisionRow[]> {
    const client = await this.pool.connect();
    let carried: Entry<DecisionRow, void>[] = [];
    try {
      await ensurePrepared(client, [SQL_LOCK_SCOPES, SQL_COUNT_USAGE, SQL_INSERT_LIMITED]);
      const counted = await beginLockAndCount(client, writes);
      const rows: DecisionRow[] = [];
      writes.forEach((write, i) => rows.push(write.decide(withBatchUsage(counted[i]!, write, rows))));
      // Plain rows waiting behind the plain write in flight ride along in this commit: they need no
      // lock and would otherwise wait for that write, then pay a commit of their own.
      if (carry) carried = this.plain.take(this.maxBatch - rows.length, (row) => row.idempotency_key === null && !this.notCarried.has(row));
      const all = carried.length > 0 ? [...rows, ...carried.map((entry) => entry.item)] : rows;
      await simpleQuery(client, [execute(SQL_INSERT_LIMITED, [literal(JSON.stringify(all), "jsonb")]), "COMMIT"]);
      this.carried += carried.length;
      for (const entry of carried) entry.resolve();
      return rows;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (carried.length === 0) throw error;
    } finally {
      client.release();
    }
    // Nothing was written, and a carried row may be why: the carried rows go back for a plain batch
    // of their own (which finds a bad one among them) and are not carried again, and this batch
    // is decided and written anew, alone, so a bad plain row cannot fail a limited one.
    for (const entry of carried) this.notCarried.add(entry.item);
    this.plain.giveBack(carried);
    return this.writeLocked(writes, false);
  }
}
