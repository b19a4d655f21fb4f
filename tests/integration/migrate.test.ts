import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate, readMigrations } from "../../lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "./database";

describe("migration runner", () => {
  const created: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((t) => t.drop()));
  });
  async function emptyDatabase() {
    const t = await createTestDatabase({ empty: true });
    created.push(t);
    return t;
  }

  it("applies every migration once and records it as Prisma does", async () => {
    const t = await emptyDatabase();
    const first = await migrate(t.url);
    const migrations = await readMigrations();
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const second = await migrate(t.url);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations.length });
    const rows = await t.query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations"`,
    );
    expect(rows).toHaveLength(migrations.length);
    expect(rows[0]!.checksum).toBe(migrations[0]!.checksum);
    expect(rows[0]!.applied_steps_count).toBe(1);
    expect(rows[0]!.finished_at).not.toBeNull();
  });

  it("lets two processes start at once: the advisory lock makes one wait, nothing is applied twice", async () => {
    const t = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(t.url), migrate(t.url)]);
    expect(a.applied.length + b.applied.length).toBe((await readMigrations()).length);
    const rows = await t.query(`SELECT 1 FROM "_prisma_migrations"`);
    expect(rows).toHaveLength((await readMigrations()).length);
  });

  it("refuses an applied migration whose file was edited, with a clear message", async () => {
    const t = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "mandate-migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(t.url, { dir });
    const [first] = await readMigrations(dir);
    const file = path.join(dir, first!.name, "migration.sql");
    await writeFile(file, (await readFile(file, "utf8")) + "\n-- an edit\n");
    await expect(migrate(t.url, { dir })).rejects.toThrow(/was edited after it was applied/);
  });

  it("rolls back a failing migration entirely and names it", async () => {
    const t = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "mandate-migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(t.url, { dir });
    const broken = path.join(dir, "29991231000000_broken");
    await cp(path.join(dir, (await readMigrations(dir))[0]!.name), broken, { recursive: true });
    await writeFile(path.join(broken, "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT * FROM no_such_table;`);
    await expect(migrate(t.url, { dir })).rejects.toThrow(/29991231000000_broken failed and was rolled back/);
    const tables = await t.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(tables).toHaveLength(0);
  });

  it("refuses to run against a database migrated by a newer version", async () => {
    const t = await emptyDatabase();
    await migrate(t.url);
    await t.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('x', 'y', now(), '29990101000000_future', 1)`,
    );
    await expect(migrate(t.url)).rejects.toThrow(/does not know/);
  });
});

describe("append-only tables", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on the audit log and published versions", async () => {
    const t = await createTestDatabase();
    try {
      await t.query(
        `INSERT INTO audit_entries (actor_type, actor_label, action, subject_type, data, hash) VALUES ('system', 'system', 'test', 'test', '{}', 'h')`,
      );
      await expect(t.query(`UPDATE audit_entries SET action = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(t.query(`DELETE FROM audit_entries`)).rejects.toThrow(/append-only/);
      await expect(t.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
      await t.query(
        `INSERT INTO policy_versions (id, version, document, checksum, reason, source) VALUES (gen_random_uuid(), 1, '{}', 'c', 'r', 'cli')`,
      );
      await expect(t.query(`UPDATE policy_versions SET reason = 'rewritten'`)).rejects.toThrow(/append-only/);
      const rows = await t.query<{ action: string }>(`SELECT action FROM audit_entries`);
      expect(rows).toEqual([{ action: "test" }]);
    } finally {
      await t.drop();
    }
  });
});
