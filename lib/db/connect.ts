import { exportToProcessEnv, getEnv } from "@/lib/env";
import { APP_ROLE, describeRolePowers, grantAppRole, urlAs } from "./app-role";
import { startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";

export interface OpenDatabase {
  /** What the application connects as (the app role on the embedded database). */
  url: string;
  /** The owner role: migrations and maintenance. */
  ownerUrl: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL under the data directory when it
 * is unset, applies pending migrations as the owner role and grants the application's role
 * (lib/db/app-role.ts). The application's URL is exported for the Next.js bundle.
 */
export async function openDatabase(log: (line: string) => void = () => {}): Promise<OpenDatabase> {
  const env = getEnv();
  let url = env.DATABASE_URL;
  let ownerUrl = env.DATABASE_OWNER_URL ?? url;
  let appPassword: string | undefined;
  let close = async () => {};
  const embedded = !url;
  if (!url) {
    const db = await startEmbeddedPostgres(env.dataDir);
    ownerUrl = db.url;
    appPassword = db.appPassword;
    url = urlAs(db.url, APP_ROLE, db.appPassword);
    close = db.stop;
    log(db.owned ? `embedded PostgreSQL started (${env.dataDir}/pg)` : `joined the embedded PostgreSQL already running (${env.dataDir}/pg)`);
  }
  try {
    const report = await migrate(ownerUrl!, { log });
    if (report.applied.length === 0) log(`database schema up to date (${report.alreadyApplied} migrations)`);
    if (embedded || env.DATABASE_OWNER_URL) await grantAppRole(ownerUrl!, { loginPassword: appPassword });
    if (!embedded) {
      const powers = await describeRolePowers(url);
      if (powers.superuser || powers.ownsAuditTables) {
        log(
          `warning: the application connects as "${powers.role}", which ${powers.superuser ? "is a superuser" : "owns the audit tables"} and so could rewrite the audit log: ` +
            `connect as a member of ${APP_ROLE} and give the owner role in DATABASE_OWNER_URL (README, "Database roles")`,
        );
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  // Only the application's URL: the process serving requests never needs the owner's.
  if (embedded) exportToProcessEnv({ DATABASE_URL: url });
  return { url, ownerUrl: ownerUrl!, embedded, close };
}
