import { generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { cliActor, type Actor } from "../../lib/audit/actor";
import { buildAuditRow, recordAudit } from "../../lib/audit/record-audit";
import { reanchorAuditLog } from "../../lib/audit/reanchor-audit-log";
import { AuditSealRefused, sealAuditLog } from "../../lib/audit/seal-audit-log";
import { hashSeal } from "../../lib/audit/seal-hash";
import { sealHead, signSealHead } from "../../lib/audit/signed-head";
import { formatAuditVerification, verifyAuditChain, type AuditVerification } from "../../lib/audit/verify-audit-chain";
import { rotateKeys } from "../../lib/keys/rotate-keys";
import { createTestDatabase, type TestDatabase } from "./database";

// audit-integrity.md's table: an attacker holds the whole database (superuser, triggers off) but
// neither the key store nor the witness. Each row is one test; each shows the verifier's words.

const agent: Actor = { type: "agent", id: "7f1c0d3e-0000-4000-8000-000000000002", label: "refund-bot" };
const operator = cliActor("test");

async function write(t: TestDatabase, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await t.db.$transaction((tx) => recordAudit(tx, agent, { action: "decision.allow", subjectType: "decision", subjectId: `${prefix}-${i}`, data: { amount: "42.50", i } }));
  }
}

async function sealAll(t: TestDatabase): Promise<void> {
  await vi.waitFor(
    async () => {
      await sealAuditLog(t.db, { trust: t.trust });
      const last = await t.db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { toTxid: true } });
      expect(await t.db.auditEntry.count({ where: { txid: { gte: last?.toTxid ?? 0n } } })).toBe(0);
    },
    { timeout: 15_000, interval: 25 },
  );
}

/** One seal per round: `rounds` seals of `perSeal` entries each. */
async function buildLog(t: TestDatabase, rounds: number, perSeal: number): Promise<void> {
  for (let r = 0; r < rounds; r += 1) {
    await write(t, `r${r}`, perSeal);
    await sealAll(t);
  }
}

async function attack(t: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  await t.query("ALTER TABLE audit_entries DISABLE TRIGGER USER");
  await t.query("ALTER TABLE audit_seals DISABLE TRIGGER USER");
  try {
    await t.query(sql, params);
  } finally {
    await t.query("ALTER TABLE audit_entries ENABLE TRIGGER USER");
    await t.query("ALTER TABLE audit_seals ENABLE TRIGGER USER");
  }
}

const verify = (t: TestDatabase, extra: Parameters<typeof verifyAuditChain>[1] = {}): Promise<AuditVerification> => verifyAuditChain(t.db, { trust: t.trust, ...extra });

async function failure(t: TestDatabase) {
  const result = await verify(t);
  expect(result.ok).toBe(false);
  expect(formatAuditVerification(result)).toMatch(/^Audit log FAILED verification: /);
  return result.failure!;
}

async function ids(t: TestDatabase, sql: string, params: unknown[] = []): Promise<string[]> {
  return (await t.query<{ id: string }>(sql, params)).map((r) => r.id);
}

const entriesOfSeal = (t: TestDatabase, sealId: number) =>
  ids(t, "SELECT e.id::text AS id FROM audit_entries e JOIN audit_seals s ON e.txid >= s.from_txid AND e.txid < s.to_txid WHERE s.id = $1 ORDER BY e.id", [sealId]);

async function sealIds(t: TestDatabase): Promise<number[]> {
  return (await t.query<{ id: number }>("SELECT id FROM audit_seals ORDER BY id")).map((r) => r.id);
}

/** A forged entry as an attacker makes it: a perfectly valid unkeyed hash, and no key for the MAC. */
function forgedRow(subjectId: string) {
  const row = buildAuditRow(agent, { action: "decision.allow", subjectType: "decision", subjectId, data: { amount: "9999.00" } }, new Date());
  return { ...row, mac: `m1.${Buffer.alloc(32, 7).toString("base64url")}` };
}

async function insertForged(t: TestDatabase, subjectId: string, txid?: string): Promise<string> {
  const row = forgedRow(subjectId);
  const [inserted] = await t.query<{ id: string }>(
    `INSERT INTO audit_entries (${txid ? "txid, " : ""}occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, nonce, hash, mac)
     VALUES (${txid ? "$11, " : ""}$1, $2::"ActorType", $3, $4, $5, $6, $7, $8::jsonb, $9, $10, NULL) RETURNING id::text AS id`,
    [row.occurred_at, row.actor_type, row.actor_id, row.actor_label, row.action, row.subject_type, row.subject_id, JSON.stringify(row.data), row.nonce, row.hash, ...(txid ? [txid] : [])],
  );
  return inserted!.id;
}

describe("the audit log against an attacker who holds the database", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    await buildLog(t, 25, 3);
  });
  afterEach(async () => t.drop());

  it("verifies untouched, and names its head for --trusted-head", async () => {
    const result = await verify(t);
    expect(result).toMatchObject({ ok: true, failure: null, flags: [], gaps: [] });
    expect(result.sealsChecked).toBe(25);
    expect(formatAuditVerification(result)).toMatch(/Head: seal 25 [0-9a-f]{64}/);
    expect(await verify(t, { trustedHead: result.head })).toMatchObject({ ok: true });
  });

  it("1. one field changed, hash left as it was", async () => {
    const [id] = await entriesOfSeal(t, 7);
    await attack(t, `UPDATE audit_entries SET data = jsonb_set(data, '{amount}', '"4250.00"') WHERE id = $1`, [id]);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "entry_hash", entryId: id, sealId: 7 });
    expect(f.message).toBe(`Entry ${id} no longer matches its hash: its content was altered after it was written.`);
  });

  it("2. a field changed and that entry's hash recomputed", async () => {
    const [id] = await entriesOfSeal(t, 7);
    const row = (await t.query<{ occurred_at: Date; nonce: string; subject_id: string }>("SELECT occurred_at, nonce, subject_id FROM audit_entries WHERE id = $1", [id]))[0]!;
    const forged = buildAuditRow(agent, { action: "decision.allow", subjectType: "decision", subjectId: row.subject_id, data: { amount: "4250.00", i: 0 } }, row.occurred_at);
    const hash = (await import("../../lib/audit/entry-format")).hashAuditContent({
      occurredAt: forged.occurred_at, actorType: forged.actor_type, actorId: forged.actor_id, actorLabel: forged.actor_label, action: forged.action,
      subjectType: forged.subject_type, subjectId: forged.subject_id, data: forged.data, nonce: row.nonce,
    });
    await attack(t, `UPDATE audit_entries SET data = $2::jsonb, hash = $3 WHERE id = $1`, [id, JSON.stringify(forged.data), hash]);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "entry_mac", entryId: id, sealId: 7 });
    expect(f.message).toMatch(/carries a MAC that does not match its hash: it was not written by Mandate/);
  });

  it("3. an entry deleted in the middle of a sealed range", async () => {
    const [, middle] = await entriesOfSeal(t, 12);
    await attack(t, "DELETE FROM audit_entries WHERE id = $1", [middle]);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_digest", sealId: 12 });
    expect(f.message).toMatch(/^Seal 12 \(transactions .*\) sealed 3 entries but 2 remain: an entry was deleted/);
  });

  it("4. the newest entries deleted, their seal kept", async () => {
    const newest = await entriesOfSeal(t, 25);
    await attack(t, "DELETE FROM audit_entries WHERE id = ANY($1::bigint[])", [newest]);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_digest", sealId: 25 });
    expect(f.message).toMatch(/sealed 3 entries but 0 remain/);
  });

  it("5. the newest seal and every entry it covers deleted", async () => {
    await attack(t, "DELETE FROM audit_entries WHERE id = ANY($1::bigint[])", [await entriesOfSeal(t, 25)]);
    await attack(t, "DELETE FROM audit_seals WHERE id = 25");
    const f = await failure(t);
    expect(f.kind).toBe("witness");
    expect(f.message).toMatch(/^The witness recorded seal 25 \(.*\), but the database's log ends at seal 24: seals and their entries were deleted, or the database was restored from an older copy/);
  });

  it("6. the newest 20 seals and their entries deleted", async () => {
    await attack(t, "DELETE FROM audit_entries WHERE txid >= (SELECT from_txid FROM audit_seals WHERE id = 6)");
    await attack(t, "DELETE FROM audit_seals WHERE id >= 6");
    const f = await failure(t);
    expect(f.message).toMatch(/^The witness recorded seal 6 .* but the database's log ends at seal 5: /);
  });

  it("5–6 again, then the server's own sealer runs: it refuses to seal over a truncated log, and verify still names it", async () => {
    await attack(t, "DELETE FROM audit_entries WHERE txid >= (SELECT from_txid FROM audit_seals WHERE id = 21)");
    await attack(t, "DELETE FROM audit_seals WHERE id >= 21");
    await write(t, "after-truncation", 2);
    await expect(sealAuditLog(t.db, { trust: t.trust })).rejects.toThrow(
      /^Refusing to seal: the database's log ends at seal 20, but the witness's last head is seal 25: the log was truncated, rolled back or rewritten/,
    );
    expect((await failure(t)).message).toMatch(/^The witness recorded seal 21 \(.*\), but the database's log ends at seal 20/);
  });

  it("stripping every signature does not turn seals back into unsigned legacy ones", async () => {
    await attack(t, "UPDATE audit_seals SET signature = NULL, key_id = NULL");
    const forged = await insertForged(t, "legacy-forgery");
    await attack(t, "UPDATE audit_entries SET nonce = NULL, mac = NULL, hash = $2 WHERE id = $1", [
      forged,
      (await import("../../lib/audit/entry-format")).hashAuditContent({
        occurredAt: (await t.query<{ at: Date }>("SELECT occurred_at AS at FROM audit_entries WHERE id = $1", [forged]))[0]!.at.toISOString(),
        actorType: agent.type, actorId: agent.id, actorLabel: agent.label, action: "decision.allow", subjectType: "decision", subjectId: "legacy-forgery", data: { amount: "9999.00" },
      }),
    ]);
    await expect(sealAuditLog(t.db, { trust: t.trust })).rejects.toThrow(`Refusing to seal: entry ${forged} carries no MAC`);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_signature", sealId: 1 });
    expect(f.message).toBe("Seal 1 carries no signature, but it is where signing began: its signature was stripped in the database.");
  });

  it("7. two entries' contents swapped, without and then with their hashes (and MACs)", async () => {
    const [a, b] = await entriesOfSeal(t, 9);
    const swap = (columns: string) =>
      attack(
        t,
        `UPDATE audit_entries e SET (${columns}) = (SELECT ${columns} FROM audit_entries o WHERE o.id = CASE WHEN e.id = $1 THEN $2 ELSE $1 END::bigint) WHERE e.id IN ($1, $2)`,
        [a, b],
      );
    await swap("data, subject_id");
    expect(await failure(t)).toMatchObject({ kind: "entry_hash", entryId: a, sealId: 9 });
    await swap("data, subject_id"); // back
    await swap("occurred_at, data, subject_id, nonce, hash, mac");
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_digest", sealId: 9 });
    expect(f.message).toMatch(/the entries there now differ from them: an entry was altered and re-hashed, or entries were renumbered or reordered/);
  });

  it("8. a forged entry with a valid unkeyed hash inside a sealed range", async () => {
    const [first] = await entriesOfSeal(t, 15);
    const txid = (await t.query<{ txid: string }>("SELECT txid::text FROM audit_entries WHERE id = $1", [first]))[0]!.txid;
    const forged = await insertForged(t, "forged-inside", txid);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "entry_mac", entryId: forged, sealId: 15 });
    expect(f.message).toBe(`Entry ${forged} carries no MAC: it was not written by Mandate (forged, or altered and re-hashed in the database).`);
  });

  it("9. a forged entry after the newest seal: the server's sealer refuses it and the verifier names it", async () => {
    const forged = await insertForged(t, "forged-after");
    await write(t, "after", 2);
    await expect(sealAuditLog(t.db, { trust: t.trust })).rejects.toThrow(AuditSealRefused);
    await expect(sealAuditLog(t.db, { trust: t.trust })).rejects.toThrow(`Refusing to seal: entry ${forged} carries no MAC`);
    expect(await sealIds(t)).toHaveLength(25);
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "entry_mac", entryId: forged });
    expect(f.sealId).toBeUndefined();
  });

  it("10. an entry rewritten and its seal and every seal after it recomputed (even signed with the attacker's own key)", async () => {
    const [id] = await entriesOfSeal(t, 20);
    await attack(t, `UPDATE audit_entries SET data = jsonb_set(data, '{amount}', '"4250.00"') WHERE id = $1`, [id]);
    // Recompute the entry's hash, then every seal from 20 on, as the attacker can (no MAC key, no signing key).
    const row = (await t.db.auditEntry.findUniqueOrThrow({ where: { id: BigInt(id!) } }))!;
    const { hashAuditContent } = await import("../../lib/audit/entry-format");
    const { EntriesDigest } = await import("../../lib/audit/seal-hash");
    const rehash = hashAuditContent({ occurredAt: row.occurredAt.toISOString(), actorType: row.actorType, actorId: row.actorId, actorLabel: row.actorLabel, action: row.action, subjectType: row.subjectType, subjectId: row.subjectId, data: row.data, nonce: row.nonce });
    await attack(t, "UPDATE audit_entries SET hash = $2 WHERE id = $1", [id, rehash]);
    const { privateKey } = generateKeyPairSync("ed25519");
    let prev = (await t.db.auditSeal.findUniqueOrThrow({ where: { id: 19 } })).hash;
    for (const seal of await t.db.auditSeal.findMany({ where: { id: { gte: 20 } }, orderBy: { id: "asc" } })) {
      const digest = new EntriesDigest();
      for (const e of await t.db.auditEntry.findMany({ where: { txid: { gte: seal.fromTxid, lt: seal.toTxid } }, orderBy: { id: "asc" } })) digest.add(e);
      const fields = { fromTxid: seal.fromTxid, toTxid: seal.toTxid, entryCount: seal.entryCount, entriesDigest: digest.digest(), prevHash: prev };
      const hash = hashSeal(fields);
      const signature = signSealHead(sealHead({ id: seal.id, ...fields, hash, sealedAt: seal.sealedAt }, seal.keyId!), privateKey);
      await attack(t, "UPDATE audit_seals SET entries_digest = $2, prev_hash = $3, hash = $4, signature = $5 WHERE id = $1", [seal.id, fields.entriesDigest, prev, hash, signature]);
      prev = hash;
    }
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_signature", sealId: 20 });
    expect(f.message).toBe("Seal 20's signature does not verify: the seal was rewritten in the database after it was signed.");
    // Had the attacker left the seals alone, the rewritten entry's MAC would name it.
    expect((await verify(t, { skipWitness: true })).failure?.kind).toBe("seal_signature");
  });

  it("11. a seal deleted in the middle", async () => {
    await attack(t, "DELETE FROM audit_seals WHERE id = 13");
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "seal_chain", sealId: 14 });
    expect(f.message).toMatch(/^Seal 14 starts at transaction \d+ but seal 12 ended at \d+: a seal was removed, altered or forged\.$/);
  });

  it("12. an entry left unsealed far longer than the sealing interval is flagged", async () => {
    await write(t, "waiting", 2);
    const result = await verify(t, { now: new Date(Date.now() + 2 * 3_600_000) });
    expect(result.ok).toBe(true);
    expect(result.flags).toHaveLength(1);
    expect(formatAuditVerification(result, new Date(Date.now() + 2 * 3_600_000))).toMatch(
      /FLAGGED: 2 entries have waited 2\.0 h for their seal \(sealing runs every second\): no server is sealing, or the sealer refuses an entry/,
    );
  });

  it("a seal signed by an unknown key, or an unsigned seal after signed ones, is a forgery", async () => {
    await attack(t, "UPDATE audit_seals SET key_id = 'not-our-key' WHERE id = 18");
    expect((await failure(t)).message).toBe("Seal 18 is signed by key not-our-key, which is not in this key store: it was forged, or the key store is not this log's.");
    const kid = t.trust.keys.currentSigning().kid;
    await attack(t, "UPDATE audit_seals SET key_id = NULL, signature = NULL WHERE id = 18");
    expect((await failure(t)).message).toBe("Seal 18 carries no signature but follows signed seal 1: it was not made by Mandate's sealer (forged or rewritten in the database).");
    void kid;
  });

  it("a copied (replayed) entry is named by the verifier", async () => {
    const [original] = await entriesOfSeal(t, 3);
    const [copy] = await ids(
      t,
      `INSERT INTO audit_entries (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, nonce, hash, mac)
       SELECT occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, nonce, hash, mac FROM audit_entries WHERE id = $1 RETURNING id::text AS id`,
      [original],
    );
    const f = await failure(t);
    expect(f).toMatchObject({ kind: "duplicate_entry", entryId: copy });
    expect(f.message).toBe(`Entry ${copy} is a copy of entry ${original}: an entry was replayed in the database.`);
  });

  it("a head trusted earlier must still be there: the log only grows", async () => {
    const head = (await verify(t)).head!;
    await buildLog(t, 2, 2);
    expect(await verify(t, { trustedHead: head })).toMatchObject({ ok: true });
    const wrong = { sealId: head.sealId, hash: "0".repeat(64) };
    const result = await verify(t, { trustedHead: wrong });
    expect(result.failure?.message).toMatch(/^The head you trusted, seal 25 \(000000000000…\), is no longer what the log holds under that number: the log was rewritten since you trusted it\.$/);
  });

  it("an edited witness line is caught", async () => {
    const lines = readFileSync(t.witnessPath, "utf8").trimEnd().split("\n");
    const last = JSON.parse(lines[lines.length - 1]!);
    lines[lines.length - 1] = JSON.stringify({ ...last, entry_count: last.entry_count + 1 });
    writeFileSync(t.witnessPath, lines.join("\n") + "\n");
    expect((await failure(t)).message).toMatch(/^Line 25 of the witness \(.*\) carries a signature that does not verify: it was edited\.$/);
  });
});

describe("a restore from backup", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    await buildLog(t, 8, 2);
  });
  afterEach(async () => t.drop());

  it("looks like a rollback until an operator re-anchors it; then the gap is named and the log goes on", async () => {
    // Restoring a backup taken after seal 5: the database loses seals 6–8 and their entries,
    // while the witness, outside it, still holds their heads.
    await attack(t, "DELETE FROM audit_entries WHERE txid >= (SELECT from_txid FROM audit_seals WHERE id = 6)");
    await attack(t, "DELETE FROM audit_seals WHERE id >= 6");
    await attack(t, "SELECT setval(pg_get_serial_sequence('audit_seals', 'id'), 5)");
    expect((await failure(t)).message).toMatch(/^The witness recorded seal 6 .* but the database's log ends at seal 5: /);

    await expect(reanchorAuditLog(t.db, agent, { reason: "restored from the 02:00 backup" }, t.trust)).rejects.toThrow(/operator/);
    await expect(reanchorAuditLog(t.db, operator, { reason: "oops" }, t.trust)).rejects.toThrow(/Say why/);
    const result = await reanchorAuditLog(t.db, operator, { reason: "restored from the 02:00 backup after a disk failure" }, t.trust);
    expect(result.continueFrom?.seal_id).toBe(5);
    expect(result.lastWitnessed?.seal_id).toBe(8);

    await sealAll(t); // the re-anchoring's own audit entry, sealed as the new seal 6
    const after = await verify(t);
    expect(after).toMatchObject({ ok: true });
    expect(after.gaps).toHaveLength(1);
    expect(formatAuditVerification(after)).toMatch(
      /Known gap: seals 6–8 were witnessed but given up by a restore, re-anchored on .* by cli:test: "restored from the 02:00 backup after a disk failure"\./,
    );
    expect(await t.db.auditEntry.count({ where: { action: "audit.reanchor" } })).toBe(1);

    // Nothing else passes: truncating the restored log again is still caught.
    await attack(t, "DELETE FROM audit_seals WHERE id = (SELECT max(id) FROM audit_seals)");
    expect((await failure(t)).kind).toBe("witness");
  });

  it("refuses to re-anchor a log whose own chain does not verify", async () => {
    const [id] = await entriesOfSeal(t, 3);
    await attack(t, `UPDATE audit_entries SET data = '{}' WHERE id = $1`, [id]);
    await expect(reanchorAuditLog(t.db, operator, { reason: "restored from the 02:00 backup" }, t.trust)).rejects.toThrow(/does not verify, so it cannot be re-anchored/);
  });
});

describe("keys and roles", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => t.drop());

  it("the application's database role cannot rewrite, delete, truncate or unprotect the audit log", async () => {
    await buildLog(t, 2, 2);
    const app = new pg.Client({ connectionString: t.appUrl });
    await app.connect();
    try {
      const { rows } = await app.query<{ superuser: boolean }>("SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user");
      expect(rows[0]!.superuser).toBe(false);
      await app.query("INSERT INTO audit_entries (actor_type, actor_label, action, subject_type, data, hash) VALUES ('system', 'x', 'x', 'x', '{}', 'x')");
      for (const sql of [
        "UPDATE audit_entries SET action = 'x'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
        "DELETE FROM audit_seals",
        "UPDATE audit_seals SET hash = 'x'",
        "ALTER TABLE audit_entries DISABLE TRIGGER USER",
        "SET session_replication_role = replica",
        "SELECT pg_read_file('postgresql.conf')",
      ]) {
        await expect(app.query(sql), sql).rejects.toThrow(/permission denied|must be owner|append-only/);
      }
    } finally {
      await app.end();
    }
  });

  // As root (CI, these machines) the embedded PostgreSQL runs as the `postgres` OS user, which the
  // 0700 key folder and witness folder shut out: even the database superuser cannot read or forge them.
  it.runIf(process.getuid?.() === 0 && !process.env.DATABASE_URL)("the database superuser cannot read the key store or write the witness", async () => {
    await buildLog(t, 1, 1);
    const keyFile = (await import("node:path")).resolve(t.trust.keys.dir, "keys.json");
    await expect(t.query("SELECT pg_read_file($1)", [keyFile])).rejects.toThrow(/Permission denied|could not open/);
    await expect(t.query(`COPY (SELECT 'forged') TO '${t.witnessPath.replaceAll("'", "''")}'`)).rejects.toThrow(/Permission denied|could not open/);
  });

  it("rotation is audited and old MACs and signatures keep verifying", async () => {
    // A key folder of its own: the other test files of the run keep theirs unrotated.
    const { cpSync, mkdtempSync } = await import("node:fs");
    const { exportToProcessEnv } = await import("../../lib/env");
    const { reloadKeyStore } = await import("../../lib/keys/current-key-store");
    const shared = t.trust.keys.dir;
    const own = mkdtempSync(`${(await import("node:os")).tmpdir()}/mandate-keys-`);
    cpSync(shared, own, { recursive: true });
    exportToProcessEnv({ MANDATE_KEYS_DIR: own });
    reloadKeyStore();
    onTestFinished(() => {
      exportToProcessEnv({ MANDATE_KEYS_DIR: shared });
      reloadKeyStore();
    });
    t.trust = { ...t.trust, keys: (await import("../../lib/keys/current-key-store")).getKeyStore() };
    await buildLog(t, 2, 2);
    const before = t.trust.keys;
    const rotated = await rotateKeys(t.db, operator, { mac: true, signing: true });
    expect(rotated.signing?.kid).not.toBe(before.currentSigning().kid);
    const { getKeyStore } = await import("../../lib/keys/current-key-store");
    t.trust = { ...t.trust, keys: getKeyStore() };
    await buildLog(t, 2, 2);
    const seals = await t.db.auditSeal.findMany({ orderBy: { id: "asc" }, select: { keyId: true } });
    expect(new Set(seals.map((s) => s.keyId)).size).toBe(2);
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { action: "keys.rotate" } });
    expect(entry.data).toEqual({ mac_key: rotated.mac!.id, signing_key: rotated.signing!.kid });
    expect(entry.mac?.startsWith(`${rotated.mac!.id}.`)).toBe(true);
    expect(await verify(t)).toMatchObject({ ok: true, sealsChecked: 4 });
  });
});
