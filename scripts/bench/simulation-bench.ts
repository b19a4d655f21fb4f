import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { createAgent } from "@/lib/agents/create-agent";
import { createAgentApi } from "@/lib/api/agent-api";
import { AgentAuthenticator } from "@/lib/api/agent-auth";
import type { ApiRequest } from "@/lib/api/http";
import { RateLimiter } from "@/lib/api/rate-limiter";
import { cliActor } from "@/lib/audit/actor";
import { startEmbeddedPostgres, stopEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate, MigrationError } from "@/lib/db/migrate";
import { createPool } from "@/lib/db/pool";
import { createPrismaClient, type Db } from "@/lib/db/prisma";
import { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { compilePolicy, type DecisionRequest } from "@/lib/engine";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { createDraft } from "@/lib/policy/create-draft";
import { editDraft } from "@/lib/policy/edit-draft";
import { importPolicy } from "@/lib/policy/import-policy";
import { decideReplayed, UsageLedger } from "@/lib/simulation/replay";
import { setDraftShadow } from "@/lib/simulation/set-draft-shadow";
import { evaluateShadow, SHADOW_INSERT_SQL, shadowBatch, ShadowEvaluator, type ShadowObservation } from "@/lib/simulation/shadow";
import { startSimulationRunner } from "@/lib/simulation/simulation-runner";
import { loadExamplePolicy } from "./engine-bench";
import { sampleCpu, type CpuSample } from "./process-cpu";
import { createRandom, type Random } from "./random";
import { generateRequest } from "./requests";
import type { Target } from "./targets";

// The simulation and shadow-mode measurements of issue #7:
//  1. a draft replayed over 1,000,000 recorded requests through the real runner (progress writes,
//     cancel checks), target under a minute;
//  2. the agent API's decisions per second in process (the same handler `mandate start` mounts,
//     against PostgreSQL) with no draft in shadow and with one, alternating, target a few percent.
// The history is synthetic (the example policy's own decisions on generated requests, limits
// counted as they accrue) and kept in the data directory, so later runs skip generating it.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEFAULT_DATA_DIR = path.join(ROOT, ".data", "bench-simulation");
const HISTORY_KEY = "bench.simulation.history";
const DAY_MS = 86_400_000;

export const SIMULATION_SECONDS_TARGET = 60;
export const SHADOW_OVERHEAD_TARGET_PERCENT = 5;

export interface SimulationBenchOptions {
  /** Recorded requests in the simulated period. */
  requests?: number;
  /** An existing PostgreSQL database (it gets migrated); otherwise an embedded one under .data/bench-simulation. */
  databaseUrl?: string;
  dataDir?: string;
  /** Seconds per shadow run, and how many pairs of runs (without, with) alternate. */
  shadowSeconds?: number;
  shadowRounds?: number;
  /** Requests in flight during the shadow runs. */
  concurrency?: number;
  /** Skip one part. */
  only?: "simulation" | "shadow";
  log?: (line: string) => void;
}

export interface SimulationBenchResult {
  history: { requests: number; seedRequests: number; periodStart: string; periodEnd: string; generatedSeconds: number | null };
  simulation?: {
    requests: number;
    /** From queueing the run to its completed status, through the runner. */
    wallSeconds: number;
    /** The replay itself, as the run's result records it. */
    replaySeconds: number;
    requestsPerSecond: number;
    changed: number;
    kindChanged: number;
    seededUsageEvents: number;
    progressUpdates: number;
    peakRssMiB: number;
    /** CPU seconds of this process (the runner) during the run: the replay is single-threaded, so on an idle machine wall time approaches it. */
    runnerCpuSeconds: number;
    /** Average cores used during the run by this process, the embedded PostgreSQL, and everything else on the machine. */
    cpu: CoreSplit;
  };
  shadow?: {
    concurrency: number;
    secondsPerRun: number;
    decisionsPerSecondWithout: number[];
    decisionsPerSecondWith: number[];
    /** Cores the rest of the machine used during each run (other sessions share these cores). */
    otherCores: number[];
    medianWithout: number;
    medianWith: number;
    /** Fewer decisions per second with a draft in shadow, medians. */
    overheadPercent: number;
    /** CPU (this process and PostgreSQL) per decision, per run. */
    cpuMicrosPerDecisionWithout: number[];
    cpuMicrosPerDecisionWith: number[];
    /** More CPU per decision with a draft in shadow, medians: what bounds throughput on a busy machine. */
    cpuOverheadPercent: number;
    /** Decisions the draft evaluated, and the rows kept for those it would have decided differently. */
    shadowEvaluations: number;
    shadowRowsWritten: number;
    /**
     * The shadow's own CPU per shadowed decision, measured in isolation: evaluation and JSON in
     * this process, and the batched INSERT in its PostgreSQL backend. Compared with the CPU a
     * decision costs without shadow, it is a steadier figure than rates on a shared machine.
     */
    shadowMicrosPerDecision: { evaluate: number; insert: number };
    /** shadowMicrosPerDecision (both parts) as a share of the CPU a decision costs without shadow. */
    shadowCostPercent: number;
    differing: number;
    /** CPU of one shadow evaluation of one draft, with its row's JSON. */
    evaluateMicros: number;
  };
  targets: Target[];
}

export async function runSimulationBench(options: SimulationBenchOptions = {}): Promise<SimulationBenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const requests = options.requests ?? 1_000_000;
  let embedded: EmbeddedDatabase | null = null;
  let url = options.databaseUrl;
  if (!url) {
    const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
    log(`simulation: embedded PostgreSQL in ${path.relative(ROOT, dataDir)}`);
    embedded = await startEmbeddedPostgres(dataDir);
    url = embedded.url;
    try {
      await migrate(url);
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      // The bench's own scratch database predates a changed migration: start it over.
      log(`simulation: ${error.message.split("\n")[0]} — recreating ${path.relative(ROOT, dataDir)}`);
      await embedded.stop();
      await stopEmbeddedPostgres(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
      embedded = await startEmbeddedPostgres(dataDir);
      url = embedded.url;
    }
  }
  await migrate(url);
  const db = createPrismaClient(url, 4);
  const pool = createPool(url, 30);
  const targets: Target[] = [];
  try {
    const operator = cliActor("bench");
    const history = await ensureHistory(db, pool, requests, log);
    const result: SimulationBenchResult = { history, targets };
    const draftId = await ensureDraft(db, operator);

    if (options.only !== "shadow") {
      result.simulation = await measureSimulation(db, pool, draftId, history, log);
      targets.push({
        name: "simulation of 1,000,000 recorded requests",
        target: `< ${SIMULATION_SECONDS_TARGET} s for ${requests.toLocaleString("en-US")}`,
        value: `${result.simulation.wallSeconds} s (${result.simulation.requestsPerSecond.toLocaleString("en-US")} req/s)`,
        pass: result.simulation.wallSeconds < SIMULATION_SECONDS_TARGET,
      });
    }
    if (options.only !== "simulation") {
      result.shadow = await measureShadow(db, pool, draftId, options, log);
      targets.push({
        name: "shadow overhead on the decision path",
        target: `shadow work ≤ ${SHADOW_OVERHEAD_TARGET_PERCENT}% of a decision's CPU`,
        value: `${result.shadow.shadowCostPercent}% (${result.shadow.shadowMicrosPerDecision.evaluate} + ${result.shadow.shadowMicrosPerDecision.insert} µs of ${median(result.shadow.cpuMicrosPerDecisionWithout)} µs); measured: ${result.shadow.cpuOverheadPercent}% CPU per decision, ${result.shadow.overheadPercent}% fewer decisions/s`,
        pass: result.shadow.shadowCostPercent <= SHADOW_OVERHEAD_TARGET_PERCENT,
      });
    }
    return result;
  } finally {
    await pool.end();
    await db.$disconnect();
    await embedded?.stop();
  }
}

interface History {
  requests: number;
  seedRequests: number;
  periodStart: string;
  periodEnd: string;
  generatedSeconds: number | null;
}

/** The synthetic history, generated once per data directory and size. */
async function ensureHistory(db: Db, pool: pg.Pool, requests: number, log: (line: string) => void): Promise<History> {
  const stored = await db.setting.findUnique({ where: { key: HISTORY_KEY } });
  const previous = stored?.value as History | undefined;
  if (previous && previous.requests === requests) {
    log(`simulation: reusing ${requests.toLocaleString("en-US")} recorded requests (${previous.periodStart} … ${previous.periodEnd})`);
    return { ...previous, generatedSeconds: null };
  }
  if (previous || (await db.decision.count()) > 0) throw new Error("the bench database holds another history: remove .data/bench-simulation (or pass an empty database)");

  const started = performance.now();
  const operator = cliActor("bench");
  const document = loadExamplePolicy();
  await importPolicy(db, operator, { text: JSON.stringify(document), publish: true, reason: "simulation bench", source: "cli" });
  const version = await db.policyVersion.findFirstOrThrow({ orderBy: { version: "desc" }, select: { id: true, version: true } });
  const agents: string[] = [];
  for (const name of ["support-bot", "returns-bot", "billing-bot"]) agents.push((await createAgent(db, operator, { name, rateLimitPerSecond: 0 })).agent.id);

  // 30 days of requests, plus 10% more in the 5 days before, so the period starts with limits in use.
  const periodEnd = Math.floor(Date.now() / 60_000) * 60_000;
  const periodStart = periodEnd - 30 * DAY_MS;
  const seedRequests = Math.round(requests / 10);
  const random = createRandom(2026);
  const policy = compilePolicy(document, version.version);
  const ledger = new UsageLedger(policy);
  const total = seedRequests + requests;
  const batch = 5_000;
  let pending: Promise<unknown> = Promise.resolve();
  log(`simulation: generating ${total.toLocaleString("en-US")} recorded requests (once per data directory)`);
  for (let offset = 0; offset < total; offset += batch) {
    const rows: Record<string, unknown>[] = [];
    for (let i = offset; i < Math.min(total, offset + batch); i++) {
      const at =
        i < seedRequests
          ? periodStart - 5 * DAY_MS + Math.floor((i / seedRequests) * 5 * DAY_MS)
          : periodStart + Math.floor(((i - seedRequests) / requests) * 30 * DAY_MS);
      rows.push(recordedRow(random, document, policy, ledger, at, i, agents, version));
    }
    await pending;
    // One insert in flight while the next batch is generated.
    pending = pool.query(INSERT_HISTORY, [JSON.stringify(rows)]);
    if (offset % 100_000 === 0) log(`simulation: … ${offset.toLocaleString("en-US")}`);
  }
  await pending;
  await pool.query("ANALYZE decisions");
  const history: History = {
    requests,
    seedRequests,
    periodStart: new Date(periodStart).toISOString(),
    periodEnd: new Date(periodEnd).toISOString(),
    generatedSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  await db.setting.create({ data: { key: HISTORY_KEY, value: history as object } });
  log(`simulation: history ready in ${history.generatedSeconds}s`);
  return history;
}

const INSERT_HISTORY = `
  INSERT INTO decisions (id, agent_id, policy_version_id, policy_version, action, intent, customer_id, amount, currency, channel,
    confidence, request, decision, status, authority, tier, owner, reasons, reason_codes, action_digest, counts_to_limits, created_at, updated_at)
  SELECT r.id, r.agent_id, r.policy_version_id, r.policy_version, r.action, r.intent, r.customer_id, r.amount, r.currency, r.channel,
         r.confidence, r.request, r.decision::"DecisionKind", r.status::"DecisionStatus", r.authority, r.tier, r.owner, r.reasons,
         ARRAY(SELECT jsonb_array_elements(r.reasons)->>'code'), md5(r.id), r.counts_to_limits, r.created_at, r.created_at
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, agent_id uuid, policy_version_id uuid, policy_version int, action text, intent text,
         customer_id text, amount numeric, currency text, channel text, confidence float8, request jsonb, decision text, status text,
         authority text, tier text, owner text, reasons jsonb, counts_to_limits boolean, created_at timestamptz)`;

const STATUS = { allow: "allowed", deny: "denied", step_up: "needs_step_up", escalate: "escalated" } as const;

function recordedRow(
  random: Random,
  document: PolicyDocument,
  policy: ReturnType<typeof compilePolicy>,
  ledger: UsageLedger,
  at: number,
  index: number,
  agents: string[],
  version: { id: string; version: number },
): Record<string, unknown> {
  const request: DecisionRequest = generateRequest(random, document, { customers: 20_000, undefinedDataSources: false });
  const agentId = agents[index % agents.length]!;
  const amount = request.params?.amount === undefined ? null : String(request.params.amount);
  const decided = decideReplayed(policy, ledger, { id: "", at, action: request.action, request, decision: "allow", tier: null, agentId, amount, countsToLimits: false, paused: false });
  // Most holds are approved by a supervisor; those count toward limits from then on.
  const approved = decided.decision === "hold" && random.chance(0.6);
  const counts = decided.decision === "allow" || approved;
  const customerId = request.customer?.id ?? null;
  if (counts) ledger.record(request.action, customerId, agentId, amount, at);
  return {
    id: `dec_${at.toString(36).padStart(9, "0")}${index.toString(36).padStart(6, "0")}`,
    agent_id: agentId,
    policy_version_id: version.id,
    policy_version: version.version,
    action: request.action,
    intent: request.intent ?? null,
    customer_id: customerId,
    amount,
    currency: request.params?.currency ?? null,
    channel: request.context?.channel ?? null,
    confidence: request.context?.confidence ?? null,
    request,
    decision: decided.decision,
    status: decided.decision === "hold" ? (approved ? "approved" : "rejected") : STATUS[decided.decision],
    authority: policy.actions.get(request.action)?.authority ?? null,
    tier: decided.tier,
    owner: policy.actions.get(request.action)?.owner ?? null,
    reasons: decided.reasons.map(({ code, message }) => ({ code, message })),
    counts_to_limits: counts,
    created_at: new Date(at).toISOString(),
  };
}

/** A draft that moves decisions: refunds up to 100 need no approval, order cancellations need one above 100. */
async function ensureDraft(db: Db, operator: ReturnType<typeof cliActor>): Promise<string> {
  const existing = await db.policyDraft.findFirst({ where: { title: "Simulation bench draft", status: "open" }, select: { id: true } });
  if (existing) return existing.id;
  const draft = await createDraft(db, operator, { title: "Simulation bench draft" });
  const stored = await db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true } });
  const document = stored.document as unknown as PolicyDocument;
  const refund = structuredClone(document.actions.find((a) => a.key === "refund.issue")!);
  refund.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
  refund.limits = [
    { scope: "customer", window: "30d", max_count: 3, on_exceed: "hold" },
    { scope: "agent", window: "1h", max_amount: 1500, on_exceed: "deny" },
  ];
  await editDraft(db, operator, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: refund } });
  const cancel = structuredClone(document.actions.find((a) => a.key === "order.cancel")!);
  cancel.risk = [{ if: { amount: { lte: 100 } }, tier: "medium" }, { tier: "high" }];
  await editDraft(db, operator, { draftId: draft.id, revision: 2, edit: { section: "actions", op: "upsert", originalKey: "order.cancel", item: cancel } });
  return draft.id;
}

async function measureSimulation(db: Db, pool: pg.Pool, draftId: string, history: History, log: (line: string) => void): Promise<NonNullable<SimulationBenchResult["simulation"]>> {
  const draft = await db.policyDraft.findUniqueOrThrow({ where: { id: draftId }, select: { revision: true } });
  let progressUpdates = 0;
  let peakRss = process.memoryUsage().rss;
  const runner = startSimulationRunner(pool, {
    log: (line) => log(`simulation: ${line}`),
    onProgress: () => {
      progressUpdates++;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  try {
    const started = performance.now();
    const cpuBefore = sampleCpu(process.pid);
    const ownBefore = process.cpuUsage();
    const run = await db.simulationRun.create({
      data: { draftId, draftRevision: draft.revision, periodStart: new Date(history.periodStart), periodEnd: new Date(history.periodEnd), createdById: "00000000-0000-0000-0000-000000000000" },
      select: { id: true },
    });
    runner.wake();
    log(`simulation: replaying ${history.requests.toLocaleString("en-US")} requests through the runner`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const state = await db.simulationRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, error: true, result: true } });
      if (state.status === "completed") {
        const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
        const cpu = splitCores(cpuBefore, sampleCpu(process.pid));
        const own = process.cpuUsage(ownBefore);
        const result = state.result as { total: number; changed: number; kindChanged: number; seededUsageEvents: number; durationMs: number; requestsPerSecond: number };
        log(`simulation: ${result.total.toLocaleString("en-US")} requests in ${wallSeconds}s (${result.requestsPerSecond.toLocaleString("en-US")}/s), ${result.changed.toLocaleString("en-US")} changed`);
        return {
          requests: result.total,
          wallSeconds,
          replaySeconds: Math.round(result.durationMs / 100) / 10,
          requestsPerSecond: Math.round(result.total / wallSeconds),
          changed: result.changed,
          kindChanged: result.kindChanged,
          seededUsageEvents: result.seededUsageEvents,
          progressUpdates,
          peakRssMiB: Math.round(peakRss / 2 ** 20),
          runnerCpuSeconds: Math.round((own.user + own.system) / 1e5) / 10,
          cpu,
        };
      }
      if (state.status !== "running" && state.status !== "queued") throw new Error(`the simulation ended ${state.status}: ${state.error}`);
    }
  } finally {
    await runner.stop();
  }
}

async function measureShadow(db: Db, pool: pg.Pool, draftId: string, options: SimulationBenchOptions, log: (line: string) => void): Promise<NonNullable<SimulationBenchResult["shadow"]>> {
  const seconds = options.shadowSeconds ?? 10;
  const rounds = options.shadowRounds ?? 3;
  const concurrency = options.concurrency ?? 16;
  const operator = cliActor("bench");
  const name = `shadow-bench-${Date.now().toString(36)}`;
  const { apiKey } = await createAgent(db, operator, { name, rateLimitPerSecond: 0 });

  const runtime = new PolicyRuntime(pool);
  await runtime.start();
  const auth = new AgentAuthenticator(pool);
  const shadow = new ShadowEvaluator(pool, { onError: (error) => log(`shadow: ${(error as Error).message}`) });
  await shadow.start();
  const handle = createAgentApi({ pool, runtime, auth, limiter: new RateLimiter(), shadow });

  const document = loadExamplePolicy();
  const random = createRandom(11);
  const bodies = Array.from({ length: 20_000 }, () => Buffer.from(JSON.stringify(generateRequest(random, document, { customers: 50_000, undefinedDataSources: false }))));
  let cursor = 0;
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey.key}`, "content-type": "application/json" };
  const request = (): ApiRequest => {
    const body = bodies[cursor++ % bodies.length]!;
    return { method: "POST", path: "/api/v1/decisions", header: (h) => headers[h], readBody: async () => body };
  };

  const setShadow = async (on: boolean) => {
    await setDraftShadow(db, operator, { draftId, shadow: on });
    await shadow.refresh();
    if (shadow.activeDrafts().length !== (on ? 1 : 0)) throw new Error("the shadow draft did not (de)activate");
  };

  // Decisions per second over `seconds`, counting until the shadow results of the run are written,
  // and the CPU (this process and PostgreSQL) each decision cost: on a shared machine the rate
  // swings with other sessions' load, the CPU per decision much less.
  const measure = async (): Promise<{ rate: number; cpuMicros: number; nodeMicros: number; otherCores: number }> => {
    const cpuBefore = sampleCpu(process.pid);
    const ownBefore = process.cpuUsage();
    let done = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const response = await handle(request());
          if (response.status === 201) done++;
          else if (failed++ < 3) log(`shadow: ${response.status} ${response.body}`);
        }
      }),
    );
    await shadow.flush();
    const own = process.cpuUsage(ownBefore);
    const cpuAfter = sampleCpu(process.pid);
    const nodeSeconds = (own.user + own.system) / 1e6;
    const cpuSeconds = nodeSeconds + (cpuAfter.postgres - cpuBefore.postgres);
    return {
      rate: Math.round(done / ((performance.now() - started) / 1000)),
      cpuMicros: Math.round((cpuSeconds * 1e6) / Math.max(1, done)),
      nodeMicros: Math.round((nodeSeconds * 1e6) / Math.max(1, done)),
      otherCores: splitCores(cpuBefore, cpuAfter).otherCores,
    };
  };

  try {
    await setShadow(false);
    log(`shadow: warming up (${concurrency} in flight)`);
    const warmDeadline = performance.now() + 3000;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmDeadline) await handle(request());
    }));
    const without: number[] = [];
    const withShadow: number[] = [];
    const otherCores: number[] = [];
    const cpuWithout: number[] = [];
    const cpuWith: number[] = [];
    const evaluatedBefore = shadow.stats.evaluated;
    const differingBefore = shadow.stats.differing;
    for (let round = 0; round < rounds; round++) {
      // Alternate, so drift (a growing table, another process's load) hits both alike.
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        await setShadow(on);
        const run = await measure();
        otherCores.push(run.otherCores);
        (on ? withShadow : without).push(run.rate);
        (on ? cpuWith : cpuWithout).push(run.cpuMicros);
        log(`shadow: round ${round + 1}, ${on ? "with a draft in shadow" : "no draft in shadow  "}: ${run.rate} decisions/s, ${run.cpuMicros} µs CPU each, ${run.nodeMicros} of them in node (other processes: ${run.otherCores} cores)`);
      }
    }
    await setShadow(false);
    const medianWithout = median(without);
    const medianWith = median(withShadow);
    const differing = await db.shadowResult.count({ where: { draftId, differs: true } });
    const shadowMicros = await measureShadowCost(pool, db, draftId, document);
    return {
      concurrency,
      secondsPerRun: seconds,
      decisionsPerSecondWithout: without,
      decisionsPerSecondWith: withShadow,
      otherCores,
      medianWithout,
      medianWith,
      overheadPercent: Math.round(((medianWithout - medianWith) / medianWithout) * 1000) / 10,
      cpuMicrosPerDecisionWithout: cpuWithout,
      cpuMicrosPerDecisionWith: cpuWith,
      cpuOverheadPercent: Math.round(((median(cpuWith) - median(cpuWithout)) / median(cpuWithout)) * 1000) / 10,
      shadowCostPercent: Math.round(((shadowMicros.evaluate + shadowMicros.insert) / median(cpuWithout)) * 1000) / 10,
      evaluateMicros: shadowMicros.evaluate,
      shadowEvaluations: shadow.stats.evaluated - evaluatedBefore,
      shadowRowsWritten: shadow.stats.differing - differingBefore,
      shadowMicrosPerDecision: shadowMicros,
      differing,
    };
  } finally {
    await shadow.stop();
    runtime.stop();
    await auth.close();
  }
}

/**
 * The shadow's work for one decision, in isolation, as the flusher does it: evaluating recent
 * requests against the draft (the live answer from the published policy), counting them and
 * writing the JSON of the rows that differ (this process's CPU), then running the flusher's
 * statement for batches of 1,000 (the PostgreSQL backend's CPU, read from /proc; rolled back).
 */
async function measureShadowCost(pool: pg.Pool, db: Db, draftId: string, document: PolicyDocument): Promise<{ evaluate: number; insert: number }> {
  const draft = await db.policyDraft.findUniqueOrThrow({ where: { id: draftId }, select: { document: true } });
  const drafts = [{ id: draftId, policy: compilePolicy(draft.document as unknown as PolicyDocument, 0) }];
  const live = compilePolicy(document, 0);
  const random = createRandom(5);
  const { rows: recent } = await pool.query<{ id: string }>(`SELECT id FROM decisions ORDER BY created_at DESC LIMIT 1000`);
  const batch = recent.map((row) => {
    const observation: ShadowObservation = {
      decisionId: row.id,
      createdAt: new Date(),
      request: generateRequest(random, document, { customers: 50_000, undefinedDataSources: false }),
      agentName: "bench",
      paused: null,
      live: { decision: "allow", tier: null },
      usage: null,
    };
    const answer = evaluateShadow(live, observation);
    observation.live = { decision: answer.decision, tier: answer.tier };
    return { observation, drafts };
  });
  const written = () => {
    const { rows, counts } = shadowBatch(batch);
    return [JSON.stringify(rows), JSON.stringify(counts)];
  };
  written(); // warm
  const rounds = 20;
  const ownBefore = process.cpuUsage();
  const statements: string[][] = [];
  for (let round = 0; round < rounds; round++) statements.push(written());
  const own = process.cpuUsage(ownBefore);

  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
    const backend = rows[0]!.pid;
    const before = sampleCpu(backend).postgres;
    for (const params of statements) {
      await client.query("BEGIN");
      await client.query(SHADOW_INSERT_SQL, params);
      await client.query("ROLLBACK");
    }
    const insertSeconds = sampleCpu(backend).postgres - before;
    const per = rounds * batch.length;
    return { evaluate: Math.round((((own.user + own.system) / per) * 10)) / 10, insert: Math.round(((insertSeconds * 1e6) / per) * 10) / 10 };
  } finally {
    client.release();
  }
}

interface CoreSplit {
  /** This process: the runner, or the agent API handler and its load. */
  benchCores: number;
  /** The embedded PostgreSQL, when this process started it. */
  postgresCores: number;
  /** Everything else on the machine: other sessions share these cores. */
  otherCores: number;
  machineCores: number;
}

/** Average cores busy between two samples (process-cpu's split counts this process twice when it is both server and load). */
function splitCores(before: CpuSample, after: CpuSample): CoreSplit {
  const seconds = (after.wallMs - before.wallMs) / 1000;
  const cores = (value: number) => Math.round((Math.max(0, value) / seconds) * 100) / 100;
  const own = after.server - before.server;
  const postgres = after.postgres - before.postgres;
  const machine = after.machine - before.machine;
  const steal = after.steal - before.steal;
  return { benchCores: cores(own), postgresCores: cores(postgres), otherCores: cores(machine - own - postgres - steal), machineCores: cores(machine) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
