import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newAgentKey, publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// Hostile input through real HTTP at every /api/v1 endpoint: never a 5xx, every 4xx an RFC 9457
// problem whose status is the HTTP status, and the server's memory flat. The server runs as a
// child process (fuzz-server.ts) so its resident set size is its own, read from /proc.

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const SEED = 20261207;

let t: TestDatabase;
let server: ChildProcess;
let baseUrl: string;
let port: number;
let key: string;
let decisionId: string;
let serverLog = "";

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  key = await newAgentKey(t, "fuzz-bot", 0); // rate limit off
  server = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./fuzz-server.ts", import.meta.url))], {
    env: { ...process.env, FUZZ_DATABASE_URL: t.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stderr!.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.once("exit", (code) => reject(new Error(`fuzz server exited with ${code}: ${serverLog}`)));
  });
  port = Number(new URL(baseUrl).port);
  const created = await fetch(`${baseUrl}/api/v1/decisions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: '{"action":"return.label"}' });
  decisionId = ((await created.json()) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
  await t.drop();
});

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  return kb / 1024;
}

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Sent as raw bytes on its own connection (malformed HTTP node's client would refuse to write). */
  raw?: Buffer;
}

const utf8 = (text: string) => Buffer.from(text, "utf8");

function hostileShots(): fc.Arbitrary<Shot> {
  const validBody = fc.constantFrom(
    '{"action":"return.label"}',
    '{"action":"refund.issue","customer":{"id":"cus_f"},"params":{"amount":12.5,"currency":"USD"}}',
    '{"action":"order.cancel","params":{"amount":200.00000000000001,"currency":"USD"}}',
    '{"status":"failed","external_ref":"re_1"}',
    '{"reason":"other","note":"fuzz"}',
  );
  const mutate = (text: string) =>
    fc.oneof(
      fc.constant(text),
      fc.nat({ max: text.length }).map((n) => text.slice(0, n)), // truncated
      fc.nat({ max: text.length }).map((n) => `${text.slice(0, n)}\\u0000${text.slice(n)}`),
      fc.constantFrom('"\\ud800"', '"\\udc00x"', '"\u0000"', "\"\ud800\"").map((bad) => text.replace(/"[^"]*"(?=[,}])/, bad)),
      fc.constant(text.replace(/^\{/, '{"action":"x.y",')), // duplicate key when action is present
      fc.constant(text.replace(/\}$/, `,"pad":"${"x".repeat(70_000)}"}`)), // oversize
    );
  const deep = fc.integer({ min: 1, max: 5_000 }).map((n) => (n % 2 ? `${"[".repeat(n)}${"]".repeat(n)}` : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`));
  const hugeNumber = fc.constantFrom(`{"action":"refund.issue","customer":{"id":"c"},"params":{"amount":${"9".repeat(5_000)}}}`, '{"action":"x","params":{"amount":1e999999999}}', '{"action":"x","params":{"n":-1e-999999999}}', '{"action":"return.label","context":{"confidence":1e400}}', `[${"1".repeat(60_000)}]`);
  const textBody = fc.oneof(
    { weight: 3, arbitrary: validBody.chain(mutate) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: hugeNumber },
    { weight: 1, arbitrary: fc.constant("") },
  );
  const body = fc.oneof(
    { weight: 8, arbitrary: textBody.map(utf8) },
    { weight: 2, arbitrary: fc.tuple(textBody, fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes.map((b) => b | 0x80))), fc.nat()).map(([text, bad, at]) => { const bytes = utf8(text); const cut = bytes.length ? at % bytes.length : 0; return Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]); }) }, // invalid UTF-8 bytes
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  );
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.constant("/api/v1/decisions") },
    { weight: 3, arbitrary: fc.constantFrom("DEC", "dec_nope", "dec_" + "x".repeat(61), "dec_%00", "dec_../../x", "dec_a?x=1").map((id) => `/api/v1/decisions/${id}`) },
    { weight: 3, arbitrary: fc.constantFrom("DEC", "dec_nope").map((id) => `/api/v1/decisions/${id}/outcome`) },
    { weight: 3, arbitrary: fc.constant("/api/v1/reviews") },
    { weight: 1, arbitrary: fc.constantFrom("/api/v1/openapi.json", "/api/v1/admin/audit/verify", "/api/v1/", "/api/v1/nope", "/api/v1/decisions/", "/api/v1//decisions", "/api/v1/decisions?x=%ff", "/api/v1/%E0%A4%A", "/healthz", "/readyz") },
  );
  const method = fc.oneof({ weight: 8, arbitrary: fc.constant("AUTO") }, { weight: 2, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD") });
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant("application/json") },
    { weight: 2, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/problem+json", "application/json; charset=latin1", "multipart/form-data; boundary=x", "", "application/jsonx", "APPLICATION/JSON") },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant("Bearer GOOD") },
    { weight: 2, arbitrary: fc.constantFrom("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer GOOD", "Bearer mdt_" + "x".repeat(43), "Bearer GOOD GOOD", "Bearer " + "a".repeat(5_000)) },
  );
  const idempotency = fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(..."abcdef0123456789-") }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "x".repeat(256), "é", "\u00ff\u00fe", "a\tb") },
  );
  const request: fc.Arbitrary<Shot> = fc.record({ method, path, contentType, auth, idempotency, body }).map(({ method: m, path: p, contentType: type, auth: a, idempotency: key_, body: b }) => {
    const resolvedPath = p.replace("DEC", decisionId);
    const resolvedMethod = m === "AUTO" ? (resolvedPath.endsWith("/outcome") || resolvedPath === "/api/v1/decisions" || resolvedPath === "/api/v1/reviews" ? "POST" : "GET") : m;
    const headers: Record<string, string> = {};
    if (type) headers["content-type"] = type;
    if (a) headers.authorization = a.replaceAll("GOOD", key);
    if (key_ !== null) headers["idempotency-key"] = key_;
    return { method: resolvedMethod, path: resolvedPath, headers, body: resolvedMethod === "GET" || resolvedMethod === "HEAD" ? null : b };
  });
  const raw = fc
    .constantFrom(
      "GARBAGE\r\n\r\n",
      "GET /api/v1/decisions HTTP/1.1\r\nHost: x\r\nX: a\u0001b\r\n\r\n",
      "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n",
      "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      `GET /api/v1/decisions/dec_x HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`,
      "GET /api/v1/decisions/dec_x HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET  /api/v1 HTTP/1.1\r\n\r\n",
      "POST /api/v1/decisions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\u00fe\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .map((text) => ({ method: "RAW", path: "", headers: {}, body: null, raw: Buffer.from(text, "latin1") }));
  return fc.oneof({ weight: 30, arbitrary: request }, { weight: 1, arbitrary: raw });
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(shot: Shot): Promise<Answer> {
  if (shot.raw) return sendRaw(shot.raw);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: shot.method, path: shot.path, headers: { ...shot.headers, ...(shot.body ? { "content-length": String(shot.body.length) } : {}) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${shot.method} ${shot.path}`)));
    req.end(shot.body ?? undefined);
  });
}

function sendRaw(bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error("no answer to a raw request")));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      // Every answer on the connection counts: no 5xx anywhere.
      if (/HTTP\/1\.1 5\d\d/.test(text)) return resolve({ status: 500, type: "", body: text.slice(0, 500) });
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), type: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "", body: rest.join("\r\n\r\n") });
    });
  });
}

describe("fuzz", () => {
  it(`${REQUESTS.toLocaleString("en-US")} hostile requests: no 5xx, every 4xx a problem+json with its status, memory flat`, async () => {
    const shots = fc.sample(hostileShots(), { numRuns: REQUESTS, seed: SEED });
    const rssAtStart = rssMb(server.pid!);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < shots.length) {
          const shot = shots[next++]!;
          const describeShot = () => `${shot.method} ${shot.path} ${JSON.stringify(shot.headers).slice(0, 200)} ${(shot.raw ?? shot.body ?? Buffer.alloc(0)).toString("utf8").slice(0, 200)}`;
          let answer: Answer;
          try {
            answer = await send(shot);
          } catch (error) {
            failures.push(`${(error as Error).message}: ${describeShot()}`);
            continue;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 500 || answer.status < 100) {
            failures.push(`${answer.status}: ${describeShot()} → ${answer.body.slice(0, 300)}`);
          } else if (answer.status >= 400 && shot.method !== "HEAD") {
            let problem: Record<string, unknown> | null = null;
            try {
              problem = JSON.parse(answer.body) as Record<string, unknown>;
            } catch {
              /* reported below */
            }
            const shaped =
              answer.type.startsWith("application/problem+json") &&
              problem !== null &&
              typeof problem.type === "string" &&
              typeof problem.title === "string" &&
              typeof problem.code === "string" &&
              (problem.detail === undefined || typeof problem.detail === "string") &&
              problem.status === answer.status;
            if (!shaped) failures.push(`not a problem: ${answer.status} ${answer.type} ${answer.body.slice(0, 200)} for ${describeShot()}`);
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(server.exitCode, `the server died: ${serverLog.slice(-3000)}`).toBeNull();
    const rssAtEnd = rssMb(server.pid!);
    console.log(
      `fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; server RSS ${rssAtStart.toFixed(1)} → ${rssAtEnd.toFixed(1)} MB`,
    );
    expect(failures.slice(0, 20), `${failures.length} failures; server log: ${serverLog.slice(0, 2000)}`).toEqual([]);
    expect(rssAtEnd - rssAtStart).toBeLessThan(50);
    // The mix reached the decision path and every refusal path.
    for (const status of [200, 201, 400, 401, 404, 405, 413, 415]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 180_000);
});
