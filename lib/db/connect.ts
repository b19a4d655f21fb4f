import { exportToProcessEnv, getEnv } from "@/lib/env";
import { startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL under the data directory when it
 * is unset, then applies pending migrations. The URL is exported for the Next.js bundle.
 */
export async function openDatabase(log: (line: string) => void = () => {}): Promise<OpenDatabase> {
  const env = getEnv();
  let url = env.DATABASE_URL;
  let close = async () => {};
  const embedded = !url;
  if (!url) {
    const db = await startEmbeddedPostgres(env.dataDir);
    url = db.url;
    close = db.stop;
    log(db.owned ? `embedded PostgreSQL started (${env.dataDir}/pg)` : `joined the embedded PostgreSQL already running (${env.dataDir}/pg)`);
    exportToProcessEnv({ DATABASE_URL: url });
  }
  try {
    const report = await migrate(url, { log });
    if (report.applied.length === 0) log(`database schema up to date (${report.alreadyApplied} migrations)`);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, embedded, close };
}
