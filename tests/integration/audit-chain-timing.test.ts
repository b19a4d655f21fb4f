import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { startAuditSealer } from "../../lib/audit/audit-sealer";
import { buildAuditRow, recordAudit } from "../../lib/audit/record-audit";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { formatAuditVerification, verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import type { Db } from "../../lib/db/prisma";
import { createTestDatabase, type TestDatabase } from "./database";

// Timings are printed, not asserted: they depend on the machine. What is asserted is that the
// log verifies at this size.

const agent: Actor = { type: "agent", id: "7f1c0d3e-0000-4000-8000-000000000002", label: "refund-bot" };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

async function inWorkers(workers: number, jobs: number, job: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = worker; i < jobs; i += workers) await job(i);
    }),
  );
}

/** `transactions` transactions of `perTransaction` entries each, written as recordAudit would. */
async function writeBulk(db: Db, transactions: number, perTransaction: number, prefix: string): Promise<void> {
  await inWorkers(4, transactions, async (i) => {
    const at = new Date();
    const data = Array.from({ length: perTransaction }, (_, j) => {
      const row = buildAuditRow(agent, { action: "decision.allow", subjectType: "decision", subjectId: `${prefix}-${i}-${j}`, data: { amount: "42.50", j } }, at);
      return { occurredAt: at, actorType: "agent" as const, actorId: row.actor_id, actorLabel: row.actor_label, action: row.action, subjectType: row.subject_type, subjectId: row.subject_id, data: row.data as object, nonce: row.nonce, hash: row.hash, mac: row.mac };
    });
    await db.$transaction((tx) => tx.auditEntry.createMany({ data }));
  });
}

async function seconds<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1_000];
}

describe("audit chain at scale", () => {
  it("seals and verifies ~20,000 entries", async () => {
    // Half written while a sealer runs (many small seals), half left as a backlog for one sealing pass.
    const sealer = startAuditSealer(t.db, { intervalMs: 100 });
    await writeBulk(t.db, 200, 50, "live");
    await sealer.stop();
    await writeBulk(t.db, 200, 50, "backlog");

    const [backlog, sealSeconds] = await seconds(async () => {
      let sealedEntries = 0;
      for (;;) {
        const round = await sealAuditLog(t.db);
        if (!round.sealed) return sealedEntries;
        sealedEntries += round.entryCount;
      }
    });
    const [result, verifySeconds] = await seconds(() => verifyAuditChain(t.db));
    console.log(`audit timing: sealing a backlog of ${backlog} entries took ${sealSeconds.toFixed(2)} s`);
    console.log(`audit timing: verifying ${result.entriesChecked} entries in ${result.sealsChecked} seals took ${verifySeconds.toFixed(2)} s`);
    console.log(`audit timing: ${formatAuditVerification(result)}`);
    expect(result.ok).toBe(true);
    expect(result.entriesChecked).toBe(20_000);
  });

  it("costs the writers little while it seals every second", async () => {
    const write = (prefix: string) =>
      seconds(() =>
        inWorkers(16, 3_000, (i) => t.db.$transaction((tx) => recordAudit(tx, agent, { action: "decision.allow", subjectType: "decision", subjectId: `${prefix}-${i}` }))),
      );
    const [, without] = await write("unsealed");
    const sealer = startAuditSealer(t.db, { intervalMs: 1_000 });
    const [, withSealer] = await write("sealed");
    await sealer.stop();
    console.log(
      `audit timing: 3,000 single-entry transactions took ${without.toFixed(2)} s without the sealer, ${withSealer.toFixed(2)} s with it (${(3_000 / without).toFixed(0)} vs ${(3_000 / withSealer).toFixed(0)} tx/s)`,
    );
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
