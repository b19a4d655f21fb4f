import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { PaymentGateway } from "../../lib/demo/systems/payment-gateway";
import { grantIssuer, signGrant, type GrantClaims } from "../../lib/grants/make-grant";
import { verifyGrant, type GrantedCall } from "../../lib/grants/verify-grant";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { openKeyStore, publicJwks } from "../../lib/keys/key-store";
import { pause } from "../../lib/stop-switches/pause";
import { resume } from "../../lib/stop-switches/resume";
import { setAgentWebhook } from "../../lib/webhooks/configure-webhook";
import { deliverDueWebhooks } from "../../lib/webhooks/deliver-webhooks";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
let gateway: PaymentGateway;
let gatewayServer: http.Server;
let gatewayUrl: string;

const supervisor: Actor = { type: "user", id: "00000000-0000-0000-0000-0000000000a1", label: "sam@example.com", roles: ["supervisor"] };
const jwks = () => publicJwks(getKeyStore());
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as GrantClaims;
const refund = (amount: string, customer = "cus_8841", order = "ord_1193") => ({
  action: "refund.issue",
  intent: "shipping_error",
  customer: { id: customer, verified: true },
  params: { amount, currency: "USD", order_id: order },
});

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t, { refreshMs: 50 });
  call = client(api.url, await newAgentKey(t, "support-bot"));
  await t.db.user.create({ data: { id: supervisor.id, email: supervisor.label, name: "Sam", roles: ["supervisor"] } });
  // The stand-in system of record on its own HTTP server, trusting only Mandate's public keys.
  gateway = new PaymentGateway({ jwks: jwks(), issuer: grantIssuer() });
  gatewayServer = http.createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((resolve) => gatewayServer.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  gatewayServer.closeAllConnections();
  await new Promise((resolve) => gatewayServer.close(resolve));
  await api.close();
  await t.drop();
});

/** Calls issue_refund with the official MCP client, the grant in _meta or in the Mandate-Grant header. */
async function issueRefund(args: { customer_id: string; order_id: string; amount: string; currency: string }, grant: string | undefined, via: "meta" | "header" = "meta") {
  const mcp = new Client({ name: "grants-test", version: "1.0.0" });
  const headers: Record<string, string> = via === "header" && grant ? { "Mandate-Grant": grant } : {};
  await mcp.connect(new StreamableHTTPClientTransport(new URL(gatewayUrl), { requestInit: { headers } }));
  try {
    const result = (await mcp.callTool({ name: "issue_refund", arguments: args, _meta: via === "meta" && grant ? { "mandate/grant": grant } : {} })) as CallToolResult;
    return { isError: !!result.isError, structured: result.structuredContent as { refused?: string; field?: string; refund?: { id: string; decisionId: string } } };
  } finally {
    await mcp.close();
  }
}

const args = (amount = "42.50", customer = "cus_8841", order = "ord_1193") => ({ customer_id: customer, order_id: order, amount, currency: "USD" });

describe("grants on the agent API", () => {
  it("an allow carries a grant for exactly that action; reads carry a fresh one until the outcome is reported", async () => {
    const allowed = await call("POST", "/api/v1/decisions", refund("42.50"));
    expect(allowed.status).toBe(201);
    expect(allowed.body.decision).toBe("allow");
    const grantedCall: GrantedCall = { action: "refund.issue", customerId: "cus_8841", params: { amount: "42.50", currency: "USD", order_id: "ord_1193" } };
    const verified = await verifyGrant(allowed.body.grant, { jwks: jwks(), call: grantedCall, issuer: grantIssuer() });
    expect(verified).toMatchObject({ ok: true, claims: { sub: "support-bot", jti: allowed.body.id, digest: allowed.body.action_digest, customer: "cus_8841", amount: "42.5", currency: "USD" } });

    // Never stored: not in the decision row, nor anywhere in the audit entry.
    const row = await t.db.decision.findUniqueOrThrow({ where: { id: allowed.body.id } });
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(allowed.body.grant.split(".")[2]);

    const read = await call("GET", `/api/v1/decisions/${allowed.body.id}`);
    expect(read.body.grant).toEqual(expect.any(String));
    expect(claimsOf(read.body.grant).exp).toBe(claimsOf(allowed.body.grant).exp);

    await call("POST", `/api/v1/decisions/${allowed.body.id}/outcome`, { status: "executed", action_digest: allowed.body.action_digest });
    const after = await call("GET", `/api/v1/decisions/${allowed.body.id}`);
    expect(after.body.status).toBe("executed");
    expect(after.body.grant).toBeUndefined();
  });

  it("an idempotent replay carries a fresh grant while the decision is executable, none once executed", async () => {
    const key = { "idempotency-key": `replay-${Date.now()}` };
    const first = await call("POST", "/api/v1/decisions", refund("10.00"), key);
    expect(first.body.grant).toEqual(expect.any(String));
    const replay = await call("POST", "/api/v1/decisions", refund("10.00"), key);
    expect(replay.status).toBe(200);
    expect(claimsOf(replay.body.grant).jti).toBe(first.body.id);
    // The idempotency record keeps the answer without any grant.
    const record = await api.pool.query(`SELECT response_body::text AS body FROM idempotency_records WHERE decision_id = $1`, [first.body.id]);
    expect(record.rows[0].body).not.toContain("grant");

    await call("POST", `/api/v1/decisions/${first.body.id}/outcome`, { status: "executed", action_digest: first.body.action_digest });
    const late = await call("POST", "/api/v1/decisions", refund("10.00"), key);
    expect(late.status).toBe(200);
    expect(late.body.status).toBe("allowed"); // the original answer…
    expect(late.body.grant).toBeUndefined(); // …but no grant for an executed decision
  });

  it("a hold carries none; the approval's read does, for 15 minutes from the approval", async () => {
    const held = await call("POST", "/api/v1/decisions", refund("300.00", "cus_hold"));
    expect(held.body.decision).toBe("hold");
    expect(held.body.grant).toBeUndefined();
    expect((await call("GET", `/api/v1/decisions/${held.body.id}`)).body.grant).toBeUndefined();
    const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: held.body.id } });
    await decideApproval(t.db, supervisor, { approvalId: approval.id, verdict: "approve", reason: "goodwill is fine" });
    const approved = await call("GET", `/api/v1/decisions/${held.body.id}`);
    expect(approved.body.status).toBe("approved");
    const claims = claimsOf(approved.body.grant);
    const decidedAt = Math.floor(new Date(approved.body.approval.decided_at).getTime() / 1000);
    expect(claims.exp).toBe(decidedAt + 900);
    expect(await issueRefund(args("300.00", "cus_hold"), approved.body.grant)).toMatchObject({ isError: false });
  });

  it("no grant can be fetched while a stop switch covers the decision; it comes back when the stop is lifted", async () => {
    const allowed = await call("POST", "/api/v1/decisions", refund("20.00", "cus_stop"));
    expect(allowed.body.grant).toEqual(expect.any(String));
    await pause(t.db, operator, { target: { scope: "agent", target: "support-bot" }, reason: "incident 42" });
    try {
      await expect.poll(async () => (await call("GET", `/api/v1/decisions/${allowed.body.id}`)).body.reasons[0].code, { timeout: 5_000 }).toBe("paused");
      const paused = await call("GET", `/api/v1/decisions/${allowed.body.id}`);
      expect(paused.body.status).toBe("allowed");
      expect(paused.body.grant).toBeUndefined();
      // A new request during the stop is denied, so it has no grant either.
      const during = await call("POST", "/api/v1/decisions", refund("20.00", "cus_stop2"));
      expect(during.body.decision).toBe("deny");
      expect(during.body.grant).toBeUndefined();
    } finally {
      await resume(t.db, operator, { target: { scope: "agent", target: "support-bot" }, reason: "incident over" });
    }
    await expect.poll(async () => (await call("GET", `/api/v1/decisions/${allowed.body.id}`)).body.grant, { timeout: 5_000 }).toEqual(expect.any(String));
  });

  it("the decision.approved webhook carries a grant made at delivery, and none while a stop covers the decision", async () => {
    const hits: { body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        hits.push({ body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const hookKey = await newAgentKey(t, "hook-bot");
      const agent = await t.db.agent.findUniqueOrThrow({ where: { name: "hook-bot" } });
      await setAgentWebhook(t.db, operator, { agentId: agent.id, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` });
      const hook = client(api.url, hookKey);
      const approveHeld = async (customer: string) => {
        const held = await hook("POST", "/api/v1/decisions", refund("300.00", customer));
        const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: held.body.id } });
        await decideApproval(t.db, supervisor, { approvalId: approval.id, verdict: "approve", reason: "goodwill is fine" });
        return held.body;
      };

      const first = await approveHeld("cus_hook1");
      await deliverDueWebhooks(t.db);
      const delivered = JSON.parse(hits.at(-1)!.body) as { type: string; data: { id: string; grant?: string } };
      expect(delivered).toMatchObject({ type: "decision.approved", data: { id: first.id } });
      expect(await verifyGrant(delivered.data.grant!, { jwks: jwks(), call: { action: "refund.issue", customerId: "cus_hook1", params: { amount: "300.00", currency: "USD", order_id: "ord_1193" } } })).toMatchObject({ ok: true, claims: { sub: "hook-bot" } });
      // The outbox keeps the payload without the grant.
      const stored = await t.db.webhookEvent.findFirstOrThrow({ where: { decisionId: first.id } });
      expect(JSON.stringify(stored.payload)).not.toContain("grant");

      const second = await approveHeld("cus_hook2");
      await pause(t.db, operator, { target: { scope: "action", target: "refund.issue" }, reason: "refund fraud wave" });
      try {
        await deliverDueWebhooks(t.db);
        const duringStop = JSON.parse(hits.at(-1)!.body) as { data: { id: string; grant?: string } };
        expect(duringStop.data.id).toBe(second.id);
        expect(duringStop.data.grant).toBeUndefined();
      } finally {
        await resume(t.db, operator, { target: { scope: "action", target: "refund.issue" }, reason: "over" });
        await expect.poll(() => api.runtime.snapshot()?.stops.length, { timeout: 5_000 }).toBe(0);
      }
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe("the payment gateway stand-in (a real MCP server)", () => {
  it("refunds with a valid grant for exactly that refund, once", async () => {
    const allowed = await call("POST", "/api/v1/decisions", refund("12.50", "cus_pay"));
    const paid = await issueRefund(args("12.50", "cus_pay"), allowed.body.grant);
    expect(paid).toMatchObject({ isError: false, structured: { refund: { decisionId: allowed.body.id } } });
    expect(gateway.refunds.filter((r) => r.customerId === "cus_pay")).toHaveLength(1);
    // Used once: the same grant again is refused, even for the very same refund.
    expect(await issueRefund(args("12.50", "cus_pay"), allowed.body.grant)).toMatchObject({ isError: true, structured: { refused: "reused" } });
    expect(gateway.refunds.filter((r) => r.customerId === "cus_pay")).toHaveLength(1);
  });

  it("takes the grant from the Mandate-Grant header as well", async () => {
    const allowed = await call("POST", "/api/v1/decisions", refund("13.00", "cus_header"));
    expect(await issueRefund(args("13.00", "cus_header"), allowed.body.grant, "header")).toMatchObject({ isError: false });
  });

  it("refuses a refund that differs from the granted one: another amount, customer or order", async () => {
    const allowed = await call("POST", "/api/v1/decisions", refund("12.50", "cus_mismatch"));
    const grant = allowed.body.grant as string;
    expect(await issueRefund(args("125.00", "cus_mismatch"), grant)).toMatchObject({ isError: true, structured: { refused: "wrong_call", field: "params.amount" } });
    expect(await issueRefund(args("12.50", "cus_other"), grant)).toMatchObject({ isError: true, structured: { refused: "wrong_call", field: "customer" } });
    expect(await issueRefund(args("12.50", "cus_mismatch", "ord_other"), grant)).toMatchObject({ isError: true, structured: { refused: "wrong_call", field: "params" } });
    expect(gateway.refunds.filter((r) => r.customerId === "cus_mismatch" || r.customerId === "cus_other")).toHaveLength(0);
    // The refusals did not use the grant up: the exact refund still goes through.
    expect(await issueRefund(args("12.50", "cus_mismatch"), grant)).toMatchObject({ isError: false });
  });

  it("refuses no grant, a forged grant, a tampered grant and an expired grant", async () => {
    expect(await issueRefund(args("5.00", "cus_forge"), undefined)).toMatchObject({ isError: true, structured: { refused: "no_grant" } });

    const allowed = await call("POST", "/api/v1/decisions", refund("5.00", "cus_forge"));
    const claims = claimsOf(allowed.body.grant);
    // Signed by a key of the forger's own: not one Mandate publishes.
    const forger = openKeyStore(path.join(mkdtempSync(path.join(os.tmpdir(), "mandate-forger-")), "keys")).currentSigning();
    expect(await issueRefund(args("5.00", "cus_forge"), signGrant(claims, forger))).toMatchObject({ isError: true, structured: { refused: "unknown_key" } });
    // Claims rewritten for a larger amount under Mandate's signature.
    const [header, , signature] = (allowed.body.grant as string).split(".");
    const rewritten = Buffer.from(JSON.stringify({ ...claims, amount: "500" })).toString("base64url");
    expect(await issueRefund(args("500.00", "cus_forge"), `${header}.${rewritten}.${signature}`)).toMatchObject({ isError: true, structured: { refused: "bad_signature" } });
    // A genuine grant whose time is up.
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = signGrant({ ...claims, iat: past, nbf: past, exp: past + 300 }, getKeyStore().currentSigning());
    expect(await issueRefund(args("5.00", "cus_forge"), expired)).toMatchObject({ isError: true, structured: { refused: "expired" } });
    expect(gateway.refunds.filter((r) => r.customerId === "cus_forge")).toHaveLength(0);
  });

  it("lists its tools to a standard MCP client, reading needs no grant", async () => {
    const mcp = new Client({ name: "grants-test", version: "1.0.0" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(gatewayUrl)));
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["issue_refund", "list_refunds"]);
      const listed = (await mcp.callTool({ name: "list_refunds", arguments: { customer_id: "cus_pay" } })) as CallToolResult;
      expect(listed.isError).toBeFalsy();
      expect((listed.structuredContent as { refunds: unknown[] }).refunds).toHaveLength(1);
    } finally {
      await mcp.close();
    }
  });
});
