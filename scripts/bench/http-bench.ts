import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort, startEmbeddedPostgres } from "@/lib/db/embedded";
import { DEMO_AGENT_KEY } from "@/lib/demo/seed-demo";
import { loadExamplePolicy } from "./engine-bench";
import { chooseLoadGenerator, type LoadGenerator, type LoadGeneratorName, type LoadResult } from "./load-generators";
import { cpuSplit, descendants, sampleCpu, type CpuSplit } from "./process-cpu";
import { summarizeProfile, type ProfileSummary } from "./profile-summary";
import { createRandom } from "./random";
import { generateRequest } from "./requests";
import type { Target } from "./targets";

// POST /api/v1/decisions end to end against the production server started the way `npm start`
// starts it (embedded PostgreSQL, durable commits), and the same agent API core mounted as a
// plain Next.js route handler (/api/baseline/*) in the same process, as the baseline.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = path.join(ROOT, "bin", "mandate.js");
export const DATA_DIR = path.join(ROOT, ".data", "bench");
export const LOAD_DIR = path.join(ROOT, ".data", "bench-load");
const HOT_PATH = "/api/v1/decisions";
const BASELINE_PATH = "/api/baseline/decisions";
// The same agent API in the same server without grant signing (mounted only for the benchmark).
const NO_GRANTS_PATH = "/bench/no-grants/api/v1/decisions";
export const GRANT_COST_TARGET_PERCENT = 5;
const GRANT_PAIRS = 3;

export const THROUGHPUT_TARGET = 2_500;
export const P99_TARGET_MS = 25;
export const FIXED_RATE = 1_000;
export const BASELINE_RATIO_TARGET = 3;

export interface HttpBenchOptions {
  /** Seconds per load run. */
  duration?: number;
  connections?: number;
  /** Start the server under `node --cpu-prof` and summarise where its CPU went in each run. */
  profile?: boolean;
  /** wrk when installed, autocannon otherwise (scripts/bench/load-generators.ts). */
  loadGenerator?: LoadGeneratorName;
  log?: (line: string) => void;
}

export interface HttpRun {
  name: string;
  path: string;
  connections: number;
  durationSeconds: number;
  overallRate: number | null;
  requestsPerSecond: number;
  latencyMs: { average: number; p50: number; p90: number; p99: number; max: number };
  responses: number;
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** At a fixed rate with wrk: arrivals that found every connection busy (see LoadResult). */
  late: LoadResult["late"];
  /** Rows committed during the run, read back from PostgreSQL; at least the 201s when writes are durable. */
  committedDecisions: number;
  /** `decision.create` audit entries committed during the run: one per decision. */
  committedAuditEntries: number;
  decisions: Record<string, number>;
  cpu: CpuSplit;
  /** CPU microseconds spent per answered request, by consumer: the cost that bounds throughput on 2 cores. */
  cpuPerRequestUs: { server: number; postgres: number; loadGenerator: number };
  /** Average PostgreSQL sessions of the server by state, sampled every 200 ms during the run. */
  postgresSessions: SessionStates;
  profile?: ProfileSummary;
}

export interface SessionStates {
  running: number;
  lockWait: number;
  ioWait: number;
  idleInTransaction: number;
  idle: number;
}

export interface HttpBenchResult {
  loadGenerator: { name: LoadGeneratorName; version: string; arrivals: string };
  server: { command: string; dataDir: string; startSeconds: number };
  /** A bare node:http server answering the same requests: what this machine's HTTP stack does right now. */
  calibration: { echoRequestsPerSecond: number; p99Ms: number };
  runs: { hotPath: HttpRun; fixedRate: HttpRun; baseline: HttpRun };
  ratio: number;
  /**
   * What signing grants costs the hot path: alternating runs of the same server without and with
   * grants; the cost is the median over pairs of 1 − with/without throughput, and of the node CPU
   * added per request.
   */
  grants: { pairs: { without: HttpRun; with: HttpRun }[]; throughputCostPercent: number; serverCpuAddedUs: number; allowShare: number };
  durability: { responses201: number; committedDecisions: number; committedAuditEntries: number; ok: boolean };
  cleanup: { serverExited: boolean; postgresStopped: boolean; leftover: number[] };
  targets: Target[];
}

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const duration = options.duration ?? 20;
  const connections = options.connections ?? 50;
  const log = options.log ?? ((line: string) => console.error(line));

  mkdirSync(LOAD_DIR, { recursive: true });
  const generator = chooseLoadGenerator(options.loadGenerator, { headers: requestHeaders(), bodies: createBodies(20_000, 7), workDir: LOAD_DIR });
  log(`http: load from ${generator.name} ${generator.version}; a fixed rate is ${generator.arrivals}`);
  log(`http: calibration: a bare node:http echo server, ${connections} connections, 5s`);
  const calibration = await measureEcho(generator, connections, 5);
  log(`http: calibration: ${calibration.echoRequestsPerSecond} req/s, p99 ${calibration.p99Ms} ms`);

  const profileDir = path.join(DATA_DIR, "cpu-profile");
  const nodeArgs = options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const { server, exited, base, startSeconds } = await startBenchServer(nodeArgs, log);

  // Stop the server if the harness itself is interrupted.
  const interrupt = () => {
    server.kill("SIGTERM");
    process.exitCode = 130;
  };
  process.once("SIGINT", interrupt);

  let db: pg.Client | null = null;
  const seenPids = new Set<number>();
  const windows = new Map<HttpRun, { fromUs: number; toUs: number }>();
  try {
    const { url } = await startEmbeddedPostgres(DATA_DIR); // joins the server's cluster
    db = new pg.Client({ connectionString: url });
    await db.connect();

    const probe = createBodies(1, 11)[0]!;
    for (const target of [HOT_PATH, BASELINE_PATH, NO_GRANTS_PATH]) {
      const response = await fetch(`${base}${target}`, { method: "POST", headers: requestHeaders(), body: probe });
      if (response.status !== 201) throw new Error(`POST ${target} answered ${response.status}: ${await response.text()}`);
    }
    // A fresh demo server is busy for a while after it says ready: it seals the 50,000 history
    // entries' audit chain, refreshes the dashboard rollups and runs the recommendation rules.
    // Measure the steady state: wait until the server and its PostgreSQL are quiet.
    const settled = await waitUntilQuiet(server.pid!, { cores: 0.1, windowMs: 2_000, timeoutMs: 180_000 });
    log(`http: server settled after ${settled.seconds}s of background work${settled.quiet ? "" : " (still busy: measuring anyway)"}`);
    // Warm both paths (JIT, pool connections, the baseline's lazily built deps).
    await generator.run(base, HOT_PATH, { connections, duration: 3 });
    await generator.run(base, BASELINE_PATH, { connections, duration: 3 });

    const measure = async (name: string, target: string, shape: { connections: number; duration: number; rate?: number }) => {
      for (const proc of descendants(server.pid!)) seenPids.add(proc.pid);
      const before = await countWrites(db!);
      const fromUs = monotonicUs();
      const since = new Date();
      const cpuBefore = sampleCpu(server.pid!);
      log(`http: ${name}: ${target}, ${shape.connections} connections, ${shape.duration}s${shape.rate ? `, ${shape.rate} req/s` : ""}`);
      const sessions = watchSessions(url);
      const result = await generator.run(base, target, shape);
      const cpu = cpuSplit(cpuBefore, sampleCpu(server.pid!));
      const postgresSessions = await sessions.stop();
      // A server that died during the run would be reaped into this process's CPU, and its numbers would mean nothing.
      if (server.exitCode !== null || server.signalCode !== null) throw new Error(`the server exited during the ${name} run (${server.exitCode ?? server.signalCode})`);
      const toUs = monotonicUs();
      await new Promise((resolve) => setTimeout(resolve, 500)); // in-flight requests at the cut-off commit too
      const after = await countWrites(db!);
      const run: HttpRun = {
        name,
        path: target,
        connections: shape.connections,
        durationSeconds: shape.duration,
        overallRate: shape.rate ?? null,
        requestsPerSecond: result.requestsPerSecond,
        latencyMs: result.latencyMs,
        responses: Object.values(result.statuses).reduce((sum, count) => sum + count, 0),
        statuses: result.statuses,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        late: result.late,
        committedDecisions: after.decisions - before.decisions,
        committedAuditEntries: after.auditEntries - before.auditEntries,
        decisions: await decisionMix(db!, since),
        cpu,
        cpuPerRequestUs: {
          server: perRequest(cpu.serverCores, result.requestsPerSecond),
          postgres: perRequest(cpu.postgresCores, result.requestsPerSecond),
          loadGenerator: perRequest(cpu.loadGeneratorCores, result.requestsPerSecond),
        },
        postgresSessions,
      };
      windows.set(run, { fromUs, toUs });
      log(`http: ${name}: ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, statuses ${JSON.stringify(run.statuses)}`);
      return run;
    };

    // The baseline runs first: each run grows the decisions table, so any cost of that growth
    // falls on our server, not on the baseline it is compared with.
    const baseline = await measure("Next route baseline", BASELINE_PATH, { connections, duration });
    const hotPath = await measure("hot path", HOT_PATH, { connections, duration });
    const fixedRate = await measure("fixed rate", HOT_PATH, { connections, duration, rate: FIXED_RATE });
    // Grant signing on and off in one server, alternating, so drift on a shared machine falls on both.
    const pairDuration = Math.max(5, Math.round(duration / 2));
    const pairs: { without: HttpRun; with: HttpRun }[] = [];
    for (let i = 1; i <= GRANT_PAIRS; i++) {
      const without = await measure(`without grants ${i}/${GRANT_PAIRS}`, NO_GRANTS_PATH, { connections, duration: pairDuration });
      pairs.push({ without, with: await measure(`with grants ${i}/${GRANT_PAIRS}`, HOT_PATH, { connections, duration: pairDuration }) });
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const throughputCostPercent = Math.round(median(pairs.map((p) => (1 - p.with.requestsPerSecond / p.without.requestsPerSecond) * 100)) * 10) / 10;
    const serverCpuAddedUs = Math.round(median(pairs.map((p) => p.with.cpuPerRequestUs.server - p.without.cpuPerRequestUs.server)));
    const withMix = pairs.map((p) => p.with.decisions);
    const allowShare = Math.round((withMix.reduce((sum, mix) => sum + (mix.allow ?? 0), 0) / Math.max(1, withMix.reduce((sum, mix) => sum + Object.values(mix).reduce((a, b) => a + b, 0), 0))) * 1000) / 10;
    log(`http: grant signing costs ${throughputCostPercent}% of throughput (median of ${GRANT_PAIRS} pairs), ${serverCpuAddedUs} µs of node CPU per request; ${allowShare}% of decisions are allows`);

    const runs = [baseline, hotPath, fixedRate, ...pairs.flatMap((p) => [p.without, p.with])];
    const responses201 = runs.reduce((sum, run) => sum + (run.statuses["201"] ?? 0), 0);
    const committedInRuns = runs.reduce((sum, run) => sum + run.committedDecisions, 0);
    const auditInRuns = runs.reduce((sum, run) => sum + run.committedAuditEntries, 0);
    for (const proc of descendants(server.pid!)) seenPids.add(proc.pid);
    await db.end();
    db = null;

    const cleanup = await stopServer(server, exited, seenPids, log);
    if (options.profile) attachProfiles(profileDir, windows, log);

    const ratio = Math.round((hotPath.requestsPerSecond / Math.max(1, baseline.requestsPerSecond)) * 100) / 100;
    // Every 201 is a committed row; rows may exceed 201s by the requests cut off at the end of a run.
    const durable = runs.every((run) => run.committedDecisions >= (run.statuses["201"] ?? 0) && run.committedAuditEntries === run.committedDecisions);
    return {
      loadGenerator: { name: generator.name, version: generator.version, arrivals: generator.arrivals },
      server: { command: `node ${[...nodeArgs, "bin/mandate.js", "start", "--no-build"].join(" ")}`, dataDir: path.relative(ROOT, DATA_DIR), startSeconds },
      calibration,
      runs: { hotPath, fixedRate, baseline },
      ratio,
      grants: { pairs, throughputCostPercent, serverCpuAddedUs, allowShare },
      durability: { responses201, committedDecisions: committedInRuns, committedAuditEntries: auditInRuns, ok: durable },
      cleanup,
      targets: [
        {
          name: `POST ${HOT_PATH} throughput (${connections} connections)`,
          target: `≥ ${THROUGHPUT_TARGET} req/s`,
          value: `${hotPath.requestsPerSecond} req/s`,
          pass: hotPath.requestsPerSecond >= THROUGHPUT_TARGET && hotPath.non2xx === 0,
        },
        {
          name: `p99 at ${FIXED_RATE} req/s`,
          target: `≤ ${P99_TARGET_MS} ms`,
          value: `${fixedRate.latencyMs.p99} ms`,
          pass: fixedRate.latencyMs.p99 <= P99_TARGET_MS && fixedRate.non2xx === 0,
        },
        { name: "hot path vs Next route baseline", target: `≥ ${BASELINE_RATIO_TARGET}×`, value: `${ratio}×`, pass: ratio >= BASELINE_RATIO_TARGET },
        {
          name: `what signing grants costs the hot path (median of ${GRANT_PAIRS} alternating pairs)`,
          target: `≤ ${GRANT_COST_TARGET_PERCENT} % of throughput`,
          value: `${throughputCostPercent} %, +${serverCpuAddedUs} µs node CPU per request`,
          pass: throughputCostPercent <= GRANT_COST_TARGET_PERCENT,
        },
        {
          // Our server must answer every request; the baseline's timeouts under load are its own.
          name: "hot path answers every request with a durable 201",
          target: "0 failed, rows ≥ 201s",
          value: `${hotPath.non2xx + hotPath.errors + fixedRate.non2xx + fixedRate.errors} failed, ${responses201} × 201, ${committedInRuns} rows`,
          pass: durable && [hotPath, fixedRate].every((run) => run.non2xx === 0 && run.errors === 0),
        },
      ],
    };
  } catch (error) {
    await db?.end().catch(() => {});
    await stopServer(server, exited, seenPids, log);
    throw error;
  } finally {
    process.removeListener("SIGINT", interrupt);
  }
}

/** Waits until the server's processes use less than `cores` over a `windowMs` window. */
export async function waitUntilQuiet(serverPid: number, options: { cores: number; windowMs: number; timeoutMs: number }): Promise<{ seconds: number; quiet: boolean }> {
  const started = performance.now();
  while (performance.now() - started < options.timeoutMs) {
    const before = sampleCpu(serverPid);
    await new Promise((resolve) => setTimeout(resolve, options.windowMs));
    const split = cpuSplit(before, sampleCpu(serverPid));
    if (split.serverCores + split.postgresCores < options.cores) return { seconds: Math.round((performance.now() - started) / 1000), quiet: true };
  }
  return { seconds: Math.round((performance.now() - started) / 1000), quiet: false };
}

function requestHeaders(): Record<string, string> {
  return { "content-type": "application/json", authorization: `Bearer ${DEMO_AGENT_KEY}` };
}

/** Pre-serialised bodies so the load generator, which shares the 2 cores, spends little CPU. */
function createBodies(count: number, seed: number): string[] {
  const document = loadExamplePolicy();
  const random = createRandom(seed);
  // Customers drawn from a large pool: limits trip now and then, as with real traffic.
  return Array.from({ length: count }, () => JSON.stringify(generateRequest(random, document, { customers: 50_000, undefinedDataSources: false })));
}

const ECHO_SERVER = `
const server = require("node:http").createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = JSON.stringify({ received: Buffer.concat(chunks).length });
    res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;

async function measureEcho(generator: LoadGenerator, connections: number, seconds: number): Promise<HttpBenchResult["calibration"]> {
  const echo = spawn(process.execPath, ["-e", ECHO_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => echo.once("exit", resolve));
  try {
    const port = await new Promise<string>((resolve, reject) => {
      echo.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      echo.once("exit", () => reject(new Error("the echo server exited")));
    });
    const result = await generator.run(`http://127.0.0.1:${port}`, HOT_PATH, { connections, duration: seconds });
    return { echoRequestsPerSecond: result.requestsPerSecond, p99Ms: result.latencyMs.p99 };
  } finally {
    echo.kill("SIGTERM");
    // Reaped before any measured run, whose load-generator CPU counts this process's reaped children.
    await exited;
  }
}

export interface BenchServer {
  server: ChildProcess;
  exited: Promise<void>;
  base: string;
  startSeconds: number;
}

/**
 * Builds the console if stale, then starts `mandate start --no-build` on a fresh data directory
 * (the build was just made; --no-build keeps an edit landing in between from rebuilding it again).
 * The checkout is shared: another session may be building at the same time, or remove .next while
 * the server loads it, so a build or start that fails is retried after building again.
 */
export async function startBenchServer(nodeArgs: string[], log: (line: string) => void, section = "http"): Promise<BenchServer> {
  const attempts = 4;
  for (let attempt = 1; ; attempt += 1) {
    let server: ChildProcess | null = null;
    let exited: Promise<void> = Promise.resolve();
    try {
      log(`${section}: building the console if stale (node bin/mandate.js build --if-stale)`);
      await runCli(["build", "--if-stale"], process.env);

      // A fresh data directory: no decisions from an earlier run skew limit counts or table sizes.
      await runCli(["db", "stop-embedded"], { ...process.env, MANDATE_DATA_DIR: DATA_DIR });
      rmSync(DATA_DIR, { recursive: true, force: true });
      mkdirSync(DATA_DIR, { recursive: true });

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        MANDATE_DATA_DIR: DATA_DIR,
        MANDATE_SEED_DEMO: "true",
        MANDATE_BENCH_BASELINE: "1",
        NEXT_TELEMETRY_DISABLED: "1",
      };
      delete env.DATABASE_URL; // the embedded PostgreSQL, as `npm start` on a fresh machine

      const logFile = path.join(DATA_DIR, "server.log");
      const logFd = openSync(logFile, "a");
      const started = performance.now();
      log(`${section}: starting node ${[...nodeArgs, "bin/mandate.js", "start", "--no-build"].join(" ")} on port ${port} (log: ${path.relative(ROOT, logFile)})`);
      const child = spawn(process.execPath, [...nodeArgs, CLI, "start", "--no-build"], { cwd: ROOT, env, stdio: ["ignore", logFd, logFd] });
      closeSync(logFd);
      server = child;
      exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      await waitForHealth(base, child, logFile);
      const startSeconds = Math.round((performance.now() - started) / 100) / 10;
      log(`${section}: server ready in ${startSeconds}s`);
      return { server: child, exited, base, startSeconds };
    } catch (error) {
      if (server) await stopServer(server, exited, new Set(), log);
      if (attempt >= attempts) throw error;
      // Usually another session building in this checkout ("Another next build process is already running").
      log(`${section}: could not build or start (attempt ${attempt} of ${attempts}), retrying in 20s: ${(error as Error).message.split("\n")[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }
  }
}

async function waitForHealth(base: string, server: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10 * 60_000; // `start` may build the console first
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the server exited (${server.exitCode ?? server.signalCode}) before it was ready:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server was not ready within 10 minutes:\n${tail(logFile)}`);
}

export async function stopServer(server: ChildProcess, exited: Promise<void>, pids: Set<number>, log: (line: string) => void) {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill("SIGTERM");
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30_000))]);
    if (timedOut) {
      log("http: the server did not stop within 30s of SIGTERM; killing it");
      server.kill("SIGKILL");
      await exited;
    }
  }
  // Safety net: the embedded PostgreSQL normally stops with the server.
  await runCli(["db", "stop-embedded"], { ...process.env, MANDATE_DATA_DIR: DATA_DIR });
  const leftover = [...pids].filter(isAlive);
  const postgresStopped = !existsSync(path.join(DATA_DIR, "pg", "postmaster.pid"));
  return { serverExited: !isAlive(server.pid!), postgresStopped, leftover };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // Child output goes to our stderr so stdout carries only the table and the JSON summary.
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`mandate ${args.join(" ")} exited with ${code}`))));
  });
}

/** Decisions and their audit entries, counted in one statement so both see the same commits. */
async function countWrites(db: pg.Client): Promise<{ decisions: number; auditEntries: number }> {
  const { rows } = await db.query<{ decisions: number; auditEntries: number }>(
    `SELECT (SELECT count(*) FROM decisions)::int AS "decisions",
            (SELECT count(*) FROM audit_entries WHERE action = 'decision.create')::int AS "auditEntries"`,
  );
  return rows[0]!;
}

async function decisionMix(db: pg.Client, since: Date): Promise<Record<string, number>> {
  const { rows } = await db.query<{ decision: string; count: number }>(
    "SELECT decision::text AS decision, count(*)::int AS count FROM decisions WHERE created_at >= $1 GROUP BY decision ORDER BY decision",
    [since],
  );
  return Object.fromEntries(rows.map((row) => [row.decision, row.count]));
}

/**
 * Samples pg_stat_activity on its own connection, to tell CPU-bound sessions from ones waiting on
 * a lock (the per-limit advisory locks), on WAL or on the application (idle in transaction).
 */
export function watchSessions(url: string): { stop(): Promise<SessionStates> } {
  const client = new pg.Client({ connectionString: url });
  const totals: SessionStates = { running: 0, lockWait: 0, ioWait: 0, idleInTransaction: 0, idle: 0 };
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<Record<keyof SessionStates, number>>(
        `SELECT count(*) FILTER (WHERE state = 'active' AND wait_event_type IS NULL)::int AS "running",
                count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS "lockWait",
                count(*) FILTER (WHERE state = 'active' AND wait_event_type IN ('IO', 'LWLock'))::int AS "ioWait",
                count(*) FILTER (WHERE state = 'idle in transaction')::int AS "idleInTransaction",
                count(*) FILTER (WHERE state = 'idle')::int AS "idle"
           FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      for (const key of Object.keys(totals) as (keyof SessionStates)[]) totals[key] += rows[0]![key];
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const average = (value: number) => Math.round((value / Math.max(1, samples)) * 10) / 10;
      return Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, average(value)])) as unknown as SessionStates;
    },
  };
}

function perRequest(cores: number, requestsPerSecond: number): number {
  return requestsPerSecond > 0 ? Math.round((cores / requestsPerSecond) * 1e6) : 0;
}

export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The server writes its profile when it exits; each run gets the part recorded during it. */
export function attachProfiles(dir: string, windows: Map<{ profile?: ProfileSummary }, { fromUs: number; toUs: number }>, log: (line: string) => void): void {
  // One file per thread; the main thread's, which serves HTTP, is by far the largest.
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".cpuprofile")) : [];
  const file = files.sort((a, b) => statSync(path.join(dir, b)).size - statSync(path.join(dir, a)).size)[0];
  if (!file) {
    log(`http: no CPU profile was written to ${dir}`);
    return;
  }
  for (const [run, { fromUs, toUs }] of windows) run.profile = summarizeProfile(path.join(dir, file), fromUs, toUs);
  log(`http: CPU profile ${path.relative(ROOT, path.join(dir, file))}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "(no server log)";
  }
}
