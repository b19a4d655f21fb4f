import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { DEMO_AGENT_KEY } from "@/lib/demo/demo-credentials";
import { CARRIER_PATH } from "@/lib/demo/systems/carrier";
import { INVENTORY_LOG_PATH } from "@/lib/demo/systems/inventory-log";
import { GATEWAY_PATH } from "@/lib/gateway/mcp-endpoint";
import { attachProfiles, DATA_DIR, LOAD_DIR, monotonicUs, startBenchServer, stopServer, waitUntilQuiet, watchSessions, type SessionStates } from "./http-bench";
import { chooseLoadGenerator, type LoadGenerator, type LoadGeneratorName } from "./load-generators";
import { cpuSplit, descendants, sampleCpu, type CpuSplit } from "./process-cpu";
import type { ProfileSummary } from "./profile-summary";
import { createRandom } from "./random";
import type { Target } from "./targets";

// The MCP gateway (/mcp) against calling its upstream directly, on the production server with the
// demo workspace, whose systems of record (lib/demo/systems) run on the same port and are the
// gateway's upstreams. Both sides get the same raw JSON-RPC POST (stateless Streamable HTTP: one
// POST per tools/call, no initialize), the same headers and bodies; only the path differs.
//
// The limit-free lane: `record_adjustment` on the inventory log, mapped to `inventory.adjust`
// (execute, medium risk, no limits: allowed), so the gateway decides (engine, a durable decision +
// audit entry), forwards with a grant over the SDK's client, and records the outcome after
// answering. The demo's read-only tools (`get_order`, `track_parcel`) map to `order.status`, which
// is say-only and so denied: they cannot be the allowed tool. Called directly, the upstream needs a
// grant too: each direct body carries a valid grant for exactly its call, minted from the agent API
// just before the run; the first use records the adjustment and later ones are refused as reused
// after the same verification (signature, expiry, digest), so the upstream's work matches.
// The limited lane: `reroute_parcel` on the carrier, mapped to `shipment.reroute` (limit: 2 per
// customer per 24 h, hold), so each call also takes the limit's lock and count and looks for an
// earlier hold. Customers are drawn from a large pool so the limit rarely trips; the carrier then
// refuses the reroute (not that customer's parcel) after verifying the grant: the whole path runs.

export const GATEWAY_OVERHEAD_P50_TARGET_MS = 2;
/** The offered rate of the fixed-rate pairs: well inside what both paths sustain on a 2-core machine. */
const FIXED_RATE = 100;
const PAIRS = 3;
const DISTINCT_CALLS = 50;
const SECTION = "gateway";

export interface GatewayBenchOptions {
  /** Seconds per load run. */
  duration?: number;
  connections?: number;
  /** Calls per second offered in the fixed-rate pairs. */
  rate?: number;
  profile?: boolean;
  loadGenerator?: LoadGeneratorName;
  log?: (line: string) => void;
}

export interface GatewayRun {
  name: string;
  path: string;
  tool: string;
  connections: number;
  durationSeconds: number;
  /** The offered rate (open loop), or null for as fast as the connections go. */
  offeredRate: number | null;
  requestsPerSecond: number;
  latencyMs: { average: number; p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
  cpu: CpuSplit;
  /** CPU microseconds per answered call, by consumer. */
  cpuPerCallUs: { server: number; postgres: number };
  /** Decisions committed during the run (through the gateway: one per call). */
  committedDecisions: number;
  /** The server's PostgreSQL sessions by state, averaged over the run (sampled every 200 ms). */
  postgresSessions: SessionStates;
  profile?: ProfileSummary;
}

export interface GatewayBenchResult {
  loadGenerator: { name: LoadGeneratorName; version: string };
  server: { startSeconds: number };
  upstream: string;
  /** Direct then through the gateway, alternating, so drift on a shared machine falls on both. */
  pairs: { direct: GatewayRun; gateway: GatewayRun }[];
  /** Medians over the pairs of (through the gateway − direct). */
  overheadMs: { p50: number; p99: number };
  /**
   * The same comparison at a fixed offered rate over the same connections (open loop, Poisson
   * arrivals): what a call waits when the server is not saturated. At saturation, with closed-loop
   * connections, p50 is about connections ÷ throughput, so the saturated overhead is about
   * connections × the gateway's own CPU per call, whatever that CPU goes to.
   */
  fixedRate: { rate: number; pairs: { direct: GatewayRun; gateway: GatewayRun }[]; overheadMs: { p50: number; p99: number }; medians: GatewayBenchResult["medians"] };
  medians: { direct: { p50: number; p99: number; requestsPerSecond: number }; gateway: { p50: number; p99: number; requestsPerSecond: number } };
  /** Node CPU the gateway adds per call (median over pairs), and PostgreSQL CPU per call through it. */
  serverCpuAddedUs: number;
  postgresCpuPerCallUs: number;
  limited: GatewayRun;
  /** What each gateway call decided and how it ended, over all gateway runs, read back from PostgreSQL. */
  decisions: Record<string, number>;
  cleanup: { serverExited: boolean; postgresStopped: boolean; leftover: number[] };
  targets: Target[];
}

export async function runGatewayBench(options: GatewayBenchOptions = {}): Promise<GatewayBenchResult> {
  const duration = options.duration ?? 20;
  const connections = options.connections ?? 50;
  const rate = options.rate ?? FIXED_RATE;
  const log = options.log ?? ((line: string) => console.error(`${line}`));

  const headers = callHeaders();
  const adjustments = adjustmentCalls(DISTINCT_CALLS, 13);
  const limitFree = chooseLoadGenerator(options.loadGenerator, { headers, bodies: adjustments.map((call, i) => rpcCall(i + 1, call)), workDir: workDir("adjust") });
  const limited = chooseLoadGenerator(options.loadGenerator, { headers, bodies: rerouteBodies(20_000, 17), workDir: workDir("reroute") });
  log(`${SECTION}: load from ${limitFree.name} ${limitFree.version}, ${connections} connections, ${duration}s per run`);

  const profileDir = path.join(DATA_DIR, "cpu-profile");
  const nodeArgs = options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const { server, exited, base, startSeconds } = await startBenchServer(nodeArgs, log, SECTION);
  const interrupt = () => {
    server.kill("SIGTERM");
    process.exitCode = 130;
  };
  process.once("SIGINT", interrupt);

  let db: pg.Client | null = null;
  const seenPids = new Set<number>();
  const windows = new Map<GatewayRun, { fromUs: number; toUs: number }>();
  try {
    const { url } = await startEmbeddedPostgres(DATA_DIR); // joins the server's cluster
    db = new pg.Client({ connectionString: url });
    await db.connect();

    // Direct calls with a grant each, minted now (grants expire) for exactly those calls.
    const direct = async () => chooseLoadGenerator(options.loadGenerator, { headers, bodies: await withGrants(base, adjustments), workDir: workDir("adjust-direct") });
    // Each path answers the call as expected before anything is timed.
    const [firstDirect] = await withGrants(base, adjustments.slice(0, 1));
    await probe(base, INVENTORY_LOG_PATH, headers, firstDirect!, { gateway: false });
    await probe(base, INVENTORY_LOG_PATH, headers, firstDirect!, { gateway: false }); // a reused grant: refused as such, after verification
    // The demo's systems are registered as tool servers once the server listens: wait for the gateway to list them.
    await waitForGatewayTool(base, headers, "record_adjustment");
    await probe(base, GATEWAY_PATH, headers, rpcCall(1, adjustments[0]!), { gateway: true });
    await probe(base, GATEWAY_PATH, headers, rerouteBodies(1, 1)[0]!, { gateway: true });

    // The gateway records outcomes after answering: a run leaves a backlog of them, which would
    // fall on the next run (and starves the pool meanwhile: see quiet()). Each run starts quiet.
    const quiet = async () => {
      const waited = await waitUntilQuiet(server.pid!, { cores: 0.3, windowMs: 1_000, timeoutMs: 60_000 });
      if (waited.seconds > 2) log(`${SECTION}: waited ${waited.seconds}s for the previous run's outcomes to be recorded${waited.quiet ? "" : " (still busy)"}`);
    };
    const settled = await waitUntilQuiet(server.pid!, { cores: 0.1, windowMs: 2_000, timeoutMs: 180_000 });
    log(`${SECTION}: server settled after ${settled.seconds}s of background work${settled.quiet ? "" : " (still busy: measuring anyway)"}`);
    await (await direct()).run(base, INVENTORY_LOG_PATH, { connections, duration: 3 });
    await limitFree.run(base, GATEWAY_PATH, { connections, duration: 3 });
    await quiet();
    await limited.run(base, GATEWAY_PATH, { connections, duration: 2 });

    const since = new Date();
    const measure = async (name: string, generator: LoadGenerator | (() => Promise<LoadGenerator>), target: string, tool: string, offeredRate?: number): Promise<GatewayRun> => {
      await quiet();
      if (typeof generator === "function") generator = await generator();
      for (const proc of descendants(server.pid!)) seenPids.add(proc.pid);
      const before = await countDecisions(db!);
      const fromUs = monotonicUs();
      const cpuBefore = sampleCpu(server.pid!);
      const sessions = watchSessions(url);
      const result = await generator.run(base, target, { connections, duration, ...(offeredRate ? { rate: offeredRate } : {}) });
      const cpu = cpuSplit(cpuBefore, sampleCpu(server.pid!));
      const postgresSessions = await sessions.stop();
      if (server.exitCode !== null || server.signalCode !== null) throw new Error(`the server exited during the ${name} run (${server.exitCode ?? server.signalCode})`);
      const toUs = monotonicUs();
      await new Promise((resolve) => setTimeout(resolve, 500)); // in-flight calls at the cut-off commit too
      const run: GatewayRun = {
        name,
        path: target,
        tool,
        connections,
        durationSeconds: duration,
        offeredRate: offeredRate ?? null,
        requestsPerSecond: result.requestsPerSecond,
        latencyMs: result.latencyMs,
        statuses: result.statuses,
        non2xx: result.non2xx,
        errors: result.errors,
        cpu,
        cpuPerCallUs: { server: perCall(cpu.serverCores, result.requestsPerSecond), postgres: perCall(cpu.postgresCores, result.requestsPerSecond) },
        committedDecisions: (await countDecisions(db!)) - before,
        postgresSessions,
      };
      windows.set(run, { fromUs, toUs });
      log(`${SECTION}: ${name}: ${run.requestsPerSecond} calls/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, statuses ${JSON.stringify(run.statuses)}, ${run.committedDecisions} decisions`);
      return run;
    };

    const pairs: GatewayBenchResult["pairs"] = [];
    for (let i = 1; i <= PAIRS; i++) {
      const directRun = await measure(`direct ${i}/${PAIRS}`, direct, INVENTORY_LOG_PATH, "record_adjustment");
      pairs.push({ direct: directRun, gateway: await measure(`through the gateway ${i}/${PAIRS}`, limitFree, GATEWAY_PATH, "record_adjustment") });
    }
    const fixedPairs: GatewayBenchResult["pairs"] = [];
    for (let i = 1; i <= PAIRS; i++) {
      const directRun = await measure(`direct at ${rate}/s ${i}/${PAIRS}`, direct, INVENTORY_LOG_PATH, "record_adjustment", rate);
      fixedPairs.push({ direct: directRun, gateway: await measure(`through the gateway at ${rate}/s ${i}/${PAIRS}`, limitFree, GATEWAY_PATH, "record_adjustment", rate) });
    }
    const limitedRun = await measure("limited lane, through the gateway", limited, GATEWAY_PATH, "reroute_parcel");
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // outcomes are recorded after the answer
    const decisions = await decisionMix(db, since);
    for (const proc of descendants(server.pid!)) seenPids.add(proc.pid);
    await db.end();
    db = null;

    const cleanup = await stopServer(server, exited, seenPids, log);
    if (options.profile) attachProfiles(profileDir, windows, log);

    const { overheadMs, medians, serverCpuAddedUs, postgresCpuPerCallUs } = summarizePairs(pairs);
    const fixed = summarizePairs(fixedPairs);
    log(`${SECTION}: the gateway adds ${overheadMs.p50} ms at p50 and ${overheadMs.p99} ms at p99 (median of ${PAIRS} pairs), ${serverCpuAddedUs} µs of node CPU per call`);
    log(`${SECTION}: at ${rate} calls/s it adds ${fixed.overheadMs.p50} ms at p50 and ${fixed.overheadMs.p99} ms at p99`);

    const gatewayRuns = [...pairs.map((p) => p.gateway), ...fixedPairs.map((p) => p.gateway), limitedRun];
    const directRuns = [...pairs, ...fixedPairs].map((p) => p.direct);
    const answered = gatewayRuns.every((run) => run.non2xx === 0 && run.errors === 0) && directRuns.every((run) => run.non2xx === 0 && run.errors === 0);
    return {
      loadGenerator: { name: limitFree.name, version: limitFree.version },
      server: { startSeconds },
      upstream: `the inventory log (${INVENTORY_LOG_PATH}) on the same server; limited lane: the carrier (${CARRIER_PATH})`,
      pairs,
      overheadMs,
      fixedRate: { rate, pairs: fixedPairs, overheadMs: fixed.overheadMs, medians: fixed.medians },
      medians,
      serverCpuAddedUs,
      postgresCpuPerCallUs,
      limited: limitedRun,
      decisions,
      cleanup,
      targets: [
        {
          name: `what the gateway adds at the median over calling the upstream directly (record_adjustment, ${connections} connections open, ${rate} calls/s offered, median of ${PAIRS} alternating pairs)`,
          target: `≤ ${GATEWAY_OVERHEAD_P50_TARGET_MS} ms`,
          value: `${fixed.overheadMs.p50} ms (p99: +${fixed.overheadMs.p99} ms)`,
          pass: fixed.overheadMs.p50 <= GATEWAY_OVERHEAD_P50_TARGET_MS && answered,
        },
        {
          name: `the same with ${connections} calls always in flight (closed loop, saturated: about ${connections} × the gateway's CPU per call)`,
          target: `≤ ${GATEWAY_OVERHEAD_P50_TARGET_MS} ms`,
          value: `${overheadMs.p50} ms (p99: +${overheadMs.p99} ms), ${serverCpuAddedUs} µs node CPU added per call`,
          pass: overheadMs.p50 <= GATEWAY_OVERHEAD_P50_TARGET_MS && answered,
        },
        {
          name: "every call answered (direct and through the gateway), one decision per gateway call",
          target: "0 failed",
          value: `${gatewayRuns.concat(directRuns).reduce((sum, run) => sum + run.non2xx + run.errors, 0)} failed`,
          pass: answered,
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

function workDir(name: string): string {
  const dir = path.join(LOAD_DIR, `gateway-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The same headers both ways: an MCP client's (JSON or an event stream), the agent's key and the
 * conversation's context, which the gateway reads and the upstream ignores.
 */
function callHeaders(): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
    authorization: `Bearer ${DEMO_AGENT_KEY}`,
    "mandate-customer-id": "cus_bench",
    "mandate-customer-verified": "true",
    "mandate-conversation-id": "conv_bench",
  };
}

interface Adjustment {
  sku: string;
  quantity: number;
  reason: string;
}

/** Distinct record_adjustment calls, sent in turn (one grant each when called directly). */
function adjustmentCalls(count: number, seed: number): Adjustment[] {
  const random = createRandom(seed);
  const skus = ["NW-JKT-RAIN-M", "NW-JKT-RAIN-L", "NW-BOOT-TRAIL-42", "NW-PACK-DAY-20", "NW-SOCK-WOOL-M"];
  return Array.from({ length: count }, (_, i) => ({ sku: random.pick(skus), quantity: -random.int(1, 5), reason: `damaged in transit (bench ${i + 1})` }));
}

function rpcCall(id: number, args: Adjustment, meta?: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "record_adjustment", arguments: args, ...(meta ? { _meta: meta } : {}) } });
}

/** The same calls, each with a grant for exactly it from POST /api/v1/decisions (what an agent calling the system itself would do). */
async function withGrants(base: string, calls: Adjustment[]): Promise<string[]> {
  return Promise.all(
    calls.map(async (args, i) => {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${base}/api/v1/decisions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_AGENT_KEY}` },
          body: JSON.stringify({ action: "inventory.adjust", params: args, data_sources: ["inventory"], context: { channel: "mcp", conversation_id: "conv_bench" } }),
        });
        const decision = (await response.json()) as { decision?: string; grant?: string };
        if (response.status === 201 && decision.grant) return rpcCall(i + 1, args, { "mandate/grant": decision.grant });
        // 503 while a backlog of gateway outcomes holds the pool: wait it out.
        if (response.status !== 503 || attempt >= 30) throw new Error(`no grant for a direct call (${response.status}): ${JSON.stringify(decision)}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }),
  );
}

/** tools/call reroute_parcel for customers from a large pool (the limit is per customer). */
function rerouteBodies(count: number, seed: number): string[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const customer = `cus_${random.int(1, 1_000_000)}`;
    return JSON.stringify({
      jsonrpc: "2.0",
      id: i + 1,
      method: "tools/call",
      params: {
        name: "reroute_parcel",
        arguments: { customer_id: customer, order_id: "ord_1193", address: { line1: `${random.int(1, 999)} Harbour Street`, city: "Portland", postcode: "97201", country: "US" } },
        // The conversation's customer for this call (over the header's), the one in the arguments.
        _meta: { "mandate/customer_id": customer },
      },
    });
  });
}

/** Polls `tools/list` through the gateway until it offers the tool (at most a minute). */
async function waitForGatewayTool(base: string, headers: Record<string, string>, tool: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${base}${GATEWAY_PATH}`, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/list" }) });
    const listed = (await response.json().catch(() => null)) as { result?: { tools?: { name: string }[] } } | null;
    if (listed?.result?.tools?.some((t) => t.name === tool)) return;
    if (Date.now() > deadline) throw new Error(`the gateway did not offer ${tool} within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** One call, checked: HTTP 200, a JSON-RPC result; through the gateway, a decision id on it and no refusal by Mandate. */
async function probe(base: string, target: string, headers: Record<string, string>, body: string, { gateway }: { gateway: boolean }): Promise<void> {
  const response = await fetch(`${base}${target}`, { method: "POST", headers, body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${target} answered ${response.status}: ${text}`);
  const message = JSON.parse(text) as { result?: { isError?: boolean; _meta?: Record<string, unknown>; structuredContent?: Record<string, unknown> } };
  if (!message.result) throw new Error(`POST ${target} answered no result: ${text}`);
  const refusal = message.result.structuredContent?.refused;
  if (refusal !== undefined && refusal !== "reused" && !(gateway && refusal === "wrong_customer")) throw new Error(`POST ${target}: the system refused the call (${String(refusal)}): ${text}`);
  if (gateway && !message.result._meta?.["mandate/decision"]) throw new Error(`POST ${target} answered without a Mandate decision: ${text}`);
  if (gateway && (message.result.structuredContent?.mandate as { decision?: string } | undefined)?.decision) throw new Error(`Mandate did not let the benchmark's call through: ${text}`);
}

async function countDecisions(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM decisions");
  return rows[0]!.count;
}

async function decisionMix(db: pg.Client, since: Date): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key: string; count: number }>(
    "SELECT action || ' ' || decision::text || ' → ' || status::text AS key, count(*)::int AS count FROM decisions WHERE created_at >= $1 GROUP BY 1 ORDER BY 1",
    [since],
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.count]));
}

type PairRun = Pick<GatewayRun, "requestsPerSecond" | "latencyMs" | "cpuPerCallUs">;

/**
 * The gateway's overhead as the median over pairs of (through the gateway − direct), each pair run
 * back to back: drift on a shared machine between pairs cancels out, which a difference of the two
 * sides' medians would not do.
 */
export function summarizePairs(pairs: { direct: PairRun; gateway: PairRun }[]): Pick<GatewayBenchResult, "overheadMs" | "medians" | "serverCpuAddedUs" | "postgresCpuPerCallUs"> {
  const round = (value: number) => Math.round(value * 100) / 100;
  const side = (runs: PairRun[]) => ({ p50: median(runs.map((r) => r.latencyMs.p50)), p99: median(runs.map((r) => r.latencyMs.p99)), requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)) });
  return {
    overheadMs: {
      p50: round(median(pairs.map((p) => p.gateway.latencyMs.p50 - p.direct.latencyMs.p50))),
      p99: round(median(pairs.map((p) => p.gateway.latencyMs.p99 - p.direct.latencyMs.p99))),
    },
    medians: { direct: side(pairs.map((p) => p.direct)), gateway: side(pairs.map((p) => p.gateway)) },
    serverCpuAddedUs: Math.round(median(pairs.map((p) => p.gateway.cpuPerCallUs.server - p.direct.cpuPerCallUs.server))),
    postgresCpuPerCallUs: Math.round(median(pairs.map((p) => p.gateway.cpuPerCallUs.postgres))),
  };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function perCall(cores: number, callsPerSecond: number): number {
  return callsPerSecond > 0 ? Math.round((cores / callsPerSecond) * 1e6) : 0;
}
