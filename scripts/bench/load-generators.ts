import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

// The HTTP benchmark's load, from one of two generators behind one interface.
//
// wrk (C, Debian's `wrk` package) is used when it is installed: it spends 43–49 µs of CPU a
// request where autocannon spends 100–140, on the same two cores the server and PostgreSQL need,
// and with scripts/bench/wrk-load.lua it offers a fixed rate as open-loop Poisson arrivals.
// autocannon (an npm dependency, always there) is the fallback. Its fixed rate is a quota per
// connection per second, sent back to back as fast as answers come: at "1,000/s" the server sees
// bursts at full speed for part of each second, so its p99 there is close to the p99 at full load.
// wrk's percentiles include its own coordinated-omission correction (wrk-load.lua says how), and
// its `timeout` counts answers slower than the timeout rather than requests never answered.

const LUA_SCRIPT = fileURLToPath(new URL("./wrk-load.lua", import.meta.url));

export type LoadGeneratorName = "wrk" | "autocannon";

export interface LoadShape {
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second in all; absent for as fast as the connections go. */
  rate?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyMs: { average: number; p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /**
   * At a fixed rate with wrk: arrivals that found every connection busy and went late, and how
   * late the latest went (their latency is timed from when they were sent).
   */
  late: { requests: number; latestMs: number } | null;
}

export interface LoadGenerator {
  name: LoadGeneratorName;
  version: string;
  /** How a fixed rate is offered, in words, for the report. */
  arrivals: string;
  run(base: string, target: string, shape: LoadShape): Promise<LoadResult>;
}

export interface LoadRequest {
  headers: Record<string, string>;
  /** Pre-serialised bodies, sent in turn. */
  bodies: readonly string[];
  /** A directory the wrk body file may be written to. */
  workDir: string;
}

/** wrk's version line, or null when it is not installed. */
export function wrkVersion(): string | null {
  const result = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (result.error) return null;
  return /^wrk (\S+)/.exec(result.stdout)?.[1] ?? null;
}

/** The generator asked for, or wrk when installed and autocannon otherwise. */
export function chooseLoadGenerator(requested: LoadGeneratorName | undefined, request: LoadRequest): LoadGenerator {
  const version = requested === "autocannon" ? null : wrkVersion();
  if (requested === "wrk" && !version) throw new Error("--load wrk: wrk is not installed (Debian: apt-get install wrk)");
  return version ? wrkGenerator(version, request) : autocannonGenerator(request);
}

function autocannonGenerator({ headers, bodies }: LoadRequest): LoadGenerator {
  let cursor = 0;
  return {
    name: "autocannon",
    version: (JSON.parse(readFileSync(createRequire(import.meta.url).resolve("autocannon/package.json"), "utf8")) as { version: string }).version,
    arrivals: "a quota per connection each second, sent back to back (bursts)",
    async run(base, target, shape) {
      const result = await autocannon({
        url: base,
        connections: shape.connections,
        duration: shape.duration,
        overallRate: shape.rate,
        timeout: 10,
        requests: [{ method: "POST", path: target, headers, setupRequest: (request) => ({ ...request, body: bodies[cursor++ % bodies.length]! }) }],
      });
      return {
        requestsPerSecond: Math.round(result.requests.average),
        latencyMs: { average: result.latency.average, p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count])),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        late: null,
      };
    },
  };
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  latencyUs: { mean: number; p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  errors: { connect: number; read: number; write: number; timeout: number };
  late: number;
  latestMs: number;
}

function wrkGenerator(version: string, { headers, bodies, workDir }: LoadRequest): LoadGenerator {
  const bodyFile = path.join(workDir, "wrk-bodies.txt");
  writeFileSync(bodyFile, bodies.join("\n") + "\n");
  const headerLines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n");
  return {
    name: "wrk",
    version,
    arrivals: "open-loop Poisson arrivals (scripts/bench/wrk-load.lua)",
    async run(base, target, shape) {
      // One thread: it drives 50 connections with a fraction of a core, and a second would take
      // CPU from the server it measures.
      const args = ["-t1", `-c${shape.connections}`, `-d${Math.max(1, Math.round(shape.duration))}s`, "--timeout", "10s", "-s", LUA_SCRIPT, base];
      const env = { ...process.env, MANDATE_BENCH_BODIES: bodyFile, MANDATE_BENCH_PATH: target, MANDATE_BENCH_HEADERS: headerLines, MANDATE_BENCH_RATE: shape.rate ? String(shape.rate) : "" };
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn("wrk", args, { env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}${err}`))));
      });
      return parseWrkOutput(output, Boolean(shape.rate));
    },
  };
}

/** The result in the `MANDATE_WRK {json}` line wrk-load.lua prints when a run is done. */
export function parseWrkOutput(output: string, fixedRate: boolean): LoadResult {
  const line = output.split("\n").find((text) => text.startsWith("MANDATE_WRK "));
  if (!line) throw new Error(`wrk printed no summary:\n${output}`);
  const summary = JSON.parse(line.slice("MANDATE_WRK ".length)) as WrkSummary;
  const ms = (us: number) => Math.round(us / 10) / 100;
  const non2xx = Object.entries(summary.statuses).reduce((sum, [status, count]) => sum + (/^2/.test(status) ? 0 : count), 0);
  const { connect, read, write, timeout } = summary.errors;
  return {
    requestsPerSecond: summary.durationUs > 0 ? Math.round((summary.requests / summary.durationUs) * 1e6) : 0,
    latencyMs: { average: ms(summary.latencyUs.mean), p50: ms(summary.latencyUs.p50), p90: ms(summary.latencyUs.p90), p99: ms(summary.latencyUs.p99), max: ms(summary.latencyUs.max) },
    statuses: summary.statuses,
    non2xx,
    // As autocannon counts them: timeouts are errors too.
    errors: connect + read + write + timeout,
    timeouts: timeout,
    late: fixedRate ? { requests: summary.late, latestMs: summary.latestMs } : null,
  };
}
