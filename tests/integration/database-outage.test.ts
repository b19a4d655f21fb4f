import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

/**
 * A TCP proxy in front of the test database, so a test can drop the agent API's connections
 * mid-query and refuse new ones (the database "goes away") without stopping the shared server.
 */
class DatabaseLink {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    this.frozen = false;
    this.server = net.createServer((inbound) => {
      const outbound = net.connect(this.target.port, this.target.host);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {});
      }
      inbound.on("data", (chunk) => !this.frozen && outbound.write(chunk));
      outbound.on("data", (chunk) => !this.frozen && inbound.write(chunk));
      inbound.on("close", () => outbound.destroy());
      outbound.on("close", () => inbound.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Queries in flight hang: nothing passes either way until cut. */
  freeze(): void {
    this.frozen = true;
  }

  /** Every connection dropped and new ones refused. */
  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = null;
  }
}

let t: TestDatabase;
let link: DatabaseLink;
let api: ApiServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  const url = new URL(t.appUrl); // the application's role, as a server connects
  link = new DatabaseLink({ host: url.hostname, port: Number(url.port) });
  await link.open();
  url.hostname = "127.0.0.1";
  url.port = String(link.port);
  url.searchParams.set("application_name", "outage-api"); // so the test can terminate only the API's backends
  api = await startApiServer(t, { url: url.toString() });
  call = client(api.url, await newAgentKey(t, "outage-bot"));
});
afterAll(async () => {
  await api.close().catch(() => {});
  await link.cut().catch(() => {});
  await t.drop();
});

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - started > ms) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readiness = async () => {
  const res = await fetch(`${api.url}/readyz`);
  return { status: res.status, type: res.headers.get("content-type"), retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Record<string, unknown> };
};

function expectUnavailable(res: Awaited<ReturnType<typeof call>>) {
  expect(res.status).toBe(503);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.headers.get("retry-after")).toBe("1");
  expect(res.body).toMatchObject({ status: 503, code: "unavailable" });
}

describe("the database goes away and comes back", () => {
  it("answers 201 or 503, never 500, while its backends are terminated under load", async () => {
    const statuses = new Map<number, number>();
    for (let round = 0; round < 5; round++) {
      const burst = Array.from({ length: 40 }, (_, i) =>
        i % 4 === 3
          ? call("POST", "/api/v1/reviews", { reason: "other", note: `round ${round}` })
          : call("POST", "/api/v1/decisions", { action: i % 2 ? "return.label" : "refund.issue", customer: { id: `cus_${i}` }, params: { amount: 5 } }, i % 3 ? {} : { "idempotency-key": `kill-${round}-${i}` }),
      );
      await new Promise((resolve) => setTimeout(resolve, 5 + round * 5));
      await t.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'outage-api'`);
      for (const res of await Promise.all(burst)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 503) expectUnavailable(res);
        else expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    }
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    await until(() => call("POST", "/api/v1/decisions", { action: "return.label" }), (res) => res.status === 201);
  }, 60_000);

  // Bug: a database connection dropped mid-request was a 500, not a 503, and /healthz said 200
  // while the database was down (there was no readiness check).
  it("answers 503 (never 500, never allow) mid-request and while it is down, /readyz follows, then recovers", async () => {
    const first = await call("POST", "/api/v1/decisions", { action: "return.label" });
    expect(first.status).toBe(201);
    expect((await readiness()).status).toBe(200);

    // Mid-request: the queries of these requests are in flight when every connection drops.
    link.freeze();
    const inFlight = Promise.all([
      call("POST", "/api/v1/decisions", { action: "return.label" }),
      call("POST", "/api/v1/decisions", { action: "return.label" }, { "idempotency-key": "outage-1" }),
      call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "cus_1" }, params: { amount: 10 } }),
      call("GET", `/api/v1/decisions/${first.body.id}`),
      call("POST", "/api/v1/reviews", { reason: "other", note: "mid-outage" }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await link.cut();
    for (const res of await inFlight) expectUnavailable(res);

    // Down: connections are refused.
    expectUnavailable(await call("POST", "/api/v1/decisions", { action: "return.label" }));
    expectUnavailable(await call("POST", `/api/v1/decisions/${first.body.id}/outcome`, { status: "failed" }));
    const notReady = await until(readiness, (r) => r.status === 503);
    expect(notReady).toMatchObject({ status: 503, retryAfter: "1", body: { status: 503, code: "unavailable" } });
    expect(notReady.type).toContain("application/problem+json");
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200); // the process lives

    // Past the policy snapshot's freshness too: still 503, never a decision on stale state.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expectUnavailable(await call("POST", "/api/v1/decisions", { action: "return.label" }));

    await link.open(link.port);
    expect((await until(readiness, (r) => r.status === 200)).status).toBe(200);
    const after = await until(() => call("POST", "/api/v1/decisions", { action: "return.label" }), (res) => res.status === 201);
    expect(after.status).toBe(201);
    expect((await call("GET", `/api/v1/decisions/${first.body.id}`)).status).toBe(200);
  }, 60_000);
});
