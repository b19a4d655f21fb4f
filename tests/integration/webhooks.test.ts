import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { createPrismaClient, type Db } from "../../lib/db/prisma";
import type { Role } from "../../lib/policy/roles";
import { setAgentWebhook, sendTestWebhook } from "../../lib/webhooks/configure-webhook";
import { deliverDueWebhooks } from "../../lib/webhooks/deliver-webhooks";
import { enqueueDecisionWebhook, type WebhookEventType } from "../../lib/webhooks/enqueue-webhook";
import { listWebhookDeliveries } from "../../lib/webhooks/queries";
import { GIVE_UP_AFTER_MS } from "../../lib/webhooks/retry-schedule";
import { verifyWebhook } from "../../lib/webhooks/signature";
import { startWebhookDispatcher, type WebhookDispatcher } from "../../lib/webhooks/webhook-dispatcher";
import { newAgentKey, operator } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { openSecret } from "../../lib/keys/secret-box";

let t: TestDatabase;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Tests move the clock by up to a day: an event left pending would fire in a later test.
  expect(await t.db.webhookEvent.count({ where: { status: "pending" } })).toBe(0);
});
afterAll(async () => t.drop());

const user = (roles: Role[]): Actor => ({ type: "user", id: "00000000-0000-0000-0000-00000000000b", label: `${roles.join("+")}@example.com`, roles });

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether the receiver's own Standard Webhooks check accepted the request. */
  verified: boolean;
}

interface Receiver {
  url: string;
  hits: Hit[];
  /** Set once the webhook is configured; until then every request is refused as unverifiable. */
  secret: string | null;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1 that verifies each request like an agent would (401 when the
 * signature fails) and otherwise answers what `respond` says for the n-th hit (0-based).
 */
async function startReceiver(
  respond: (n: number, res: http.ServerResponse) => number | null = () => 200,
  options: { listening?: boolean; now?: () => Date } = {},
): Promise<Receiver> {
  // Reserve a free port, so a receiver that starts "down" has a URL before it listens.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));

  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        verifyWebhook(receiver.secret ?? "whsec_AA==", req.headers, body, { now: options.now?.() });
        verified = true;
      } catch {
        verified = false;
      }
      const n = hits.push({ headers: req.headers, body, verified }) - 1;
      if (!verified) return void res.writeHead(401).end();
      const status = respond(n, res);
      // null: the test answers (or never answers) itself.
      if (status !== null) res.writeHead(status).end();
    });
  });
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    hits,
    secret: null,
    listen: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  if (options.listening !== false) await receiver.listen();
  cleanups.push(() => receiver.close());
  return receiver;
}

async function agentWithWebhook(name: string, receiver: Receiver): Promise<string> {
  await newAgentKey(t, name);
  const agent = await t.db.agent.findUniqueOrThrow({ where: { name }, select: { id: true } });
  const { secret } = await setAgentWebhook(t.db, operator, { agentId: agent.id, url: receiver.url });
  receiver.secret = secret;
  return agent.id;
}

async function enqueue(agentId: string, data: unknown = { id: "dec_test", status: "approved" }, type: WebhookEventType = "decision.approved"): Promise<string> {
  const id = await t.db.$transaction((tx) => enqueueDecisionWebhook(tx, { agentId, decisionId: null, type, data }));
  if (!id) throw new Error("expected the event to be queued");
  return id;
}

/** A clock the test moves by hand, starting now (so events just queued are due). */
function manualClock() {
  let ms = Date.now();
  return { now: () => new Date(ms), advance: (by: number) => void (ms += by), set: (to: Date) => void (ms = to.getTime()) };
}

async function eventState(id: string) {
  return t.db.webhookEvent.findUniqueOrThrow({
    where: { id },
    select: { status: true, attempts: true, nextAttemptAt: true, deliveredAt: true, createdAt: true, deliveries: { orderBy: { attempt: "asc" }, select: { attempt: true, statusCode: true, error: true } } },
  });
}

describe("webhook delivery", () => {
  it("signs each delivery so the receiver's verifier accepts it, and sends the payload stored at enqueue", async () => {
    const receiver = await startReceiver();
    const agentId = await agentWithWebhook("signed-bot", receiver);
    const decision = { id: "dec_1", status: "approved", approval: { decided_by: ["supervisor"] } };
    const id = await enqueue(agentId, decision);
    const clock = manualClock();

    expect(await deliverDueWebhooks(t.db, { now: clock.now })).toEqual({ attempted: 1, delivered: 1 });

    expect(receiver.hits).toHaveLength(1);
    const [hit] = receiver.hits;
    expect(hit!.verified).toBe(true);
    expect(hit!.headers).toMatchObject({ "content-type": "application/json", "user-agent": "Mandate-Webhooks/1", "webhook-id": id });
    const state = await eventState(id);
    expect(JSON.parse(hit!.body)).toEqual({ type: "decision.approved", timestamp: state.createdAt.toISOString(), data: decision });
    expect(state).toMatchObject({ status: "delivered", attempts: 1, deliveries: [{ attempt: 1, statusCode: 200, error: null }] });
    expect(state.deliveredAt).toEqual(clock.now());
  });

  it("an event queued in a transaction that rolls back is never sent; an agent without a URL queues nothing", async () => {
    const receiver = await startReceiver();
    const agentId = await agentWithWebhook("rollback-bot", receiver);
    await expect(
      t.db.$transaction(async (tx) => {
        await enqueueDecisionWebhook(tx, { agentId, decisionId: null, type: "decision.rejected", data: {} });
        throw new Error("the decision change failed");
      }),
    ).rejects.toThrow("the decision change failed");
    expect(await t.db.webhookEvent.count({ where: { agentId } })).toBe(0);
    expect(await deliverDueWebhooks(t.db)).toEqual({ attempted: 0, delivered: 0 });
    expect(receiver.hits).toHaveLength(0);

    await newAgentKey(t, "silent-bot");
    const silent = await t.db.agent.findUniqueOrThrow({ where: { name: "silent-bot" } });
    expect(await t.db.$transaction((tx) => enqueueDecisionWebhook(tx, { agentId: silent.id, decisionId: null, type: "decision.expired", data: {} }))).toBeNull();
  });

  it("a receiver that answers 500 twice then 200 gets the event once delivered, under the same webhook-id, with backoff between", async () => {
    const receiver = await startReceiver((n) => (n < 2 ? 500 : 200));
    const agentId = await agentWithWebhook("flaky-bot", receiver);
    const id = await enqueue(agentId);
    const clock = manualClock();
    // random 0 → the low end of the jitter: waits of 0.5 s, then 1 s.
    const deliver = () => deliverDueWebhooks(t.db, { now: clock.now, random: () => 0 });

    expect(await deliver()).toEqual({ attempted: 1, delivered: 0 });
    expect((await eventState(id)).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 500));
    expect(await deliver()).toEqual({ attempted: 0, delivered: 0 });
    clock.advance(500);
    expect(await deliver()).toEqual({ attempted: 1, delivered: 0 });
    clock.advance(999);
    expect(await deliver()).toEqual({ attempted: 0, delivered: 0 });
    clock.advance(1);
    expect(await deliver()).toEqual({ attempted: 1, delivered: 1 });
    clock.advance(GIVE_UP_AFTER_MS);
    expect(await deliver()).toEqual({ attempted: 0, delivered: 0 });

    expect(receiver.hits.map((h) => h.headers["webhook-id"])).toEqual([id, id, id]);
    expect(receiver.hits.every((h) => h.verified)).toBe(true);
    expect(await eventState(id)).toMatchObject({
      status: "delivered",
      attempts: 3,
      deliveries: [
        { attempt: 1, statusCode: 500 },
        { attempt: 2, statusCode: 500 },
        { attempt: 3, statusCode: 200, error: null },
      ],
    });

    const [logged] = await listWebhookDeliveries(t.db, { agentId });
    expect(logged).toMatchObject({ id, type: "decision.approved", status: "delivered", agent: { name: "flaky-bot" } });
    expect(logged!.deliveries.map((d) => d.statusCode)).toEqual([500, 500, 200]);
  });

  it("a receiver that is down gets the event once it comes back (dispatcher on a fast clock)", async () => {
    // The clock runs 200× real time, so backoffs of seconds pass in milliseconds without fixed sleeps.
    const start = Date.now();
    const fast = () => new Date(start + (Date.now() - start) * 200);
    const receiver = await startReceiver(() => 200, { listening: false, now: fast });
    const agentId = await agentWithWebhook("outage-bot", receiver);
    const id = await enqueue(agentId);
    const errors: unknown[] = [];
    const dispatcher = startWebhookDispatcher(t.db, { intervalMs: 5, now: fast, onError: (e) => errors.push(e) });
    cleanups.push(() => dispatcher.stop());

    await vi.waitFor(async () => expect((await eventState(id)).deliveries.length).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 20 });
    expect(receiver.hits).toHaveLength(0);
    await receiver.listen();
    await vi.waitFor(async () => expect((await eventState(id)).status).toBe("delivered"), { timeout: 15_000, interval: 20 });

    expect(receiver.hits).toHaveLength(1);
    expect(receiver.hits[0]!.verified).toBe(true);
    const { deliveries } = await eventState(id);
    expect(deliveries.slice(0, -1).every((d) => d.statusCode === null && /ECONNREFUSED/.test(d.error ?? ""))).toBe(true);
    expect(deliveries.at(-1)).toMatchObject({ statusCode: 200, error: null });
    expect(errors).toEqual([]);
  });

  it("two dispatchers (two processes' worth of connections) never deliver the same event twice", async () => {
    const receiver = await startReceiver((_n, res) => {
      // A slow receiver keeps claims in flight while the other dispatcher polls.
      setTimeout(() => res.writeHead(200).end(), 3);
      return null;
    });
    const agentId = await agentWithWebhook("busy-bot", receiver);
    const clients: Db[] = [createPrismaClient(t.url, 4), createPrismaClient(t.url, 4)];
    cleanups.push(() => Promise.all(clients.map((c) => c.$disconnect())));

    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => enqueue(agentId, { n: i })));
    const errors: unknown[] = [];
    const dispatchers: WebhookDispatcher[] = clients.map((db) => startWebhookDispatcher(db, { intervalMs: 2, batch: 3, onError: (e) => errors.push(e) }));
    cleanups.push(() => Promise.all(dispatchers.map((d) => d.stop())));
    await vi.waitFor(async () => expect(await t.db.webhookEvent.count({ where: { agentId, status: "delivered" } })).toBe(40), { timeout: 20_000, interval: 20 });

    // And rounds fired at the same instant from both clients split the work between them.
    await Promise.all(dispatchers.map((d) => d.stop()));
    const more = await Promise.all(Array.from({ length: 30 }, (_, i) => enqueue(agentId, { n: 40 + i })));
    const rounds = await Promise.all(Array.from({ length: 8 }, (_, i) => deliverDueWebhooks(clients[i % 2]!, { batch: 5 })));
    const rest = await deliverDueWebhooks(t.db, { batch: 100 });
    expect(rounds.reduce((sum, r) => sum + r.attempted, 0) + rest.attempted).toBe(30);

    const sent = receiver.hits.map((h) => h.headers["webhook-id"] as string);
    expect(sent).toHaveLength(70);
    expect(new Set(sent)).toEqual(new Set([...ids, ...more]));
    expect(await t.db.webhookDelivery.count({ where: { event: { agentId } } })).toBe(70);
    expect(errors).toEqual([]);
  });

  it("gives up 24 h after the event was created, and does not try again", async () => {
    const clock = manualClock();
    const receiver = await startReceiver(() => 503, { now: clock.now });
    const agentId = await agentWithWebhook("gone-bot", receiver);
    const id = await enqueue(agentId);
    clock.set(new Date());
    const { createdAt } = await eventState(id);

    await deliverDueWebhooks(t.db, { now: clock.now });
    // Late retries are pulled in to the deadline, so the last try happens at exactly 24 h.
    clock.set(new Date(createdAt.getTime() + GIVE_UP_AFTER_MS - 1_000));
    await deliverDueWebhooks(t.db, { now: clock.now, random: () => 0.999 });
    expect(await eventState(id)).toMatchObject({ status: "pending", attempts: 2, nextAttemptAt: new Date(createdAt.getTime() + GIVE_UP_AFTER_MS) });

    clock.advance(1_000);
    expect(await deliverDueWebhooks(t.db, { now: clock.now })).toEqual({ attempted: 1, delivered: 0 });
    expect(await eventState(id)).toMatchObject({ status: "failed", attempts: 3 });
    clock.advance(GIVE_UP_AFTER_MS);
    expect(await deliverDueWebhooks(t.db, { now: clock.now })).toEqual({ attempted: 0, delivered: 0 });
    expect(receiver.hits.map((h) => h.verified)).toEqual([true, true, true]);
  });

  it("treats a redirect and a timeout as failures, never follows the redirect, and gives up when the URL is cleared", async () => {
    const target = await startReceiver();
    const receiver = await startReceiver((n, res) => {
      if (n === 0) res.writeHead(302, { location: target.url }).end();
      // Afterwards it never answers: the sender's timeout must end the attempt.
      return null;
    });
    const agentId = await agentWithWebhook("odd-bot", receiver);
    const id = await enqueue(agentId);
    const clock = manualClock();
    const deliver = () => deliverDueWebhooks(t.db, { now: clock.now, timeoutMs: 200 });

    await deliver();
    clock.advance(1_000);
    await deliver();
    expect(target.hits).toHaveLength(0);
    expect((await eventState(id)).deliveries).toEqual([
      { attempt: 1, statusCode: 302, error: "Redirects are not followed." },
      { attempt: 2, statusCode: null, error: "Timed out after 200 ms." },
    ]);

    await setAgentWebhook(t.db, operator, { agentId, url: null });
    clock.advance(2_000);
    await deliver();
    expect(await eventState(id)).toMatchObject({ status: "failed", attempts: 3, deliveries: [{}, {}, { statusCode: null, error: "The agent no longer has a webhook URL." }] });
    expect(receiver.hits).toHaveLength(2);
  });
});

describe("configuring webhooks", () => {
  it("only IT or an admin set a webhook; the URL is validated; a new URL gets a new secret shown once; all audited", async () => {
    await newAgentKey(t, "config-bot");
    const { id: agentId } = await t.db.agent.findUniqueOrThrow({ where: { name: "config-bot" } });
    const it_ = user(["it"]);

    await expect(setAgentWebhook(t.db, user(["supervisor"]), { agentId, url: "https://agent.example.com/h" })).rejects.toMatchObject({ code: "forbidden" });
    for (const url of ["ftp://agent.example.com/h", "http://agent.example.com/h", "not a url", `https://agent.example.com/${"x".repeat(2_000)}`]) {
      await expect(setAgentWebhook(t.db, it_, { agentId, url }), url).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "url" }] });
    }
    await expect(setAgentWebhook(t.db, it_, { agentId: "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", url: "https://a.example/h" })).rejects.toMatchObject({ code: "not_found" });
    expect(await t.db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { webhookUrl: true } })).toEqual({ webhookUrl: null });

    const first = await setAgentWebhook(t.db, it_, { agentId, url: " https://agent.example.com/h " });
    expect(first).toMatchObject({ agent: "config-bot", url: "https://agent.example.com/h", secret: expect.stringMatching(/^whsec_/) });
    expect(await setAgentWebhook(t.db, it_, { agentId, url: "https://agent.example.com/h" })).toMatchObject({ secret: null });
    const second = await setAgentWebhook(t.db, user(["admin"]), { agentId, url: "http://localhost:4000/h" });
    expect(second.secret).toMatch(/^whsec_/);
    expect(second.secret).not.toBe(first.secret);
    // Regression: the secret was stored in clear. Now only its AES-GCM ciphertext, bound to this agent, is in the database.
    const stored = await t.db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { webhookUrl: true, webhookSecret: true } });
    expect(stored.webhookUrl).toBe("http://localhost:4000/h");
    expect(stored.webhookSecret).toMatch(/^enc:e\d+:/);
    expect(stored.webhookSecret).not.toContain(second.secret!.slice("whsec_".length));
    expect(openSecret(stored.webhookSecret!, `agent:${agentId}:webhook`)).toBe(second.secret);
    expect(() => openSecret(stored.webhookSecret!, "agent:another:webhook")).toThrow();

    await expect(sendTestWebhook(t.db, user(["auditor"]), { agentId })).rejects.toMatchObject({ code: "forbidden" });
    await setAgentWebhook(t.db, it_, { agentId, url: "" });
    expect(await t.db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { webhookUrl: true, webhookSecret: true } })).toEqual({ webhookUrl: null, webhookSecret: null });
    await expect(sendTestWebhook(t.db, it_, { agentId })).rejects.toMatchObject({ code: "conflict" });

    const audit = await t.db.auditEntry.findMany({ where: { subjectType: "agent", subjectId: agentId, action: { startsWith: "agent.webhook" } }, orderBy: { id: "asc" }, select: { action: true, actorLabel: true, data: true } });
    expect(audit.map((a) => [a.action, a.actorLabel])).toEqual([
      ["agent.webhook_set", "it@example.com"],
      ["agent.webhook_set", "admin@example.com"],
      ["agent.webhook_cleared", "it@example.com"],
    ]);
    expect(audit[1]!.data).toEqual({ agent: "config-bot", url: "http://localhost:4000/h", previous_url: "https://agent.example.com/h" });
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("sendTestWebhook delivers a signed test event at once when a dispatcher runs", async () => {
    const receiver = await startReceiver();
    const agentId = await agentWithWebhook("test-bot", receiver);
    // An interval far longer than the test: only the wake-up can send the event in time.
    const dispatcher = startWebhookDispatcher(t.db, { intervalMs: 60_000 });
    cleanups.push(() => dispatcher.stop());

    const { eventId } = await sendTestWebhook(t.db, user(["it"]), { agentId });
    await vi.waitFor(() => expect(receiver.hits).toHaveLength(1), { timeout: 5_000, interval: 10 });

    const [hit] = receiver.hits;
    expect(hit!.verified).toBe(true);
    expect(hit!.headers["webhook-id"]).toBe(eventId);
    expect(JSON.parse(hit!.body)).toMatchObject({ type: "test", data: { agent: "test-bot", message: expect.any(String) } });
    await vi.waitFor(async () => expect((await eventState(eventId)).status).toBe("delivered"), { timeout: 5_000, interval: 10 });

    // The first round after start may have picked the first event up by itself; by now the next
    // round is a minute away, so a second event arriving promptly proves the wake-up.
    const second = await sendTestWebhook(t.db, user(["it"]), { agentId });
    await vi.waitFor(() => expect(receiver.hits.map((h) => h.headers["webhook-id"])).toEqual([eventId, second.eventId]), { timeout: 5_000, interval: 10 });
    await vi.waitFor(async () => expect((await eventState(second.eventId)).status).toBe("delivered"), { timeout: 5_000, interval: 10 });
    expect(await t.db.auditEntry.count({ where: { action: "agent.webhook_test", subjectId: agentId } })).toBe(2);
  });
});
