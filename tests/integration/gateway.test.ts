import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { createPool } from "../../lib/db/pool";
import { recordExecutedOutcome, reportOutcome } from "../../lib/decisions/report-outcome";
import { PaymentGateway } from "../../lib/demo/systems/payment-gateway";
import { drainGatewayOutcomes } from "../../lib/gateway/call-tool";
import { callUpstream } from "../../lib/gateway/call-upstream";
import { listUpstreamTools } from "../../lib/tool-servers/upstream-client";
import type { Upstream } from "../../lib/gateway/types";
import { grantIssuer } from "../../lib/grants/make-grant";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { publicJwks } from "../../lib/keys/key-store";
import { newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

// The MCP gateway with real components only: the SDK's client (and a bare JSON-RPC client over
// fetch) against the real gateway, forwarding over HTTP to real upstream MCP servers.

let t: TestDatabase;
let api: ApiServer;
let key: string;
let payments: PaymentGateway;
const servers: http.Server[] = [];
const upstreams: Upstream[] = [];
const supervisor: Actor = { type: "user", id: "00000000-0000-0000-0000-0000000000b1", label: "sam@example.com", roles: ["supervisor"] };

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** The HTTP methods the ops upstream was sent, in order. */
const opsMethods: string[] = [];

/** An upstream of the test's own: a tool that takes too long, one that fails, one that works. */
function opsServer(): http.RequestListener {
  return (req, res) => {
    opsMethods.push(req.method ?? "");
    const server = new McpServer({ name: "ops", version: "1.0.0" });
    const order = { order_id: z.string(), customer_id: z.string(), address: z.object({ line1: z.string(), postcode: z.string() }).optional() };
    server.registerTool("slow_reroute", { inputSchema: order }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return { content: [{ type: "text", text: "rerouted, late" }] };
    });
    server.registerTool("broken_reroute", { inputSchema: order }, async () => ({ isError: true, content: [{ type: "text", text: "carrier rejected the address" }] }));
    server.registerTool("reroute", { inputSchema: order }, async (args, extra) => ({
      content: [{ type: "text", text: `rerouted ${args.order_id} to ${args.address?.postcode ?? "?"}` }],
      structuredContent: { grant: (extra._meta?.["mandate/grant"] as string | undefined) ?? null, header: extra.requestInfo?.headers["mandate-grant"] ?? null },
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => void transport.close());
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  };
}

const toolMappings = [
  { server: "payments", tool: "issue_refund", action: "refund.issue", customer_id: "customer_id", params: { amount: "amount", currency: "currency", order_id: "order_id" }, data_sources: ["orders", "payments"] },
  { server: "ops", tool: "reroute", action: "shipment.reroute", customer_id: "customer_id", params: { order_id: "order_id" }, data_sources: ["orders", "shipments"] },
  { server: "ops", tool: "slow_reroute", action: "shipment.reroute", customer_id: "customer_id", params: { order_id: "order_id" }, data_sources: ["orders", "shipments"] },
  { server: "ops", tool: "broken_reroute", action: "shipment.reroute", customer_id: "customer_id", params: { order_id: "order_id" }, data_sources: ["orders", "shipments"] },
  { server: "ops", tool: "negotiate", action: "contract.negotiate", params: {}, data_sources: [] },
];

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t, (doc) => {
    (doc as Record<string, unknown>).tools = toolMappings;
  });
  await t.db.user.create({ data: { id: supervisor.id, email: supervisor.label, name: "Sam", roles: ["supervisor"] } });
  payments = new PaymentGateway({ jwks: publicJwks(getKeyStore()), issuer: grantIssuer() });
  const paymentsUrl = await listen((req, res) => void payments.handle(req, res));
  const opsUrl = await listen(opsServer());
  const listTools = (url: string) => listUpstreamTools(url, {});
  upstreams.push({ name: "payments", url: paymentsUrl, headers: {}, tools: await listTools(paymentsUrl), status: "ok" });
  upstreams.push({ name: "ops", url: opsUrl, headers: {}, tools: await listTools(opsUrl), status: "ok" });
  api = await startApiServer(t, { refreshMs: 50, gateway: { upstreams: async () => upstreams, callUpstream, timeoutMs: 1_000 } });
  key = await newAgentKey(t, "support-bot");
});
afterAll(async () => {
  await api.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await t.drop();
});

async function withGateway<T>(run: (client: Client) => Promise<T>, headers: Record<string, string> = {}): Promise<T> {
  const client = new Client({ name: "gateway-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${api.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } } }));
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

const conversation = { "Mandate-Customer-Id": "cus_8841", "Mandate-Customer-Verified": "true", "Mandate-Conversation-Id": "conv_gw", "Mandate-Intent": "shipping_error" };
const refundArgs = (amount: string, customer = "cus_8841", order = "ord_1193") => ({ customer_id: customer, order_id: order, amount, currency: "USD" });
const call = (name: string, args: Record<string, unknown>, headers: Record<string, string> = conversation, meta?: Record<string, unknown>) =>
  withGateway(async (client) => (await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) })) as CallToolResult, headers);
const text = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
const decisionOf = (result: CallToolResult) => result._meta?.["mandate/decision"] as string;
const row = (id: string) => t.db.decision.findUniqueOrThrow({ where: { id } });

describe("the MCP gateway", () => {
  it("lists the mapped tools of the upstreams, schemas unchanged; unmapped and forbidden ones stay hidden", async () => {
    const tools = await withGateway(async (client) => (await client.listTools()).tools);
    expect(tools.map((tool) => tool.name).sort()).toEqual(["broken_reroute", "issue_refund", "reroute", "slow_reroute"]);
    const refund = tools.find((tool) => tool.name === "issue_refund")!;
    expect(refund).toEqual(upstreams[0]!.tools.find((tool) => tool.name === "issue_refund"));
  });

  it("carries out an allowed call with a grant for exactly that call, and records it executed", async () => {
    const result = await call("issue_refund", refundArgs("12.50"));
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("Refunded 12.50 USD to cus_8841");
    const id = decisionOf(result);
    expect(payments.refunds.find((r) => r.decisionId === id)).toBeDefined();
    await drainGatewayOutcomes();
    const decision = await row(id);
    expect(decision.status).toBe("executed");
    expect(decision.request).toMatchObject({ action: "refund.issue", customer: { id: "cus_8841", verified: true }, context: { channel: "mcp", conversation_id: "conv_gw" }, mcp: { server: "payments", tool: "issue_refund", arguments: refundArgs("12.50") } });
    const audit = await t.db.auditEntry.findFirstOrThrow({ where: { subjectId: id, action: "decision.create" } });
    expect(audit.data).toMatchObject({ tool: "payments/issue_refund" });
  });

  it("forwards the grant in _meta and the Mandate-Grant header, with the agent's other _meta", async () => {
    const result = await call("reroute", { order_id: "ord_7", customer_id: "cus_8841", address: { line1: "1 New St", postcode: "10115" } }, conversation, { progressToken: 7 });
    expect(result.isError).toBeFalsy();
    const seen = result.structuredContent as { grant: string; header: string };
    expect(seen.grant).toEqual(seen.header);
    const claims = JSON.parse(Buffer.from(seen.grant.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ action: "shipment.reroute", tool: "reroute", jti: decisionOf(result) });
  });

  it("sends the upstream only POSTs: no event stream is opened for a one-shot call", async () => {
    // Regression: the SDK's client opened a GET event stream at the upstream after every
    // initialize, one more request (and server) per forwarded call, aborted at close.
    const before = opsMethods.length;
    const result = await call("reroute", { order_id: "ord_get", customer_id: "cus_get", address: { line1: "1 Get St", postcode: "10115" } }, { ...conversation, "Mandate-Customer-Id": "cus_get" });
    expect(result.isError).toBeFalsy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // a stream request would have arrived by now
    // tools/call (plus initialize and notifications/initialized when the cached connection is new), never a GET.
    const seen = opsMethods.slice(before);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.filter((method) => method !== "POST")).toEqual([]);
  });

  it("records an outcome on a pool with one connection (the read-back does not wait for a second)", async () => {
    // Regression: reportOutcome read the decision back from the pool while still holding its own
    // connection. Under gateway load (outcomes recorded after each answer) every connection was held
    // by a recording waiting for another: calls stalled 5 s and failed with "timeout exceeded when
    // trying to connect", and the agent API answered 503.
    const response = await fetch(`${api.url}/api/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "shipment.reroute", customer: { id: "cus_pool", verified: true }, params: { order_id: "ord_pool" }, data_sources: ["orders", "shipments"] }),
    });
    const decision = (await response.json()) as { id: string; decision: string; action_digest: string };
    expect(decision.decision).toBe("allow");
    const agent = await t.db.agent.findFirstOrThrow({ where: { name: "support-bot" } });
    const principal = { keyId: "k", agentId: agent.id, agentName: agent.name, rateLimitPerSecond: 0 };
    const pool = createPool(t.url, 1); // a second connection would be refused after 5 s
    try {
      const first = await reportOutcome(pool, principal, decision.id, { status: "executed", action_digest: decision.action_digest });
      expect(first).toMatchObject({ status: 201, body: { status: "executed" } });
      const repeat = await reportOutcome(pool, principal, decision.id, { status: "executed", action_digest: decision.action_digest });
      expect(repeat.status).toBe(200);
    } finally {
      await pool.end();
    }
  });

  it("records an executed call in one statement the same way as the agent's own report, and falls back to it when anything is unusual", async () => {
    const agent = await t.db.agent.findFirstOrThrow({ where: { name: "support-bot" } });
    const principal = { keyId: "k", agentId: agent.id, agentName: agent.name, rateLimitPerSecond: 0 };
    const allow = async (customer: string) => {
      const response = await fetch(`${api.url}/api/v1/decisions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "shipment.reroute", customer: { id: customer, verified: true }, params: { order_id: `ord_${customer}` }, data_sources: ["orders", "shipments"] }),
      });
      const decision = (await response.json()) as { id: string; decision: string; action_digest: string };
      expect(decision.decision).toBe("allow");
      return decision;
    };
    const recorded = async (id: string) => ({
      status: (await row(id)).status,
      outcomes: await t.db.outcome.findMany({ where: { decisionId: id }, select: { status: true, actionDigest: true, detail: true } }),
      audit: await t.db.auditEntry.findMany({ where: { subjectId: id, action: { startsWith: "outcome." } }, select: { action: true, actorType: true, actorId: true, actorLabel: true, data: true } }),
      cases: await t.db.reviewCase.findMany({ where: { decisionId: id }, select: { source: true } }),
    });
    const detail = { upstream: "ops", tool: "reroute" };
    const pool = createPool(t.appUrl, 2); // as the application's own role, which may not rewrite audit entries
    onTestFinished(() => pool.end());

    // One statement, and the same rows as the agent API's report.
    const fast = await allow("cus_fast");
    const viaApi = await allow("cus_api");
    await recordExecutedOutcome(pool, principal, fast.id, fast.action_digest, detail);
    await reportOutcome(pool, principal, viaApi.id, { status: "executed", action_digest: viaApi.action_digest, detail });
    const [a, b] = [await recorded(fast.id), await recorded(viaApi.id)];
    const apart = (r: typeof a) => ({ ...r, outcomes: r.outcomes.map((o) => ({ ...o, actionDigest: undefined })) });
    expect(apart(a)).toEqual(apart(b));
    expect(b.outcomes[0]!.actionDigest).toBe(viaApi.action_digest);
    expect(a).toMatchObject({ status: "executed", outcomes: [{ status: "executed", actionDigest: fast.action_digest, detail }], audit: [{ action: "outcome.executed", actorType: "agent", actorId: agent.id }], cases: [] });
    // Reported twice: the second goes the full way and finds the identical report (no second row).
    await recordExecutedOutcome(pool, principal, fast.id, fast.action_digest, detail);
    expect((await recorded(fast.id)).outcomes).toHaveLength(1);

    // Another action than the one decided: the full path refuses it and opens a case.
    const other = await allow("cus_other");
    await expect(recordExecutedOutcome(pool, principal, other.id, "sha256:" + "0".repeat(64), detail)).rejects.toMatchObject({ code: "action_mismatch" });
    expect(await recorded(other.id)).toMatchObject({ status: "allowed", outcomes: [], cases: [{ source: "action_mismatch" }] });

    // A stop in force anywhere: the full path decides whether it covers this decision (here it does).
    const paused = await allow("cus_paused");
    await t.query(`INSERT INTO stop_switches (id, scope, target, reason, created_by, created_at) VALUES (gen_random_uuid(), 'action', 'shipment.reroute', 'carrier incident', 'it@example.com', now())`);
    try {
      await recordExecutedOutcome(pool, principal, paused.id, paused.action_digest, detail);
      expect(await recorded(paused.id)).toMatchObject({ status: "executed", cases: [{ source: "executed_while_paused" }] });
    } finally {
      await t.query(`UPDATE stop_switches SET lifted_at = now(), lifted_by = 'it@example.com', lift_reason = 'test over' WHERE lifted_at IS NULL`);
    }
  });

  it("holds a large refund: repeats wait without a new decision, the approval carries it out once", async () => {
    const args = refundArgs("300.00", "cus_8841", "ord_hold");
    const held = await call("issue_refund", args);
    expect(held.isError).toBe(true);
    expect(text(held)).toMatch(/a person must approve this first.*1 approval by supervisor.*call the same tool again with the same arguments/is);
    const id = decisionOf(held);
    const count = () => t.db.decision.count({ where: { agent: { name: "support-bot" }, action: "refund.issue" } });
    const before = await count();
    const again = await call("issue_refund", args);
    expect(text(again)).toContain("Still waiting for approval");
    expect(decisionOf(again)).toBe(id);
    expect(await count()).toBe(before);
    expect(payments.refunds.filter((r) => r.orderId === "ord_hold")).toHaveLength(0);

    const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: id } });
    await decideApproval(t.db, supervisor, { approvalId: approval.id, verdict: "approve", reason: "goodwill is fine" });
    const carried = await call("issue_refund", args);
    expect(carried.isError).toBeFalsy();
    expect(decisionOf(carried)).toBe(id);
    expect(payments.refunds.filter((r) => r.orderId === "ord_hold")).toHaveLength(1);
    await drainGatewayOutcomes();
    expect((await row(id)).status).toBe("executed");
    // Carried out once: the next identical call is a new request, held again.
    const next = await call("issue_refund", args);
    expect(decisionOf(next)).not.toBe(id);
    expect(text(next)).toContain("a person must approve this first");
  });

  it("answers a rejected hold's repeats with the rejection for 24 hours instead of a new hold", async () => {
    const args = refundArgs("250.00", "cus_8841", "ord_reject");
    const id = decisionOf(await call("issue_refund", args));
    const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: id } });
    await decideApproval(t.db, supervisor, { approvalId: approval.id, verdict: "reject", reason: "refund already issued by phone" });
    const repeat = await call("issue_refund", args);
    expect(text(repeat)).toContain("a person rejected this: refund already issued by phone");
    expect(decisionOf(repeat)).toBe(id);
  });

  it("an approval for one address never carries out a reroute to another", async () => {
    const addressed = { ...conversation, "Mandate-Customer-Id": "cus_addr" };
    const policyHold = await call("reroute", { order_id: "ord_addr", customer_id: "cus_addr", address: { line1: "1 A St", postcode: "11111" } }, addressed);
    // Rerouting is allowed outright in the example policy: the digest still binds the address.
    const claims = JSON.parse(Buffer.from((policyHold.structuredContent as { grant: string }).grant.split(".")[1]!, "base64url").toString());
    const other = await call("reroute", { order_id: "ord_addr", customer_id: "cus_addr", address: { line1: "1 A St", postcode: "99999" } }, addressed);
    const otherClaims = JSON.parse(Buffer.from((other.structuredContent as { grant: string }).grant.split(".")[1]!, "base64url").toString());
    expect(otherClaims.digest).not.toBe(claims.digest);
  });

  it("denies a call for another customer than the conversation's (customer_mismatch); nothing reaches the upstream", async () => {
    const result = await call("issue_refund", refundArgs("10.00", "cus_someone_else"));
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("is for customer");
    expect((await row(decisionOf(result))).reasonCodes).toEqual(["customer_mismatch"]);
    expect(payments.refunds.filter((r) => r.customerId === "cus_someone_else")).toHaveLength(0);
  });

  it("_meta overrides the headers' context for one call", async () => {
    const result = await call("issue_refund", refundArgs("11.00", "cus_meta"), conversation, { "mandate/customer_id": "cus_meta", "mandate/conversation_id": "conv_meta" });
    expect(result.isError).toBeFalsy();
    expect((await row(decisionOf(result))).conversationId).toBe("conv_meta");
  });

  it("records a call to an unmapped or unknown tool as a denied decision (unmapped_tool)", async () => {
    const unmapped = await call("list_refunds", { customer_id: "cus_8841" });
    expect(unmapped.isError).toBe(true);
    expect(text(unmapped)).toContain("not mapped to an action");
    expect(await row(decisionOf(unmapped))).toMatchObject({ decision: "deny", reasonCodes: ["unmapped_tool"], action: "mcp.payments.list_refunds" });
    const unknown = await call("drop_tables; --", {});
    expect(await row(decisionOf(unknown))).toMatchObject({ decision: "deny", reasonCodes: ["unmapped_tool"], action: "mcp.unknown.drop_tables__--" });
  });

  it("a failing upstream makes the outcome failed; a slow one leaves it unknown with a review case", async () => {
    const broken = await call("broken_reroute", { order_id: "ord_b", customer_id: "cus_broken" }, { ...conversation, "Mandate-Customer-Id": "cus_broken" });
    expect(broken.isError).toBe(true);
    expect(text(broken)).toBe("carrier rejected the address");
    await drainGatewayOutcomes();
    expect((await row(decisionOf(broken))).status).toBe("failed");

    const slow = await call("slow_reroute", { order_id: "ord_s", customer_id: "cus_slow" }, { ...conversation, "Mandate-Customer-Id": "cus_slow" });
    expect(slow.isError).toBe(true);
    expect(text(slow)).toContain("may or may not have happened");
    await drainGatewayOutcomes();
    const id = decisionOf(slow);
    expect((await row(id)).status).toBe("outcome_unknown");
    expect(await t.db.reviewCase.findFirst({ where: { decisionId: id, source: "outcome_unknown" } })).not.toBeNull();
  });

  it("refuses arguments it could not keep as evidence (NUL, over 64 KiB) or could not map, recording nothing", async () => {
    const before = await t.db.decision.count();
    const nul = await call("issue_refund", { ...refundArgs("1.00"), order_id: "ord\u0000x" });
    expect(text(nul)).toContain("NUL character");
    const big = await call("issue_refund", { ...refundArgs("1.00"), note: "x".repeat(70_000) });
    expect(text(big)).toContain("larger than 64 KiB");
    const badAmount = await call("issue_refund", refundArgs("12.5.0"));
    expect(text(badAmount)).toMatch(/arguments\.amount: /);
    const badContext = await call("issue_refund", refundArgs("1.00"), { ...conversation, "Mandate-Customer-Verified": "maybe" });
    expect(text(badContext)).toContain("mandate/customer_verified must be true or false");
    for (const result of [nul, big, badAmount, badContext]) expect(result.isError).toBe(true);
    expect(await t.db.decision.count()).toBe(before);
  });

  it("refuses a call without a valid key with 401 and WWW-Authenticate: Bearer", async () => {
    const response = await fetch(`${api.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("speaks the protocol to a client that is not the SDK (JSON-RPC over fetch, from the specification's text)", async () => {
    // Streamable HTTP: each JSON-RPC message is one POST; the client accepts JSON or an SSE stream.
    const rpc = async (body: unknown) => {
      const response = await fetch(`${api.url}/mcp`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25", ...conversation, "Mandate-Customer-Id": "cus_bare" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 202 ? null : ((await response.json()) as { result?: Record<string, unknown>; error?: unknown }) };
    };
    const init = await rpc({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bare", version: "0" } } });
    expect(init.body?.result).toMatchObject({ protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "mandate-gateway" } });
    expect((await rpc({ jsonrpc: "2.0", method: "notifications/initialized" })).status).toBe(202);
    const list = await rpc({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    expect((list.body?.result?.tools as { name: string }[]).map((tool) => tool.name)).toContain("issue_refund");
    const refund = await rpc({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "issue_refund", arguments: refundArgs("9.00", "cus_bare", "ord_bare") } });
    expect(refund.body?.result).toMatchObject({ content: [{ type: "text", text: expect.stringContaining("Refunded 9.00 USD") }], _meta: { "mandate/decision": expect.stringMatching(/^dec_/) } });
    const forbidden = await rpc({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "negotiate", arguments: {} } });
    expect(forbidden.body?.result).toMatchObject({ isError: true });
  });

  it("answers many clients at once that all number their requests 1, each with its own result", async () => {
    // The gateway answers ordinary requests on one long-lived SDK server; the ids are the clients'
    // own, so ten clients sending id 1 at the same moment must each get their own answer back.
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const customer = `cus_same_id_${i}`;
        const response = await fetch(`${api.url}/mcp`, {
          method: "POST",
          headers: { ...headers, ...conversation, "Mandate-Customer-Id": customer },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "issue_refund", arguments: refundArgs(`${i + 1}.00`, customer, `ord_same_${i}`) } }),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/json");
        return { i, body: (await response.json()) as { id: number; result: CallToolResult } };
      }),
    );
    for (const { i, body } of answers) {
      expect(body.id).toBe(1);
      expect(text(body.result)).toContain(`Refunded ${i + 1}.00 USD to cus_same_id_${i}`);
    }
    expect(new Set(answers.map(({ body }) => decisionOf(body.result))).size).toBe(10);
  });

  it("answers malformed requests as the SDK's transport does, with nothing decided", async () => {
    const before = await t.db.decision.count();
    const post = (body: string, extra: Record<string, string> = {}) =>
      fetch(`${api.url}/mcp`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", ...extra }, body });
    const call = JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "issue_refund", arguments: refundArgs("1.00") } });
    const cases: [Response, number, number][] = [
      [await post("{not json"), 400, -32700],
      [await post(JSON.stringify({ jsonrpc: "2.0", id: 5 })), 400, -32700],
      [await post(call, { accept: "application/json" }), 406, -32000],
      [await post(call, { "content-type": "text/plain" }), 415, -32000],
      [await post(call, { "mcp-protocol-version": "1999-01-01" }), 400, -32000],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(code);
    }
    // A request the server does not know, and invalid params: JSON-RPC errors from the SDK's server.
    const unknown = (await (await post(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "tools/teleport" }))).json()) as { id: number; error: { code: number } };
    expect(unknown).toMatchObject({ id: 6, error: { code: -32601 } });
    const invalid = (await (await post(JSON.stringify({ jsonrpc: "2.0", id: "x", method: "tools/call", params: { arguments: {} } }))).json()) as { id: string; error: { code: number } };
    // (The SDK's server answers a request its schema refuses with -32603, not -32602: its behaviour.)
    expect(invalid).toMatchObject({ id: "x", error: { code: expect.any(Number) } });
    expect([-32602, -32603]).toContain(invalid.error.code);
    expect(await t.db.decision.count()).toBe(before);
  });
});
