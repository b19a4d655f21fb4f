import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SYSTEM_ACTOR, type Actor } from "../../lib/audit/actor";
import { startAuditSealer } from "../../lib/audit/audit-sealer";
import { hashAuditContent, recordAudit } from "../../lib/audit/record-audit";
import { AUDIT_SEAL_LOCK_KEY, sealAuditLog, type AuditSealResult } from "../../lib/audit/seal-audit-log";
import { GENESIS_SEAL_HASH, hashSeal } from "../../lib/audit/seal-hash";
import { formatAuditVerification, verifyAuditChain, type AuditVerification } from "../../lib/audit/verify-audit-chain";
import { createPrismaClient, type Db } from "../../lib/db/prisma";
import { createTestDatabase, type TestDatabase } from "./database";

const agent: Actor = { type: "agent", id: "7f1c0d3e-0000-4000-8000-000000000001", label: "refund-bot" };

/** `count` transactions; every third writes a second entry, as a decision and its notification would. */
async function writeEntries(db: Db, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await db.$transaction(async (tx) => {
      const subjectId = `${prefix}-${i}`;
      await recordAudit(tx, agent, { action: "decision.allow", subjectType: "decision", subjectId, data: { amount: "42.50", note: `refund ${i}` } });
      if (i % 3 === 0) await recordAudit(tx, SYSTEM_ACTOR, { action: "decision.notified", subjectType: "decision", subjectId });
    });
  }
}

async function unsealedCount(db: Db): Promise<number> {
  const last = await db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { toTxid: true } });
  return db.auditEntry.count({ where: { txid: { gte: last?.toTxid ?? 0n } } });
}

// Another test file's open transaction on the shared server can hold the horizon back for a moment.
async function sealEverything(db: Db): Promise<void> {
  await vi.waitFor(
    async () => {
      await sealAuditLog(db);
      expect(await unsealedCount(db)).toBe(0);
    },
    { timeout: 15_000, interval: 25 },
  );
}

/** Verifies with the default batch size and with a tiny one, which must agree, so paging is exercised everywhere. */
async function verify(db: Db): Promise<AuditVerification> {
  const result = await verifyAuditChain(db);
  expect(await verifyAuditChain(db, { batchSize: 2 })).toEqual(result);
  return result;
}

/** Changes history the way an attacker with the database superuser would: past the append-only trigger. */
async function tamper(t: TestDatabase, table: "audit_entries" | "audit_seals", sql: string, params: unknown[] = []): Promise<void> {
  await t.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
  try {
    await t.query(sql, params);
  } finally {
    await t.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
  }
}

async function sealOf(t: TestDatabase, entryId: string): Promise<number> {
  const rows = await t.query<{ id: number }>(
    "SELECT s.id FROM audit_seals s JOIN audit_entries e ON e.txid >= s.from_txid AND e.txid < s.to_txid WHERE e.id = $1",
    [entryId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

async function entryId(t: TestDatabase, subjectId: string): Promise<string> {
  const [row] = await t.query<{ id: string }>("SELECT id::text FROM audit_entries WHERE subject_id = $1 AND action = 'decision.allow'", [subjectId]);
  return row!.id;
}

async function entriesOfSeal(t: TestDatabase, sealId: number): Promise<string[]> {
  const rows = await t.query<{ id: string }>(
    "SELECT e.id::text FROM audit_entries e JOIN audit_seals s ON e.txid >= s.from_txid AND e.txid < s.to_txid WHERE s.id = $1 ORDER BY e.id",
    [sealId],
  );
  return rows.map((r) => r.id);
}

async function sealIds(t: TestDatabase): Promise<number[]> {
  return (await t.query<{ id: number }>("SELECT id FROM audit_seals ORDER BY id")).map((r) => r.id);
}

describe("a sealed audit log", () => {
  let t: TestDatabase;
  // 18 entries sealed in three rounds (one or more seals each), then 3 written after the last seal.
  beforeEach(async () => {
    t = await createTestDatabase();
    for (const prefix of ["a", "b", "c"]) {
      await writeEntries(t.db, 4, prefix);
      await sealEverything(t.db);
    }
    await writeEntries(t.db, 2, "d");
  });
  afterEach(async () => t.drop());

  it("verifies, counting sealed entries, seals and the entries still waiting for a seal", async () => {
    const seals = await t.db.auditSeal.findMany({ orderBy: { id: "asc" } });
    expect(seals.length).toBeGreaterThanOrEqual(3);
    expect(seals[0]?.prevHash).toBe(GENESIS_SEAL_HASH);
    expect(seals.reduce((sum, s) => sum + s.entryCount, 0)).toBe(18);

    const result = await verify(t.db);
    const oldest = await t.db.auditEntry.findFirstOrThrow({ where: { subjectId: "d-0" }, orderBy: { id: "asc" } });
    expect(result).toEqual({
      ok: true,
      entriesChecked: 21,
      sealsChecked: seals.length,
      unsealedEntries: 3,
      oldestUnsealedAt: oldest.occurredAt.toISOString(),
      failure: null,
      flags: [],
      gaps: [],
      head: { sealId: seals[seals.length - 1]!.id, hash: seals[seals.length - 1]!.hash },
    });
    expect(formatAuditVerification(result, new Date(oldest.occurredAt.getTime() + 800)).split("\n")[0]).toBe(
      `Audit log verified: 18 entries in ${seals.length} seals, 3 entries awaiting their seal (oldest 0.8 s).`,
    );

    await sealEverything(t.db);
    expect(formatAuditVerification(await verify(t.db))).toMatch(/^Audit log verified: 21 entries in \d+ seals, all sealed\.\nHead: seal \d+ [0-9a-f]{64}/);
  });

  it("is append-only in the database itself", async () => {
    await expect(t.query("UPDATE audit_entries SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.query("DELETE FROM audit_entries")).rejects.toThrow(/append-only/);
    await expect(t.query("DELETE FROM audit_seals")).rejects.toThrow(/append-only/);
  });

  it("names exactly the entry in which one byte was altered", async () => {
    const altered = await entryId(t, "b-1");
    await tamper(t, "audit_entries", `UPDATE audit_entries SET data = jsonb_set(data, '{amount}', '"42.60"') WHERE id = $1`, [altered]);

    const result = await verify(t.db);
    expect(result.failure).toEqual({
      kind: "entry_hash",
      entryId: altered,
      sealId: await sealOf(t, altered),
      message: `Entry ${altered} no longer matches its hash: its content was altered after it was written.`,
    });
    expect(result.ok).toBe(false);
    expect(formatAuditVerification(result)).toBe(`Audit log FAILED verification: ${result.failure?.message}`);
  });

  it("names an altered entry that is not sealed yet", async () => {
    const altered = await entryId(t, "d-1");
    await tamper(t, "audit_entries", "UPDATE audit_entries SET actor_label = 'refund-bot2' WHERE id = $1", [altered]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "entry_hash", entryId: altered });
  });

  it("catches an altered entry whose hash the attacker recomputed, at its seal", async () => {
    const altered = await entryId(t, "b-1");
    await tamper(t, "audit_entries", `UPDATE audit_entries SET data = jsonb_set(data, '{amount}', '"42.60"') WHERE id = $1`, [altered]);
    const row = await t.db.auditEntry.findUniqueOrThrow({ where: { id: BigInt(altered) } });
    const forgedHash = hashAuditContent({
      occurredAt: row.occurredAt.toISOString(),
      actorType: row.actorType,
      actorId: row.actorId,
      actorLabel: row.actorLabel,
      action: row.action,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      data: row.data,
      nonce: row.nonce,
    });
    await tamper(t, "audit_entries", "UPDATE audit_entries SET hash = $2 WHERE id = $1", [altered, forgedHash]);

    // Its MAC, made with a key the database does not hold, no longer matches the new hash.
    const failure = (await verify(t.db)).failure;
    expect(failure).toMatchObject({ kind: "entry_mac", entryId: altered, sealId: await sealOf(t, altered) });
    expect(failure?.message).toMatch(/altered and re-hashed/);
  });

  it("catches a deleted sealed entry at its seal", async () => {
    const deleted = await entryId(t, "b-2");
    const sealId = await sealOf(t, deleted);
    await tamper(t, "audit_entries", "DELETE FROM audit_entries WHERE id = $1", [deleted]);

    const failure = (await verify(t.db)).failure;
    expect(failure).toMatchObject({ kind: "seal_digest", sealId });
    expect(failure?.message).toMatch(/^Seal \d+ \(transactions \d+ to \d+\) sealed \d+ entries but \d+ remain: an entry was deleted/);
  });

  it("catches the tail of a sealed range cut off", async () => {
    const [sealId] = (await t.query<{ id: number }>("SELECT id FROM audit_seals WHERE entry_count >= 2 ORDER BY id DESC LIMIT 1")).map((r) => r.id);
    const tail = (await entriesOfSeal(t, sealId!)).slice(-2);
    await tamper(t, "audit_entries", "DELETE FROM audit_entries WHERE id = ANY($1::bigint[])", [tail]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_digest", sealId });
  });

  it("catches two entries of one seal swapped", async () => {
    const [sealId] = (await t.query<{ id: number }>("SELECT id FROM audit_seals WHERE entry_count >= 2 ORDER BY id LIMIT 1")).map((r) => r.id);
    const [first, second] = await entriesOfSeal(t, sealId!);
    await tamper(t, "audit_entries", "UPDATE audit_entries SET id = -id WHERE id = $1", [first]);
    await tamper(t, "audit_entries", "UPDATE audit_entries SET id = $1 WHERE id = $2", [first, second]);
    await tamper(t, "audit_entries", "UPDATE audit_entries SET id = $1 WHERE id = -$2::bigint", [second, first]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_digest", sealId });
  });

  it("catches two entries moved between seals by swapping their transaction ids", async () => {
    const seals = await sealIds(t);
    const [early] = await entriesOfSeal(t, seals[0]!);
    const [late] = await entriesOfSeal(t, seals[seals.length - 1]!);
    await tamper(t, "audit_entries", "UPDATE audit_entries e SET txid = o.txid FROM audit_entries o WHERE (e.id, o.id) IN (($1, $2), ($2, $1))", [
      early,
      late,
    ]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_digest", sealId: seals[0] });
  });

  it("catches an entry slipped into a sealed range with a forged transaction id", async () => {
    const [sealed] = await t.query<{ txid: string; id: string }>("SELECT txid::text, id::text FROM audit_entries ORDER BY id LIMIT 1");
    const at = new Date();
    const content = {
      occurredAt: at.toISOString(),
      actorType: "system",
      actorId: null,
      actorLabel: "system",
      action: "policy.publish",
      subjectType: "policy",
      subjectId: "1",
      data: {},
    };
    await t.query(
      `INSERT INTO audit_entries (txid, occurred_at, actor_type, actor_label, action, subject_type, subject_id, data, hash)
       VALUES ($1, $2, 'system', 'system', 'policy.publish', 'policy', '1', '{}', $3)`,
      [sealed!.txid, at, hashAuditContent(content)],
    );
    const failure = (await verify(t.db)).failure;
    expect(failure).toMatchObject({ kind: "seal_digest", sealId: await sealOf(t, sealed!.id) });
    expect(failure?.message).toMatch(/an entry was inserted/);
  });

  it("catches an entry forged below every seal's range", async () => {
    const at = new Date();
    const [forged] = await t.query<{ id: string }>(
      `INSERT INTO audit_entries (txid, occurred_at, actor_type, actor_label, action, subject_type, data, hash)
       VALUES (-1, $1, 'system', 'system', 'user.create', 'user', '{}', $2) RETURNING id::text`,
      [
        at,
        hashAuditContent({ occurredAt: at.toISOString(), actorType: "system", actorId: null, actorLabel: "system", action: "user.create", subjectType: "user", subjectId: null, data: {} }),
      ],
    );
    expect((await verify(t.db)).failure).toMatchObject({ kind: "uncovered_entry", entryId: forged!.id });
  });

  it("catches a seal whose link to the previous seal was altered, even with its own hash recomputed", async () => {
    const [, second] = await t.db.auditSeal.findMany({ orderBy: { id: "asc" } });
    const forgedPrev = "f".repeat(64);
    await tamper(t, "audit_seals", "UPDATE audit_seals SET prev_hash = $2 WHERE id = $1", [second!.id, forgedPrev]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_chain", sealId: second!.id });

    await tamper(t, "audit_seals", "UPDATE audit_seals SET hash = $2 WHERE id = $1", [second!.id, hashSeal({ ...second!, prevHash: forgedPrev })]);
    const failure = (await verify(t.db)).failure;
    expect(failure).toMatchObject({ kind: "seal_chain", sealId: second!.id });
    expect(failure?.message).toMatch(/does not link to seal/);
  });

  it("catches a seal whose recorded entry count was altered", async () => {
    const [, second] = await sealIds(t);
    await tamper(t, "audit_seals", "UPDATE audit_seals SET entry_count = entry_count - 1 WHERE id = $1", [second]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_hash", sealId: second });
  });

  it("catches a removed seal, first or in the middle", async () => {
    const [first, second, third] = await sealIds(t);
    await tamper(t, "audit_seals", "DELETE FROM audit_seals WHERE id = $1", [second]);
    const failure = (await verify(t.db)).failure;
    expect(failure).toMatchObject({ kind: "seal_chain", sealId: third });
    expect(failure?.message).toMatch(new RegExp(`^Seal ${third} starts at transaction \\d+ but seal ${first} ended at \\d+`));

    await tamper(t, "audit_seals", "DELETE FROM audit_seals WHERE id = $1", [first]);
    expect((await verify(t.db)).failure).toMatchObject({ kind: "seal_chain", sealId: third, message: expect.stringMatching(/earlier seals were removed/) });
  });
});

describe("sealing", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it("skips the round while another process holds the sealer lock", async () => {
    await writeEntries(t.db, 2, "lock");
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock($1)", [AUDIT_SEAL_LOCK_KEY]);
      expect(await sealAuditLog(t.db)).toEqual({ sealed: false, entryCount: 0, caughtUp: true });
      await other.query("ROLLBACK");
    } finally {
      await other.end();
    }
    await sealEverything(t.db);
    expect((await verify(t.db)).ok).toBe(true);
  });

  it("does not seal an empty range, and the next seal starts where the last one ended", async () => {
    await sealEverything(t.db);
    const before = await t.db.auditSeal.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect((await sealAuditLog(t.db)).sealed).toBe(false);
    await writeEntries(t.db, 1, "after-gap");
    await sealEverything(t.db);
    const next = await t.db.auditSeal.findFirstOrThrow({ where: { id: { gt: before.id } }, orderBy: { id: "asc" } });
    expect(next.fromTxid).toBe(before.toTxid);
    expect(next.prevHash).toBe(before.hash);
  });

  it("caps a seal between transactions and says a backlog remains", async () => {
    await sealEverything(t.db);
    for (let i = 0; i < 6; i += 1) await t.db.$transaction((tx) => recordAudit(tx, agent, { action: "decision.deny", subjectType: "decision", subjectId: `cap-${i}` }));
    await t.db.$transaction(async (tx) => {
      for (let i = 0; i < 5; i += 1) await recordAudit(tx, agent, { action: "decision.deny", subjectType: "decision", subjectId: `big-${i}` });
    });

    const results: AuditSealResult[] = [];
    await vi.waitFor(
      async () => {
        results.push(await sealAuditLog(t.db, { maxEntries: 4 }));
        expect(await unsealedCount(t.db)).toBe(0);
      },
      { timeout: 15_000, interval: 25 },
    );
    expect(results.some((r) => r.sealed && !r.caughtUp)).toBe(true);
    const seals = await t.db.auditSeal.findMany({ where: { id: { gte: results.find((r) => r.sealed)?.sealId } }, orderBy: { id: "asc" } });
    expect(seals.reduce((sum, s) => sum + s.entryCount, 0)).toBe(11);
    // The 5-entry transaction is sealed whole, alone, although it exceeds the cap.
    expect(seals.map((s) => s.entryCount).filter((n) => n > 4)).toEqual([5]);
    const big = await t.db.auditEntry.findFirstOrThrow({ where: { subjectId: "big-0" } });
    expect(seals.find((s) => s.entryCount === 5)).toMatchObject({ fromTxid: big.txid, toTxid: big.txid + 1n });
    expect(await unsealedCount(t.db)).toBe(0);
    expect((await verify(t.db)).ok).toBe(true);
  });

  it("leaves an entry whose transaction is still open for a later seal, and seals it once it commits", async () => {
    await writeEntries(t.db, 2, "before-long");
    await sealEverything(t.db);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let opened!: (txid: bigint) => void;
    const longTxid = new Promise<bigint>((resolve) => (opened = resolve));
    const long = t.db.$transaction(
      async (tx) => {
        await recordAudit(tx, agent, { action: "decision.escalate", subjectType: "decision", subjectId: "long" });
        const [row] = await tx.$queryRaw<{ txid: string }[]>`SELECT pg_current_xact_id()::text AS txid`;
        opened(BigInt(row!.txid));
        await gate;
      },
      { timeout: 30_000 },
    );
    const txid = await longTxid;

    // Committed after the long transaction began, so behind it in txid order.
    await writeEntries(t.db, 2, "during-long");
    await sealAuditLog(t.db);
    const sealedWhileOpen = await t.db.auditSeal.findMany({ orderBy: { id: "asc" } });
    for (const seal of sealedWhileOpen) expect(seal.toTxid <= txid).toBe(true);
    const whileOpen = await verify(t.db);
    expect(whileOpen).toMatchObject({ ok: true, unsealedEntries: 3 });

    release();
    await long;
    await sealEverything(t.db);
    const [cover] = await t.query<{ id: number }>(
      "SELECT s.id FROM audit_seals s JOIN audit_entries e ON e.txid >= s.from_txid AND e.txid < s.to_txid WHERE e.subject_id = 'long'",
    );
    expect(cover!.id).toBeGreaterThan(sealedWhileOpen[sealedWhileOpen.length - 1]!.id);
    expect(await verify(t.db)).toMatchObject({ ok: true, unsealedEntries: 0 });
  });

  it("keeps one valid chain with two server processes writing and sealing at once", async () => {
    const processes = [createPrismaClient(t.url, 8), createPrismaClient(t.url, 8)];
    const errors: unknown[] = [];
    const sealers = processes.map((db) => startAuditSealer(db, { intervalMs: 50, onError: (e) => errors.push(e) }));
    const sealsBefore = await t.db.auditSeal.count();
    const entriesBefore = await t.db.auditEntry.count();
    try {
      // Each process: 200 transactions from 16 concurrent workers, every other one writing two entries = 300 entries.
      await Promise.all(
        processes.map((db, p) =>
          Promise.all(
            Array.from({ length: 16 }, async (_, worker) => {
              for (let i = worker; i < 200; i += 16) {
                await db.$transaction(async (tx) => {
                  await recordAudit(tx, agent, { action: "decision.allow", subjectType: "decision", subjectId: `p${p}-${i}`, data: { i } });
                  if (i % 2 === 0) await recordAudit(tx, SYSTEM_ACTOR, { action: "decision.notified", subjectType: "decision", subjectId: `p${p}-${i}` });
                });
              }
            }),
          ),
        ),
      );
    } finally {
      await Promise.all(sealers.map((s) => s.stop()));
      await Promise.all(processes.map((db) => db.$disconnect()));
    }
    expect(errors).toEqual([]);
    expect((await t.db.auditSeal.count()) - sealsBefore).toBeGreaterThan(1);
    await sealEverything(t.db);

    const entries = await t.db.auditEntry.count();
    expect(entries - entriesBefore).toBe(600);
    const [totals] = await t.query<{ sealed: string; misplaced: string; gaps: string }>(`
      SELECT
        (SELECT sum(entry_count) FROM audit_seals)::text AS sealed,
        (SELECT count(*) FROM audit_entries e
          WHERE (SELECT count(*) FROM audit_seals s WHERE e.txid >= s.from_txid AND e.txid < s.to_txid) <> 1)::text AS misplaced,
        (SELECT count(*) FROM (SELECT from_txid, lag(to_txid, 1, 0::bigint) OVER (ORDER BY id) AS prev_to FROM audit_seals) s
          WHERE from_txid <> prev_to)::text AS gaps`);
    expect(totals).toEqual({ sealed: String(entries), misplaced: "0", gaps: "0" });
    expect(await verify(t.db)).toMatchObject({ ok: true, entriesChecked: entries, unsealedEntries: 0 });
  });
});
