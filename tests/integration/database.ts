import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { AuditTrust } from "../../lib/audit/audit-trust";
import { openWitness } from "../../lib/audit/witness";
import { APP_ROLE, urlAs } from "../../lib/db/app-role";
import { createPrismaClient, type Db } from "../../lib/db/prisma";
import { exportToProcessEnv } from "../../lib/env";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { TEST_APP_PASSWORD } from "./test-roles";

export interface TestDatabase {
  /** The server's superuser: the test's own setup, and the attacker of the tamper tests. */
  url: string;
  /** The application's role (lib/db/app-role.ts), as a server connects. */
  appUrl: string;
  /** The run's key store and a witness of this database's own, outside it. */
  trust: AuditTrust;
  witnessPath: string;
  db: Db;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(inject("serverUrl"));
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl("postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, cloned from the migrated template, or empty. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `mandate_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE mandate_test_template`));
  const url = databaseUrl(name);
  const db = createPrismaClient(url, 5);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const witnessPath = path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-witness-")), "witness.ndjson");
  // The newest test database's witness is also this process's default (and its CLI children's).
  exportToProcessEnv({ MANDATE_AUDIT_WITNESS: witnessPath });
  return {
    url,
    appUrl: urlAs(url, APP_ROLE, TEST_APP_PASSWORD),
    trust: { keys: getKeyStore(), witness: openWitness(witnessPath) },
    witnessPath,
    db,
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    drop: async () => {
      await db.$disconnect();
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
