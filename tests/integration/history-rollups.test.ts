import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../lib/audit/actor";
import { seedDemo } from "../../lib/demo/seed-demo";
import { rebuildRollups, refreshRollups, ROLLUP_LOCK_KEY, ROLLUP_TABLES, startRollupRefresher } from "../../lib/history/rollups";
import { seedHistory } from "../../lib/history/seed-history";
import { createTestDatabase, type TestDatabase } from "./database";

// Decision rollups are incremented from the audit log, each decision exactly once, whenever and in
// whatever order it commits; the other rollups are re-aggregated from the raw tables. Refreshing
// twice changes nothing; a rebuild recomputes what the increments built.

const HOUR = 3_600_000;
let t: TestDatabase;
let pool: pg.Pool;
let agentId: string;
let historyStart: Date;

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ROLLUP_TABLES) {
    const { rows } = await pool.query(`SELECT * FROM ${table} r ORDER BY r::text`);
    out[table] = rows.map((r) => ({ ...r, bucket: (r.bucket as Date).toISOString() }));
  }
  return out;
}

/** A decision as the API writes one: the row and its `decision.create` audit entry, in one transaction. */
async function insertDecision(client: pg.Pool | pg.PoolClient, createdAt: Date, action = "return.label"): Promise<string> {
  const id = `dec_test_${randomUUID()}`;
  await client.query(
    `WITH d AS (
       INSERT INTO decisions (id, agent_id, action, request, decision, status, tier, reasons, reason_codes, action_digest, counts_to_limits, created_at, updated_at)
       VALUES ($1, $2::uuid, $3, '{}', 'allow', 'allowed', 'low', '[]', '{allowed}', 'sha256:test', true, $4, $4) RETURNING id
     )
     INSERT INTO audit_entries (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, hash)
     SELECT $4, 'agent', $2, 'chat-assistant', 'decision.create', 'decision', d.id, '{}', 'sha256:test' FROM d`,
    [id, agentId, action, createdAt],
  );
  return id;
}

/** Runs `run` on one connection of the pool (a transaction left open across rounds needs one). */
async function withClient(run: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await run(client);
  } finally {
    client.release();
  }
}

/** Two rounds: the first counts what committed, the second must add nothing to it. */
async function refreshTwice(from: Date): Promise<void> {
  await refreshRollups(pool, { from });
  await refreshRollups(pool, { from });
}

async function rolledUp(hour: Date, action = "return.label"): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM decision_rollups WHERE bucket = $1 AND action = $2 AND agent_id = $3::uuid`, [hour, action, agentId]);
  return rows[0]!.n;
}

const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / HOUR) * HOUR);

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 4 });
  await seedDemo(t.db, SYSTEM_ACTOR);
  // The history ends two hours ago, so the hours around now hold only what the tests insert.
  const summary = await seedHistory(pool, SYSTEM_ACTOR, { decisions: 3_000, days: 7, agents: 2, end: new Date(Date.now() - 2 * HOUR) });
  historyStart = new Date(summary.from);
  agentId = (await pool.query<{ id: string }>(`SELECT id::text AS id FROM agents WHERE name = 'chat-assistant'`)).rows[0]!.id;
});

afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("dashboard rollups", () => {
  it("match the raw tables after the bulk load", async () => {
    const [raw] = await t.query<{ decisions: number; approvals: number; outcomes: number; reviews: number; closed: number }>(
      `SELECT (SELECT count(*) FROM decisions)::int AS decisions, (SELECT count(*) FROM approvals WHERE status <> 'pending')::int AS approvals,
              (SELECT count(*) FROM outcomes)::int AS outcomes, (SELECT count(*) FROM review_cases)::int AS reviews,
              (SELECT count(*) FROM review_cases WHERE status IN ('resolved', 'dismissed'))::int AS closed`,
    );
    const [rolled] = await t.query<{ decisions: number; approvals: number; outcomes: number; reviews: number; closed: number }>(
      `SELECT (SELECT sum(count) FROM decision_rollups)::int AS decisions, (SELECT sum(count) FROM approval_rollups)::int AS approvals,
              (SELECT sum(count) FROM outcome_rollups)::int AS outcomes, (SELECT sum(count) FROM review_rollups WHERE event = 'opened')::int AS reviews,
              (SELECT sum(count) FROM review_rollups WHERE event <> 'opened')::int AS closed`,
    );
    expect(rolled).toEqual(raw);
    expect(raw!.decisions).toBe(3_000);
  });

  it("keep each daily rollup equal to the sum of its hours", async () => {
    for (const table of ["decision_rollups", "outcome_rollups", "approval_rollups", "review_rollups"]) {
      const daily = table.replace("_rollups", "_daily_rollups");
      const [diff] = await t.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           (SELECT date_trunc('day', bucket, 'UTC') AS day, action, agent_id, tier, sum(count) AS c FROM ${table} GROUP BY 1, 2, 3, 4
            EXCEPT SELECT bucket, action, agent_id, tier, sum(count) FROM ${daily} GROUP BY 1, 2, 3, 4)
           UNION ALL
           (SELECT bucket, action, agent_id, tier, sum(count) FROM ${daily} GROUP BY 1, 2, 3, 4
            EXCEPT SELECT date_trunc('day', bucket, 'UTC'), action, agent_id, tier, sum(count) FROM ${table} GROUP BY 1, 2, 3, 4)) x`,
      );
      expect(diff!.n, table).toBe(0);
    }
  });

  it("are idempotent: refreshing or rebuilding again writes nothing and changes nothing", async () => {
    const before = await snapshot();
    const again = await refreshRollups(pool, { from: historyStart, wait: true });
    expect(again.refreshed).toBe(true);
    expect(Object.values(again.written).every((n) => n === 0)).toBe(true);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
    expect(await snapshot()).toEqual(before);
    await rebuildRollups(pool);
    expect(await snapshot()).toEqual(before);
  });

  it("pick up a decision that commits after a refresh already ran over its hour", async () => {
    const now = new Date();
    await refreshRollups(pool, { from: new Date(now.getTime() - 15 * 60_000) });
    const counted = await rolledUp(hourOf(now));

    // A slow request: its decision is stamped now but commits after the next refresh.
    await withClient(async (slow) => {
      await slow.query("BEGIN");
      await insertDecision(slow, now);
      await refreshRollups(pool, { from: new Date(now.getTime() - 15 * 60_000) });
      expect(await rolledUp(hourOf(now))).toBe(counted);
      await slow.query("COMMIT");
    });
    await refreshRollups(pool, { from: new Date(Date.now() - 15 * 60_000) });
    expect(await rolledUp(hourOf(now))).toBe(counted + 1);
  });

  it("count a late commit with an old timestamp in the next round, not a wide one", async () => {
    const old = new Date(Date.now() - 150 * 60_000);
    const before = await rolledUp(hourOf(old), "inventory.adjust");
    await insertDecision(pool, old, "inventory.adjust");
    const round = await refreshRollups(pool, { from: new Date(Date.now() - 15 * 60_000) });
    expect(round.counted).toBe(1);
    expect(await rolledUp(hourOf(old), "inventory.adjust")).toBe(before + 1);
  });

  it("count a decision whose transaction stays open across several rounds exactly once", async () => {
    const now = new Date();
    const before = await rolledUp(hourOf(now), "order.status");
    await withClient(async (slow) => {
      await slow.query("BEGIN");
      await insertDecision(slow, now, "order.status");
      // Rounds while it is open, with other decisions committing around it.
      for (let i = 0; i < 3; i++) {
        await insertDecision(pool, now, "order.status");
        await refreshRollups(pool, { from: now });
      }
      expect(await rolledUp(hourOf(now), "order.status")).toBe(before + 3);
      await slow.query("COMMIT");
    });
    await refreshTwice(now);
    expect(await rolledUp(hourOf(now), "order.status")).toBe(before + 4);
  });

  it("count a decision in a released savepoint once, and none from a rolled-back savepoint or transaction", async () => {
    const now = new Date();
    const before = await rolledUp(hourOf(now), "order.hold");
    await withClient(async (client) => {
      await client.query("BEGIN");
      await client.query("SAVEPOINT kept");
      await insertDecision(client, now, "order.hold");
      await client.query("RELEASE SAVEPOINT kept");
      await client.query("SAVEPOINT dropped");
      await insertDecision(client, now, "order.hold");
      await client.query("ROLLBACK TO SAVEPOINT dropped");
      await refreshRollups(pool, { from: now });
      await client.query("COMMIT");
      await client.query("BEGIN");
      await insertDecision(client, now, "order.hold");
      await refreshRollups(pool, { from: now });
      await client.query("ROLLBACK");
    });
    await refreshTwice(now);
    expect(await rolledUp(hourOf(now), "order.hold")).toBe(before + 1);
  });

  it("keep the daily review rollup right for a case committed long after it was stamped", async () => {
    const old = new Date(Date.now() - 3 * 24 * HOUR);
    const day = new Date(Math.floor(old.getTime() / (24 * HOUR)) * 24 * HOUR);
    const daily = async () =>
      (await t.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM review_daily_rollups WHERE bucket = $1 AND event = 'opened' AND action = 'case.late'`, [day]))[0]!.n;
    await pool.query(`INSERT INTO review_cases (id, source, reason, action, labels, created_at, updated_at) VALUES ($1, 'agent', 'late', 'case.late', '{}', $2, $2)`, [randomUUID(), old]);
    await refreshRollups(pool, { from: new Date(Date.now() - 15 * 60_000) });
    expect(await daily()).toBe(1);
  });

  it("count an opened review case once, even one whose transaction stays open across rounds, and re-aggregate its closing", async () => {
    const now = new Date();
    const count = async (event: string) =>
      (await t.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM review_rollups WHERE bucket = $1 AND event = $2 AND action = 'case.test'`, [hourOf(now), event]))[0]!.n;
    const openCase = (client: pg.Pool | pg.PoolClient) =>
      client.query<{ id: string }>(
        `INSERT INTO review_cases (id, source, reason, action, tier, labels, created_at, updated_at)
         VALUES ($1, 'agent', 'test', 'case.test', 'low', '{}', $2, $2) RETURNING id`,
        [randomUUID(), now],
      );
    await withClient(async (slow) => {
      await slow.query("BEGIN");
      await openCase(slow);
      await openCase(pool);
      await refreshTwice(now);
      expect(await count("opened")).toBe(1);
      await slow.query("COMMIT");
    });
    const { rows } = await openCase(pool);
    await refreshTwice(now);
    expect(await count("opened")).toBe(3);
    await pool.query(`UPDATE review_cases SET status = 'resolved', resolved_at = $2, resolution = 'ok' WHERE id = $1`, [rows[0]!.id, now]);
    await refreshRollups(pool, { from: now });
    expect([await count("opened"), await count("resolved")]).toEqual([3, 1]);
    await pool.query(`UPDATE review_cases SET status = 'open', resolved_at = NULL WHERE id = $1`, [rows[0]!.id]);
    await refreshRollups(pool, { from: now });
    expect([await count("opened"), await count("resolved")]).toEqual([3, 0]);
  });

  it("count every decision once while decisions commit and two processes refresh at the same time", async () => {
    const other = new pg.Pool({ connectionString: t.url, max: 2 });
    try {
      const now = new Date();
      const before = await rolledUp(hourOf(now), "billing.adjust");
      let writing = true;
      const rounds = (p: pg.Pool) =>
        (async () => {
          let n = 0;
          while (writing) n += (await refreshRollups(p, { from: now })).refreshed ? 1 : 0;
          return n;
        })();
      const refreshers = [rounds(pool), rounds(other)];
      for (let i = 0; i < 30; i++) await Promise.all(Array.from({ length: 20 }, () => insertDecision(pool, now, "billing.adjust")));
      writing = false;
      const done = await Promise.all(refreshers);
      expect(done[0]! + done[1]!).toBeGreaterThan(2);
      await refreshRollups(pool, { from: now, wait: true });
      expect(await rolledUp(hourOf(now), "billing.adjust")).toBe(before + 600);
      const day = new Date(Math.floor(now.getTime() / (24 * HOUR)) * 24 * HOUR);
      const [sums] = await t.query<{ daily: number; hourly: number }>(
        `SELECT (SELECT coalesce(sum(count), 0) FROM decision_daily_rollups WHERE bucket = $1 AND action = 'billing.adjust' AND agent_id = $2::uuid)::int AS daily,
                (SELECT coalesce(sum(count), 0) FROM decision_rollups WHERE bucket >= $1 AND bucket < $1::timestamptz + interval '1 day' AND action = 'billing.adjust' AND agent_id = $2::uuid)::int AS hourly`,
        [day, agentId],
      );
      expect(sums!.daily).toBe(sums!.hourly);
    } finally {
      await other.end();
    }
  });

  it("keep counted decisions when their rows are pruned, until a rebuild recomputes from what is left", async () => {
    const at = new Date(Date.now() - 20 * 60_000);
    const id = await insertDecision(pool, at, "order.lookup");
    await refreshRollups(pool, { from: new Date(Date.now() - HOUR) });
    expect(await rolledUp(hourOf(at), "order.lookup")).toBe(1);
    await pool.query(`DELETE FROM decisions WHERE id = $1`, [id]);
    await refreshRollups(pool, { from: new Date(Date.now() - HOUR) });
    expect(await rolledUp(hourOf(at), "order.lookup")).toBe(1);
    const rebuilt = await rebuildRollups(pool);
    expect(rebuilt.rebuilt).toBe(true);
    expect(rebuilt.deleted.decision_rollups).toBe(1);
    expect(await rolledUp(hourOf(at), "order.lookup")).toBe(0);
  });

  it("drop a re-aggregated key whose rows are gone", async () => {
    const at = new Date(Date.now() - 20 * 60_000);
    const decisionId = await insertDecision(pool, at, "order.refund");
    await pool.query(`INSERT INTO outcomes (id, decision_id, status, created_at) VALUES ($1, $2, 'executed', $3)`, [randomUUID(), decisionId, at]);
    const outcomes = async () =>
      (await t.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM outcome_rollups WHERE bucket = $1 AND action = 'order.refund'`, [hourOf(at)]))[0]!.n;
    await refreshRollups(pool, { from: new Date(Date.now() - HOUR) });
    expect(await outcomes()).toBe(1);
    await pool.query(`DELETE FROM outcomes WHERE decision_id = $1`, [decisionId]);
    const result = await refreshRollups(pool, { from: new Date(Date.now() - HOUR) });
    expect(result.deleted.outcome_rollups).toBe(1);
    expect(await outcomes()).toBe(0);
  });

  it("skip a round while another process holds the refresher lock, and wait for it when asked", async () => {
    await withClient(async (other) => {
      await other.query("BEGIN");
      await other.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [ROLLUP_LOCK_KEY]);
      expect((await refreshRollups(pool, { from: new Date(Date.now() - HOUR) })).refreshed).toBe(false);
      const waiting = refreshRollups(pool, { from: new Date(Date.now() - HOUR), wait: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.query("COMMIT");
      expect((await waiting).refreshed).toBe(true);
    });
  });

  it("are kept current by the background refresher", async () => {
    const refresher = startRollupRefresher(pool, { intervalMs: 50 });
    try {
      const now = new Date();
      const before = await rolledUp(hourOf(now), "shipment.reroute");
      await insertDecision(pool, now, "shipment.reroute");
      await expect.poll(() => rolledUp(hourOf(now), "shipment.reroute"), { timeout: 5_000 }).toBe(before + 1);
    } finally {
      await refresher.stop();
    }
  });
});
