import { fork } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { nodeFetch } from "@/lib/tool-servers/node-fetch";
import { callUpstreamTool, closeUpstreamClients } from "@/lib/tool-servers/upstream-client";

// What callUpstreamTool adds over the cheapest possible call of the same tool: one hand-written
// JSON-RPC POST with fetch to a local, stateless SDK server (as the demo systems run), measured
// one call at a time and with 50 in flight. Also what a fresh connection per call would cost.
//   node --import tsx scripts/bench/upstream-call-bench.ts [--calls 2000]

const { values } = parseArgs({ options: { calls: { type: "string", default: "2000" }, "server-only": { type: "boolean", default: false } } });
const CALLS = Number(values.calls);

const server = http.createServer(async (req, res) => {
  const mcp = new McpServer({ name: "bench-upstream", version: "1.0.0" });
  mcp.registerTool("echo", { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void mcp.close();
  });
  await mcp.connect(transport);
  await transport.handleRequest(req, res);
});
// The upstream runs in its own process, as it would in production: the client's costs are not
// mixed with the server's on one event loop.
if (values["server-only"]) {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send!((server.address() as AddressInfo).port);
  await new Promise(() => {});
}
const child = fork(process.argv[1]!, ["--server-only"], { execArgv: process.execArgv });
const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
const url = `http://127.0.0.1:${port}/mcp`;
const headers = { Authorization: "Bearer bench" };

let id = 0;
const raw = () => rawWith(fetch);
const rawNode = () => rawWith(nodeFetch);
async function rawWith(fetch: (url: string, init: RequestInit) => Promise<Response>): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25", "mandate-grant": "g" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name: "echo", arguments: { text: "hi" }, _meta: { "mandate/grant": "g" } } }),
  });
  const body = (await response.json()) as { result?: unknown };
  if (!body.result) throw new Error("no result");
}

async function gateway(): Promise<void> {
  await callUpstreamTool(url, headers, { name: "echo", arguments: { text: "hi" }, _meta: { "mandate/grant": "g" } }, { extraHeaders: { "Mandate-Grant": "g" } });
}

async function fresh(): Promise<void> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  await client.callTool({ name: "echo", arguments: { text: "hi" } });
  await client.close();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  /** This process's CPU per call (the client's side: the upstream runs in another process). */
  cpuUs: number;
}

async function measure(name: string, fn: () => Promise<void>, calls: number, concurrency: number): Promise<Row> {
  for (let i = 0; i < 200; i++) await fn();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const start = process.hrtime.bigint();
        await fn();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p99: percentile(times, 99), cpuUs: (used.user + used.system) / calls };
}

const rows: Row[] = [];
for (const concurrency of [1, 10, 50]) {
  // Interleaved rounds so that neither side gets the warmer machine.
  for (let round = 0; round < 2; round++) {
    rows.push({ ...(await measure("raw fetch", raw, CALLS, concurrency)), name: `raw global fetch c=${concurrency} round ${round + 1}` });
    rows.push({ ...(await measure("raw nodeFetch", rawNode, CALLS, concurrency)), name: `raw nodeFetch    c=${concurrency} round ${round + 1}` });
    rows.push({ ...(await measure("callUpstreamTool", gateway, CALLS, concurrency)), name: `callUpstreamTool c=${concurrency} round ${round + 1}` });
  }
}
rows.push({ ...(await measure("fresh", fresh, Math.min(CALLS, 500), 1)), name: "fresh Client per call c=1" });
for (const row of rows) console.log(`${row.name.padEnd(32)} p50 ${row.p50.toFixed(3)} ms  p99 ${row.p99.toFixed(3)} ms  client CPU ${row.cpuUs.toFixed(0)} µs/call`);
await closeUpstreamClients();
child.kill();
