import os from "node:os";
import { parseArgs } from "node:util";
import { formatDashboardsBench, runDashboardsBench, type DashboardsBenchResult } from "./dashboards-bench";
import { runEngineBench, type EngineBenchResult } from "./engine-bench";
import { runGatewayBench, type GatewayBenchResult, type GatewayRun } from "./gateway-bench";
import { runHttpBench, type HttpBenchResult, type HttpRun } from "./http-bench";
import type { LoadGeneratorName } from "./load-generators";
import { runSimulationBench, type SimulationBenchResult } from "./simulation-bench";
import type { Target } from "./targets";

// `npm run bench`: the performance requirement's measurements. Prints a readable report, then one
// JSON summary line ({ machine, date, sections }) to stdout; progress goes to stderr. Exits 0 when
// a target is missed (each is marked pass/fail): a benchmark reports, it does not gate.
//
//   npm run bench -- --only engine|http|gateway|dashboards|simulation   --duration <seconds per HTTP run>   --profile
//                    --load wrk|autocannon   (HTTP load: wrk when installed, else autocannon)
// The dashboards section generates 1,000,000 decisions the first time (minutes, about 4 GB in
// .data/bench-dashboards) and reuses them afterwards.

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    duration: { type: "string", default: "20" },
    profile: { type: "boolean", default: false },
    load: { type: "string" },
  },
});
const only = values.only;
if (only !== undefined && !["engine", "http", "gateway", "dashboards", "simulation"].includes(only)) throw new Error(`--only takes engine, http, gateway, dashboards or simulation, got ${only}`);
if (values.load !== undefined && values.load !== "wrk" && values.load !== "autocannon") throw new Error(`--load takes wrk or autocannon, got ${values.load}`);
const loadGenerator = values.load as LoadGeneratorName | undefined;
const duration = Number(values.duration);
if (!Number.isFinite(duration) || duration <= 0) throw new Error(`--duration takes seconds, got ${values.duration}`);

interface Summary {
  machine: Record<string, unknown>;
  date: string;
  sections: { engine?: EngineBenchResult; http?: HttpBenchResult; gateway?: GatewayBenchResult; dashboards?: DashboardsBenchResult; simulation?: SimulationBenchResult };
  targets: (Target & { section: string })[];
}

const cpus = os.cpus();
const summary: Summary = {
  machine: {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  },
  date: new Date().toISOString(),
  sections: {},
  targets: [],
};

if (only === undefined || only === "engine") {
  console.error("engine: 10,000 mixed requests on the example policy, ours vs cedar-wasm");
  summary.sections.engine = await runEngineBench();
}
if (only === undefined || only === "http") {
  summary.sections.http = await runHttpBench({ duration, profile: values.profile, loadGenerator });
}
if (only === undefined || only === "gateway") {
  summary.sections.gateway = await runGatewayBench({ duration, profile: values.profile, loadGenerator });
}
if (only === undefined || only === "dashboards") {
  console.error("dashboards: every dashboard query and the first history page at 1,000,000 decisions");
  summary.sections.dashboards = await runDashboardsBench({ decisions: 1_000_000, runs: 5 });
}
if (only === undefined || only === "simulation") {
  console.error("simulation: replay 1,000,000 recorded requests against a draft; shadow-mode overhead on the hot path");
  summary.sections.simulation = await runSimulationBench();
}
summary.machine.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
for (const [section, result] of Object.entries(summary.sections)) {
  for (const target of result.targets) summary.targets.push({ section, ...target });
}

console.log(report(summary));
if (summary.sections.dashboards) console.log(formatDashboardsBench(summary.sections.dashboards));
console.log(JSON.stringify(summary));

function report({ machine, date, sections, targets }: Summary): string {
  const lines: string[] = [];
  const number = (value: number) => value.toLocaleString("en-US");
  lines.push(`Mandate benchmark, ${date}`);
  lines.push(`${machine.cpu} × ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`);
  lines.push(`load average at start ${(machine.loadAverageAtStart as number[]).join(" / ")}, at end ${(machine.loadAverageAtEnd as number[]).join(" / ")}`);

  const engine = sections.engine;
  if (engine) {
    lines.push("", `Engine: ${number(engine.requests)} mixed requests on "${engine.policy}" (seed ${engine.seed})`);
    lines.push(
      table(
        ["", "decisions/s", "µs each"],
        [
          ["Mandate engine (preEvaluate + evaluate)", number(engine.ours.decisionsPerSecond), (engine.ours.nsPerDecision / 1000).toFixed(1)],
          [`cedar-wasm ${engine.cedar.version} (${engine.cedar.policies} policies, stateful)`, number(engine.cedar.decisionsPerSecond), (engine.cedar.nsPerDecision / 1000).toFixed(1)],
        ],
      ),
    );
    lines.push(`ratio ${engine.ratio}×; allow/not-allow agreement: ${engine.agreement.mismatches} mismatches of ${number(engine.agreement.compared)}`);
    lines.push(`mix: ${Object.entries(engine.mix).map(([decision, count]) => `${decision} ${number(count)}`).join(", ")}`);
  }

  const http = sections.http;
  if (http) {
    lines.push("", `HTTP: POST /api/v1/decisions, durable writes (${http.server.command}, ready in ${http.server.startSeconds}s)`);
    lines.push(`load: ${http.loadGenerator.name} ${http.loadGenerator.version}; the fixed rate is ${http.loadGenerator.arrivals}`);
    const row = (run: HttpRun) => [
      run.name,
      String(run.connections),
      run.overallRate ? number(run.overallRate) : "max",
      number(run.requestsPerSecond),
      String(run.latencyMs.p50),
      String(run.latencyMs.p90),
      String(run.latencyMs.p99),
      String(run.non2xx + run.errors + run.timeouts),
      `${run.cpu.serverCores} / ${run.cpu.postgresCores} / ${run.cpu.loadGeneratorCores} / ${run.cpu.otherCores} / ${run.cpu.stolenCores ?? 0}`,
      `${run.cpuPerRequestUs.server} / ${run.cpuPerRequestUs.postgres}`,
    ];
    lines.push(
      table(
        ["run", "conns", "rate", "req/s", "p50 ms", "p90 ms", "p99 ms", "failed", "cores: node / postgres / loadgen / other / stolen", "CPU µs per request: node / postgres"],
        [row(http.runs.baseline), row(http.runs.hotPath), row(http.runs.fixedRate)],
      ),
    );
    lines.push(
      table(
        ["postgres sessions (average)", "running", "lock wait", "io/wal wait", "idle in tx", "idle"],
        [http.runs.baseline, http.runs.hotPath, http.runs.fixedRate].map((run) => [
          run.name,
          ...[run.postgresSessions.running, run.postgresSessions.lockWait, run.postgresSessions.ioWait, run.postgresSessions.idleInTransaction, run.postgresSessions.idle].map(String),
        ]),
      ),
    );
    const late = http.runs.fixedRate.late;
    if (late) lines.push(`fixed rate: ${number(late.requests)} arrivals found all ${http.runs.fixedRate.connections} connections busy (the latest ${late.latestMs} ms late; timed from when sent)`);
    lines.push(`hot path / Next route: ${http.ratio}×; a bare node:http echo server does ${number(http.calibration.echoRequestsPerSecond)} req/s here now`);
    lines.push("", `Grant signing (same server, alternating runs; ${http.grants.allowShare}% of decisions are allows and carry a grant):`);
    lines.push(table(["run", "req/s", "p50 ms", "p99 ms", "CPU µs per request: node / postgres"], http.grants.pairs.flatMap((p) => [p.without, p.with]).map((run) => [run.name, number(run.requestsPerSecond), String(run.latencyMs.p50), String(run.latencyMs.p99), `${run.cpuPerRequestUs.server} / ${run.cpuPerRequestUs.postgres}`])));
    lines.push(`grant signing costs ${http.grants.throughputCostPercent}% of throughput (median over pairs), +${http.grants.serverCpuAddedUs} µs node CPU per request`);
    lines.push(
      `durability: ${number(http.durability.responses201)} responses 201; during the runs ${number(http.durability.committedDecisions)} decisions and ${number(http.durability.committedAuditEntries)} audit entries committed`,
    );
    lines.push(`decisions in the hot-path run: ${Object.entries(http.runs.hotPath.decisions).map(([decision, count]) => `${decision} ${number(count)}`).join(", ")}`);
    lines.push(`cleanup: server exited ${http.cleanup.serverExited}, postgres stopped ${http.cleanup.postgresStopped}, leftover processes ${http.cleanup.leftover.length}`);
    for (const run of Object.values(http.runs)) {
      if (!run.profile) continue;
      lines.push("", `Server CPU profile, ${run.name} (${number(run.profile.sampledMs)} ms sampled in ${number(run.profile.windowMs)} ms):`);
      lines.push(table(["where", "ms", "%"], run.profile.byModule.slice(0, 12).map((entry) => [entry.name, number(entry.ms), String(entry.share)])));
      lines.push(table(["function", "ms", "%"], run.profile.byFunction.slice(0, 15).map((entry) => [entry.name, number(entry.ms), String(entry.share)])));
    }
  }

  const gateway = sections.gateway;
  if (gateway) {
    lines.push("", `MCP gateway: tools/call through /mcp vs the same POST to the upstream, ${gateway.upstream}`);
    lines.push(`load: ${gateway.loadGenerator.name} ${gateway.loadGenerator.version}, ${gateway.limited.connections} connections, as fast as they go; direct and gateway runs alternate`);
    const row = (run: GatewayRun) => [
      run.name,
      run.tool,
      number(run.requestsPerSecond),
      String(run.latencyMs.p50),
      String(run.latencyMs.p90),
      String(run.latencyMs.p99),
      String(run.non2xx + run.errors),
      number(run.committedDecisions),
      `${run.cpu.serverCores} / ${run.cpu.postgresCores} / ${run.cpu.loadGeneratorCores} / ${run.cpu.otherCores}`,
      `${run.cpuPerCallUs.server} / ${run.cpuPerCallUs.postgres}`,
    ];
    lines.push(
      table(
        ["run", "tool", "calls/s", "p50 ms", "p90 ms", "p99 ms", "failed", "decisions", "cores: node / postgres / loadgen / other", "CPU µs per call: node / postgres"],
        [...gateway.pairs.flatMap((p) => [row(p.direct), row(p.gateway)]), ...gateway.fixedRate.pairs.flatMap((p) => [row(p.direct), row(p.gateway)]), row(gateway.limited)],
      ),
    );
    lines.push(
      table(
        ["postgres sessions (average)", "running", "lock wait", "io/wal wait", "idle in tx", "idle"],
        [...gateway.pairs.flatMap((p) => [p.direct, p.gateway]), ...gateway.fixedRate.pairs.flatMap((p) => [p.direct, p.gateway]), gateway.limited].map((run) => [
          run.name,
          ...[run.postgresSessions.running, run.postgresSessions.lockWait, run.postgresSessions.ioWait, run.postgresSessions.idleInTransaction, run.postgresSessions.idle].map(String),
        ]),
      ),
    );
    lines.push(
      `medians: direct p50 ${gateway.medians.direct.p50} ms, p99 ${gateway.medians.direct.p99} ms, ${number(gateway.medians.direct.requestsPerSecond)} calls/s; ` +
        `through the gateway p50 ${gateway.medians.gateway.p50} ms, p99 ${gateway.medians.gateway.p99} ms, ${number(gateway.medians.gateway.requestsPerSecond)} calls/s`,
    );
    lines.push(`the gateway adds ${gateway.overheadMs.p50} ms at p50 and ${gateway.overheadMs.p99} ms at p99 (median over pairs), +${gateway.serverCpuAddedUs} µs node CPU and ${gateway.postgresCpuPerCallUs} µs PostgreSQL CPU per call`);
    lines.push(
      `at ${gateway.fixedRate.rate} calls/s offered: direct p50 ${gateway.fixedRate.medians.direct.p50} ms, through the gateway p50 ${gateway.fixedRate.medians.gateway.p50} ms; ` +
        `the gateway adds ${gateway.fixedRate.overheadMs.p50} ms at p50 and ${gateway.fixedRate.overheadMs.p99} ms at p99`,
    );
    lines.push(`limited lane (reroute_parcel → shipment.reroute, a per-customer limit; the carrier refuses: not that customer's parcel): ${number(gateway.limited.requestsPerSecond)} calls/s, p50 ${gateway.limited.latencyMs.p50} ms, p99 ${gateway.limited.latencyMs.p99} ms`);
    lines.push(`gateway decisions (action decision → status): ${Object.entries(gateway.decisions).map(([key, count]) => `${key} ${number(count)}`).join(", ")}`);
    lines.push(`cleanup: server exited ${gateway.cleanup.serverExited}, postgres stopped ${gateway.cleanup.postgresStopped}, leftover processes ${gateway.cleanup.leftover.length}`);
    for (const run of [...gateway.pairs.flatMap((p) => [p.direct, p.gateway]), gateway.limited]) {
      if (!run.profile) continue;
      lines.push("", `Server CPU profile, ${run.name} (${number(run.profile.sampledMs)} ms sampled in ${number(run.profile.windowMs)} ms):`);
      lines.push(table(["where", "ms", "%"], run.profile.byModule.slice(0, 12).map((entry) => [entry.name, number(entry.ms), String(entry.share)])));
      lines.push(table(["function", "ms", "%"], run.profile.byFunction.slice(0, 15).map((entry) => [entry.name, number(entry.ms), String(entry.share)])));
    }
  }

  lines.push("", "Targets");
  lines.push(table(["", "section", "target", "measured", ""], targets.map((t) => [t.pass ? "PASS" : "FAIL", t.section, t.target, t.value, t.name])));
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (column > 0 && /^[\d.,]+$/.test(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [format(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(format)].map((line) => `  ${line}`).join("\n");
}
