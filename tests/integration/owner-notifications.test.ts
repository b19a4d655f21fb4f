// Issue #23, point 11 ("Escalation reaches nobody"): escalation near expiry wrote a notification
// row that no one received. These tests pin its delivery to the owner's webhook through the outbox.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { escalateApprovals } from "../../lib/approvals/expire-approvals";
import { openSecret } from "../../lib/keys/secret-box";
import { setOwnerWebhook, sendTestOwnerNotification } from "../../lib/webhooks/configure-owner-webhook";
import { deliverDueWebhooks } from "../../lib/webhooks/deliver-webhooks";
import { ownerWebhookSecretBinding } from "../../lib/webhooks/owner-webhook-schema";
import { listOwnerNotificationSettings } from "../../lib/webhooks/queries";
import { verifyWebhook } from "../../lib/webhooks/signature";
import type { Role } from "../../lib/policy/roles";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
const closers: (() => Promise<unknown>)[] = [];

const user = (roles: Role[]): Actor => ({ type: "user", id: "00000000-0000-0000-0000-00000000000c", label: `${roles.join("+")}@example.com`, roles });
const it_ = user(["it"]);
const owners = new Map([["finance-ops", { name: "Finance Operations", contact: "finance-ops@example.com" }]]);
const actionLabels = { "refund.issue": "Issue a refund" };

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A real receiver on 127.0.0.1 that checks the Standard Webhooks signature and answers `statuses[n]` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const hits: Hit[] = [];
  const receiver = { url: "", hits, secret: "" };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        verifyWebhook(receiver.secret, req.headers, body);
        verified = true;
      } catch {
        verified = false;
      }
      const n = hits.push({ headers: req.headers, body, verified }) - 1;
      res.writeHead(verified ? (statuses[n] ?? 200) : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return receiver;
}

/** A held refund with 80 % of its four hours gone: due for escalation. */
async function dueHold(customer: string) {
  const res = await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: customer }, params: { amount: "260" } });
  expect(res.body.decision).toBe("hold");
  const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: res.body.id } });
  await t.query(`UPDATE approvals SET created_at = now() - interval '192 minutes', expires_at = now() + interval '48 minutes' WHERE id = $1`, [approval.id]);
  return { decisionId: res.body.id as string, approvalId: approval.id };
}

async function eventFor(decisionId: string) {
  return t.db.webhookEvent.findFirstOrThrow({ where: { decisionId, ownerKey: "finance-ops" } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
});
afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  await api.close();
  await t.drop();
});

describe("configuring an owner's webhook", () => {
  it("is IT's or an administrator's, for an owner of the published policy, to a safe URL, audited, with the secret sealed and shown once", async () => {
    await expect(setOwnerWebhook(t.db, user(["supervisor"]), { ownerKey: "finance-ops", url: "https://hooks.example.com/a" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setOwnerWebhook(t.db, user(["cx_lead"]), { ownerKey: "finance-ops", url: "https://hooks.example.com/a" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setOwnerWebhook(t.db, it_, { ownerKey: "nobody", url: "https://hooks.example.com/a" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setOwnerWebhook(t.db, it_, { ownerKey: "finance-ops", url: "http://hooks.example.com/a" })).rejects.toMatchObject({ code: "validation_failed" });

    const set = await setOwnerWebhook(t.db, it_, { ownerKey: "security", url: "https://hooks.example.com/sec", format: "slack" });
    expect(set.secret).toMatch(/^whsec_/);
    const row = await t.db.ownerWebhook.findUniqueOrThrow({ where: { ownerKey: "security" } });
    expect(row.secretSealed).not.toContain(set.secret!.slice(6));
    expect(openSecret(row.secretSealed, ownerWebhookSecretBinding(row.id))).toBe(set.secret);
    // Bound to the row: the ciphertext does not open for another row.
    expect(() => openSecret(row.secretSealed, ownerWebhookSecretBinding("00000000-0000-0000-0000-000000000000"))).toThrow();

    // Saving the same again shows no secret and writes nothing; a format change keeps the secret.
    expect(await setOwnerWebhook(t.db, it_, { ownerKey: "security", url: "https://hooks.example.com/sec", format: "slack" })).toMatchObject({ secret: null, changed: false });
    expect(await setOwnerWebhook(t.db, it_, { ownerKey: "security", url: "https://hooks.example.com/sec", format: "generic" })).toMatchObject({ secret: null, changed: true });
    expect((await t.db.ownerWebhook.findUniqueOrThrow({ where: { ownerKey: "security" } })).secretSealed).toBe(row.secretSealed);

    expect(await setOwnerWebhook(t.db, it_, { ownerKey: "security", url: "" })).toMatchObject({ url: null, changed: true });
    expect(await t.db.ownerWebhook.count({ where: { ownerKey: "security" } })).toBe(0);
    const audit = await t.db.auditEntry.findMany({ where: { subjectType: "owner", subjectId: "security" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["owner.webhook_set", "owner.webhook_set", "owner.webhook_cleared"]);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(set.secret!.slice(6));
  });
});

describe("escalation reaches the owner", () => {
  it("delivers a signed generic notification, and the Owners page's query shows it delivered", async () => {
    const receiver = await startReceiver();
    receiver.secret = (await setOwnerWebhook(t.db, it_, { ownerKey: "finance-ops", url: receiver.url }))!.secret!;
    const { decisionId, approvalId } = await dueHold("cus_notify1");
    expect(await escalateApprovals(t.db, owners, { actionLabels, consoleUrl: "https://mandate.example.com" })).toBe(1);
    expect((await eventFor(decisionId)).status).toBe("pending");

    await deliverDueWebhooks(t.db);
    expect(receiver.hits).toHaveLength(1);
    const [hit] = receiver.hits;
    expect(hit!.verified).toBe(true);
    const body = JSON.parse(hit!.body);
    expect(body).toMatchObject({ type: "approval.escalation", data: { decision_id: decisionId, approval_id: approvalId, owner: "finance-ops", action_label: "Issue a refund" } });
    expect(body.data.text).toContain(`https://mandate.example.com/approvals/${approvalId}`);
    expect(await t.db.notification.count({ where: { id: body.data.notification_id, decisionId } })).toBe(1);

    const settings = (await listOwnerNotificationSettings(t.db)).get("finance-ops")!;
    expect(settings.webhook).toMatchObject({ url: receiver.url, format: "generic" });
    expect(settings.deliveries[0]).toMatchObject({ eventId: hit!.headers["webhook-id"], state: "delivered", attempts: 1, lastError: null, subject: "Held Issue a refund expires soon" });
  });

  it("retries from the outbox: a receiver answering 500 and then 200 gets it on the second attempt", async () => {
    const receiver = await startReceiver([500]);
    receiver.secret = (await setOwnerWebhook(t.db, it_, { ownerKey: "finance-ops", url: receiver.url }))!.secret!;
    const { decisionId } = await dueHold("cus_notify2");
    expect(await escalateApprovals(t.db, owners, { actionLabels })).toBe(1);

    await deliverDueWebhooks(t.db, { random: () => 0 });
    expect(await eventFor(decisionId)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await listOwnerNotificationSettings(t.db)).get("finance-ops")!.deliveries[0]).toMatchObject({ state: "failing", attempts: 1, lastError: "HTTP 500" });

    // The retry is due half a second later (jitter pinned to its minimum): run the outbox a minute on.
    await deliverDueWebhooks(t.db, { random: () => 0, now: () => new Date(Date.now() + 60_000) });
    expect(receiver.hits.map((h) => h.verified)).toEqual([true, true]);
    expect(receiver.hits[0]!.headers["webhook-id"]).toBe(receiver.hits[1]!.headers["webhook-id"]);
    expect(await eventFor(decisionId)).toMatchObject({ status: "delivered", attempts: 2 });
    expect((await listOwnerNotificationSettings(t.db)).get("finance-ops")!.deliveries[0]).toMatchObject({ state: "delivered", attempts: 2, lastError: null });
    expect(await t.db.webhookDelivery.count({ where: { event: { decisionId } } })).toBe(2);
  });

  it("sends a Slack-format owner a body with text, still signed", async () => {
    const receiver = await startReceiver();
    receiver.secret = (await setOwnerWebhook(t.db, it_, { ownerKey: "finance-ops", url: receiver.url, format: "slack" }))!.secret!;
    await dueHold("cus_notify3");
    expect(await escalateApprovals(t.db, owners, { actionLabels })).toBe(1);
    await deliverDueWebhooks(t.db);
    expect(receiver.hits).toHaveLength(1);
    expect(receiver.hits[0]!.verified).toBe(true);
    const body = JSON.parse(receiver.hits[0]!.body);
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toMatch(/^A held Issue a refund expires in 4[78] minutes and still needs a decision \(Finance Operations owns this action\)\.$/);
  });

  it("a test notification goes through the same path; without a webhook it is refused", async () => {
    const receiver = await startReceiver();
    receiver.secret = (await setOwnerWebhook(t.db, it_, { ownerKey: "logistics", url: receiver.url }))!.secret!;
    await expect(sendTestOwnerNotification(t.db, user(["supervisor"]), { ownerKey: "logistics" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(sendTestOwnerNotification(t.db, it_, { ownerKey: "cx-ops" })).rejects.toMatchObject({ code: "conflict" });
    const { eventId } = await sendTestOwnerNotification(t.db, it_, { ownerKey: "logistics" });
    await deliverDueWebhooks(t.db);
    expect(receiver.hits.map((h) => [h.headers["webhook-id"], h.verified])).toEqual([[eventId, true]]);
    expect(await t.db.auditEntry.count({ where: { action: "owner.webhook_test", subjectId: "logistics" } })).toBe(1);
  });
});
