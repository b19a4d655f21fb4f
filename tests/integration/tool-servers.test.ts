import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { SYSTEM_ACTOR } from "../../lib/audit/actor";
import type { Role } from "../../lib/policy/roles";
import { listToolServers, loadUpstreams } from "../../lib/tool-servers/queries";
import { refreshToolServer } from "../../lib/tool-servers/refresh-tool-server";
import { registerToolServer } from "../../lib/tool-servers/register-tool-server";
import { removeToolServer } from "../../lib/tool-servers/remove-tool-server";
import { startToolServerRefresher } from "../../lib/tool-servers/tool-server-refresher";
import { callUpstreamTool, closeUpstreamClients, listUpstreamTools, UpstreamProtocolError, UpstreamTimeout, UpstreamUnreachable } from "../../lib/tool-servers/upstream-client";
import { createTestDatabase, type TestDatabase } from "./database";
import { startPlainHttpServer, startTestMcpServer, type TestMcpServer } from "./mcp-test-server";

let t: TestDatabase;
let payments: TestMcpServer;
const SECRET = "Bearer sk_live_do-not-leak-4242";

const user = (roles: Role[]): Actor => ({ type: "user", id: "00000000-0000-0000-0000-00000000000b", label: `${roles.join("+")}@example.com`, roles });
const it_ = user(["it"]);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  t = await createTestDatabase();
  payments = await startTestMcpServer({ tools: ["issue_refund", "list_refunds"], requireHeader: ["authorization", SECRET] });
});
afterAll(async () => {
  await closeUpstreamClients();
  await payments.close();
  await t.drop();
});

describe("registering a tool server", () => {
  it("a supervisor is refused before anything is read or stored", async () => {
    const before = payments.seen.length;
    await expect(registerToolServer(t.db, user(["supervisor"]), { name: "payments", url: payments.url, headers: { Authorization: SECRET } })).rejects.toMatchObject({ code: "forbidden" });
    expect(payments.seen.length).toBe(before);
    expect(await t.db.toolServer.count()).toBe(0);
  });

  it("refuses bad input with the field named: a non-HTTP URL, credentials in the URL, a header with a line break, a reserved header, a bad name", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "payments", url: "ftp://example.com/mcp", headers: {} }, "url"],
      [{ name: "payments", url: "http://user:pw@127.0.0.1/mcp", headers: {} }, "url"],
      [{ name: "payments", url: payments.url, headers: { Authorization: "Bearer x\r\nX-Evil: 1" } }, "headers.Authorization"],
      [{ name: "payments", url: payments.url, headers: { "Mandate-Grant": "forged" } }, "headers.Mandate-Grant"],
      [{ name: "payments", url: payments.url, headers: { "Bad Name": "x" } }, "headers.Bad Name"],
      [{ name: "Payments Gateway", url: payments.url, headers: {} }, "name"],
    ];
    for (const [input, path] of cases) {
      await expect(registerToolServer(t.db, it_, input as never)).rejects.toMatchObject({ code: "validation_failed", errors: expect.arrayContaining([expect.objectContaining({ path })]) });
    }
    expect(await t.db.toolServer.count()).toBe(0);
  });

  it("refuses wrong credentials, naming them", async () => {
    await expect(registerToolServer(t.db, it_, { name: "payments", url: payments.url, headers: { Authorization: "Bearer wrong" } })).rejects.toThrow(/refused the credentials \(HTTP 401\)/);
    expect(await t.db.toolServer.count()).toBe(0);
  });

  it("stores the tools as listed, seals the header values, and audits the names only", async () => {
    const result = await registerToolServer(t.db, it_, { name: "payments", url: payments.url, headers: { Authorization: SECRET } });
    expect(result.tools.map((tool) => tool.name)).toEqual(["issue_refund", "list_refunds"]);
    expect(result.tools[0]).toMatchObject({ name: "issue_refund", title: "Tool issue_refund", description: "The issue_refund tool", inputSchema: { type: "object" }, annotations: { readOnlyHint: false } });

    const [raw] = await t.query<{ headers_sealed: string; header_names: string[]; tools: unknown; status: string; created_by: string }>(`SELECT headers_sealed, header_names, tools, status, created_by FROM tool_servers`);
    expect(raw!.headers_sealed).toMatch(/^enc:/);
    expect(raw!.headers_sealed).not.toContain("sk_live");
    expect(raw).toMatchObject({ header_names: ["Authorization"], status: "ok", created_by: "it@example.com" });

    const audit = await t.query<{ actor_label: string; data: Record<string, unknown>; text: string }>(`SELECT actor_label, data, data::text AS text FROM audit_entries WHERE action = 'tool_server.register'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toEqual({ name: "payments", url: payments.url, header_names: ["Authorization"], tools: ["issue_refund", "list_refunds"] });
    expect(audit[0]!.text).not.toContain("sk_live");

    // Reads for people carry the names, never the values; the gateway's read opens them.
    const listed = await listToolServers(t.db);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain("sk_live");
    expect(listed[0]).toMatchObject({ name: "payments", headerNames: ["Authorization"], status: "ok", lastError: null });
    expect(await loadUpstreams(t.db)).toEqual([{ name: "payments", url: payments.url, headers: { Authorization: SECRET }, tools: result.tools, status: "ok" }]);
  });

  it("refuses a name already registered", async () => {
    await expect(registerToolServer(t.db, it_, { name: "payments", url: payments.url, headers: { Authorization: SECRET } })).rejects.toMatchObject({ code: "conflict", errors: [{ path: "name" }] });
  });

  it("refuses an address where nothing answers", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    await expect(registerToolServer(t.db, it_, { name: "carrier", url, headers: {} })).rejects.toMatchObject({ code: "unprocessable", message: expect.stringMatching(/^Nothing answered at .*ECONNREFUSED/) });
    expect(await t.db.toolServer.count()).toBe(1);
  });

  it("refuses an HTTP server that is not MCP", async () => {
    const web = await startPlainHttpServer();
    try {
      await expect(registerToolServer(t.db, it_, { name: "website", url: web.url, headers: {} })).rejects.toMatchObject({ code: "unprocessable", message: expect.stringMatching(/is not an MCP server over Streamable HTTP \(.*text\/html/) });
    } finally {
      await web.close();
    }
    expect(await t.db.toolServer.count()).toBe(1);
  });

  it("refuses a server exposing a tool name another server already exposes, naming both servers and the tool", async () => {
    const clone = await startTestMcpServer({ tools: ["track_parcel", "issue_refund"] });
    try {
      const refused = registerToolServer(t.db, it_, { name: "carrier", url: clone.url, headers: {} });
      await expect(refused).rejects.toMatchObject({ code: "conflict" });
      await expect(refused).rejects.toThrow(/carrier lists tools another registered server already exposes: issue_refund is already exposed by payments/);
      expect(await t.db.toolServer.count()).toBe(1);
    } finally {
      await clone.close();
    }
  });
});

describe("refreshing and removing", () => {
  it("a refresh records the server going down and coming back, keeps the last tools meanwhile, and audits only a changed list", async () => {
    const carrier = await startTestMcpServer({ tools: ["track_parcel"] });
    await registerToolServer(t.db, user(["admin"]), { name: "carrier", url: carrier.url, headers: {} });
    const audits = () => t.db.auditEntry.count({ where: { action: "tool_server.refresh" } });

    const same = await refreshToolServer(t.db, SYSTEM_ACTOR, { name: "carrier" });
    expect(same).toMatchObject({ status: "ok", lastError: null, change: null });
    expect(await audits()).toBe(0);

    await carrier.close();
    const down = await refreshToolServer(t.db, SYSTEM_ACTOR, { name: "carrier" });
    expect(down).toMatchObject({ status: "unreachable", lastError: expect.stringMatching(/^Nothing answered at/), change: null });
    const stored = (await listToolServers(t.db)).find((s) => s.name === "carrier")!;
    expect(stored).toMatchObject({ status: "unreachable", lastError: down.lastError });
    expect(stored.tools.map((tool) => tool.name)).toEqual(["track_parcel"]);
    expect(await audits()).toBe(0);

    carrier.tools = ["track_parcel", "reroute_parcel"];
    await carrier.reopen();
    const back = await refreshToolServer(t.db, it_, { name: "carrier" });
    expect(back).toMatchObject({ status: "ok", lastError: null, change: { added: ["reroute_parcel"], removed: [], changed: [] } });
    const [entry] = await t.query<{ data: unknown }>(`SELECT data FROM audit_entries WHERE action = 'tool_server.refresh'`);
    expect(entry!.data).toEqual({ name: "carrier", url: carrier.url, added: ["reroute_parcel"], removed: [], changed: [] });

    // A new list that would clash with another server's tool is not taken.
    carrier.tools = ["track_parcel", "issue_refund"];
    const clash = await refreshToolServer(t.db, it_, { name: "carrier" });
    expect(clash).toMatchObject({ status: "error", lastError: expect.stringContaining("issue_refund is already exposed by payments") });
    expect(clash.tools.map((tool) => tool.name)).toEqual(["track_parcel", "reroute_parcel"]);
    await carrier.close();
  });

  it("a supervisor cannot refresh or remove", async () => {
    await expect(refreshToolServer(t.db, user(["supervisor"]), { name: "carrier" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeToolServer(t.db, user(["supervisor"]), { name: "carrier" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("remove deletes the server and its sealed credentials, audited; an unknown name is not found", async () => {
    await expect(removeToolServer(t.db, it_, { name: "nope" })).rejects.toMatchObject({ code: "not_found" });
    const removed = await removeToolServer(t.db, it_, { name: "carrier" });
    expect(removed.tools).toEqual(["track_parcel", "reroute_parcel"]);
    expect((await listToolServers(t.db)).map((s) => s.name)).toEqual(["payments"]);
    const [entry] = await t.query<{ actor_label: string; data: { name: string } }>(`SELECT actor_label, data FROM audit_entries WHERE action = 'tool_server.remove'`);
    expect(entry).toMatchObject({ actor_label: "it@example.com", data: { name: "carrier", tools: ["track_parcel", "reroute_parcel"] } });
  });

  it("the application role can read and change the registry", async () => {
    const app = new (await import("pg")).default.Client({ connectionString: t.appUrl });
    await app.connect();
    try {
      await app.query("BEGIN");
      await app.query(`UPDATE tool_servers SET status = 'error' WHERE name = 'payments'`);
      await app.query(`DELETE FROM tool_servers WHERE name = 'payments'`);
      await app.query("ROLLBACK");
    } finally {
      await app.end();
    }
  });
});

describe("the upstream client", () => {
  it("calls a tool with the credentials, per-call headers and _meta, over one connection it keeps", async () => {
    const before = payments.seen.length;
    const headers = { Authorization: SECRET };
    for (let i = 0; i < 3; i++) {
      const result = await callUpstreamTool(payments.url, headers, { name: "issue_refund", arguments: { text: `r${i}` }, _meta: { "mandate/grant": `g${i}` } }, { extraHeaders: { "Mandate-Grant": `g${i}` } });
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual([{ type: "text", text: `issue_refund:r${i}` }]);
      expect(result.structuredContent).toMatchObject({ meta: { "mandate/grant": `g${i}` } });
    }
    const seen = payments.seen.slice(before);
    // One handshake for three calls, no GET stream held open, and the grant header on each call only.
    expect(seen.map((s) => s.rpc)).toEqual(["initialize", "notifications/initialized", "tools/call", "tools/call", "tools/call"]);
    expect(seen.every((s) => s.method === "POST" && s.headers.authorization === SECRET)).toBe(true);
    expect(seen.filter((s) => s.rpc === "tools/call").map((s) => s.headers["mandate-grant"])).toEqual(["g0", "g1", "g2"]);
    expect(seen.filter((s) => s.rpc !== "tools/call").every((s) => s.headers["mandate-grant"] === undefined)).toBe(true);
  });

  it("an upstream that does not answer in time rejects with UpstreamTimeout; other calls go on", async () => {
    const slow = await startTestMcpServer({ tools: ["slow", "echo"] });
    try {
      const started = Date.now();
      const late = callUpstreamTool(slow.url, {}, { name: "slow", arguments: { ms: 2_000 } }, { timeoutMs: 200 });
      const meanwhile = callUpstreamTool(slow.url, {}, { name: "echo", arguments: { text: "hi" } }, { timeoutMs: 5_000 });
      await expect(late).rejects.toBeInstanceOf(UpstreamTimeout);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect((await meanwhile).content).toEqual([{ type: "text", text: "echo:hi" }]);
    } finally {
      await slow.close();
    }
  });

  it("nothing listening rejects with UpstreamUnreachable; a web page with UpstreamProtocolError", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    await expect(callUpstreamTool(url, {}, { name: "echo", arguments: {} })).rejects.toBeInstanceOf(UpstreamUnreachable);
    await expect(listUpstreamTools(url, {})).rejects.toBeInstanceOf(UpstreamUnreachable);
    const web = await startPlainHttpServer();
    try {
      await expect(listUpstreamTools(web.url, {})).rejects.toBeInstanceOf(UpstreamProtocolError);
    } finally {
      await web.close();
    }
  });

  it("a server restarted between calls is reached again", async () => {
    const flaky = await startTestMcpServer({ tools: ["echo"] });
    try {
      await callUpstreamTool(flaky.url, {}, { name: "echo", arguments: { text: "1" } });
      await flaky.close();
      await expect(callUpstreamTool(flaky.url, {}, { name: "echo", arguments: { text: "2" } })).rejects.toBeInstanceOf(UpstreamUnreachable);
      await flaky.reopen();
      expect((await callUpstreamTool(flaky.url, {}, { name: "echo", arguments: { text: "3" } })).content).toEqual([{ type: "text", text: "echo:3" }]);
    } finally {
      await flaky.close();
    }
  });

  it("the background refresher notices a server going down and coming back, and tells the gateway", async () => {
    const watched = await startTestMcpServer({ tools: [`watch_${Date.now().toString(36)}`] });
    const name = `watched-${Date.now().toString(36)}`;
    await registerToolServer(t.db, SYSTEM_ACTOR, { name, url: watched.url, headers: {} });
    let changes = 0;
    const refresher = startToolServerRefresher(t.db, { intervalMs: 100, onError: () => {}, onChange: () => changes++ });
    try {
      await watched.close();
      await expect.poll(async () => (await listToolServers(t.db)).find((server) => server.name === name)?.status, { timeout: 10_000 }).toBe("unreachable");
      expect(changes).toBeGreaterThan(0);
      await watched.reopen();
      await expect.poll(async () => (await listToolServers(t.db)).find((server) => server.name === name)?.status, { timeout: 10_000 }).toBe("ok");
    } finally {
      await refresher.stop();
      await watched.close();
      await removeToolServer(t.db, SYSTEM_ACTOR, { name });
    }
  });
});
