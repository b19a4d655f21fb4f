import { rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { grantAppRole } from "../../lib/db/app-role";
import { migrate } from "../../lib/db/migrate";
import { TEST_APP_PASSWORD } from "./test-roles";

export const TEMPLATE_DB = "mandate_test_template";


declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
  }
}

let embedded: EmbeddedDatabase | null = null;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One real PostgreSQL for the integration run: the server named by DATABASE_URL, or a fresh
 * embedded one. A migrated template database is cloned per test file (tests/integration/database.ts).
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = path.resolve(process.env.MANDATE_TEST_DATA_DIR ?? ".data/test-integration");
    await rm(dir, { recursive: true, force: true });
    embedded = await startEmbeddedPostgres(dir);
    serverUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  const stale = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'mandate_test_%'");
  for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await migrate(withDatabase(serverUrl, TEMPLATE_DB));
  await grantAppRole(withDatabase(serverUrl, TEMPLATE_DB), { loginPassword: TEST_APP_PASSWORD });
  await rm(path.resolve(".data/test-integration-keys"), { recursive: true, force: true });
  project.provide("serverUrl", serverUrl);

  return async () => {
    await embedded?.stop();
  };
}
