import pg from "pg";

/**
 * The database role the application's request path works as: not a superuser, not the owner of
 * any table, so it can neither update, delete nor truncate the audit tables nor disable their
 * triggers. Migrations and maintenance connect as the owner role. A deployment's login role is
 * this role itself (the embedded default) or a member of it (`GRANT mandate_app TO my_login`).
 */
export const APP_ROLE = "mandate_app";

// Written once and never changed by the application: insert and read only.
const APPEND_ONLY_TABLES = ["audit_entries", "audit_seals"];

/**
 * Creates the role when missing and grants it what the application needs on every table the
 * migrations made (run after each migration, as the owner). With `loginPassword` the role may
 * sign in itself. Idempotent.
 */
export async function grantAppRole(ownerUrl: string, options: { loginPassword?: string } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = client.escapeIdentifier(APP_ROLE);
    await client.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    if (options.loginPassword) {
      await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(options.loginPassword)}`);
    }
    // One transaction: the grants and the revocations on the audit tables land together or not at all.
    await client.query("BEGIN");
    const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${client.escapeIdentifier(rows[0]!.db)} TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    // ANALYZE after the demo history's bulk load (PostgreSQL 17's MAINTAIN; older servers skip it with a warning).
    const { rows: version } = await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
    if (version[0]!.v >= 170000) await client.query(`GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO ${role}`);
    for (const table of APPEND_ONLY_TABLES) {
      await client.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER${version[0]!.v >= 170000 ? ", MAINTAIN" : ""} ON ${client.escapeIdentifier(table)} FROM ${role}`);
    }
    await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ${role}`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** The same URL, signed in as another role. */
export function urlAs(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * What the role behind `url` could do to the audit tables, for the warning at start: a
 * superuser or the tables' owner can rewrite them whatever the triggers say.
 */
export async function describeRolePowers(url: string): Promise<{ role: string; superuser: boolean; ownsAuditTables: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string; superuser: boolean; owns: boolean }>(
      `SELECT current_user AS role,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              EXISTS (SELECT 1 FROM pg_tables WHERE tablename IN ('audit_entries', 'audit_seals')
                        AND pg_has_role(current_user, tableowner, 'USAGE')) AS owns`,
    );
    const row = rows[0]!;
    return { role: row.role, superuser: row.superuser, ownsAuditTables: row.owns };
  } finally {
    await client.end();
  }
}
