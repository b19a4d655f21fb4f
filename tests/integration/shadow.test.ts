import http from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { createNodeHandler } from "../../lib/api/agent-api";
import { AgentAuthenticator } from "../../lib/api/agent-auth";
import { RateLimiter } from "../../lib/api/rate-limiter";
import { createPool } from "../../lib/db/pool";
import { PolicyRuntime } from "../../lib/decisions/policy-runtime";
import { createDraft } from "../../lib/policy/create-draft";
import type { PolicyDocument } from "../../lib/policy/document-schema";
import { editDraft } from "../../lib/policy/edit-draft";
import { discardDraft } from "../../lib/policy/discard-draft";
import { getShadowSummary } from "../../lib/simulation/queries";
import { setDraftShadow } from "../../lib/simulation/set-draft-shadow";
import { ShadowEvaluator } from "../../lib/simulation/shadow";
import { client, newAgentKey, publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let pool: pg.Pool;
let runtime: PolicyRuntime;
let auth: AgentAuthenticator;
let shadow: ShadowEvaluator;
let server: http.Server;
let call: ReturnType<typeof client>;
let carla: Actor & { type: "user" };
let sam: Actor & { type: "user" };

/** The agent API as `mandate start` mounts it, with a shadow evaluator whose timers never fire during a test (we flush by hand). */
beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  pool = createPool(t.url, 10);
  runtime = new PolicyRuntime(pool, { refreshMs: 100 });
  await runtime.start();
  auth = new AgentAuthenticator(pool, 200);
  shadow = new ShadowEvaluator(pool, { refreshMs: 60_000, flushMs: 60_000 });
  await shadow.start();
  const handler = createNodeHandler({ pool, runtime, auth, limiter: new RateLimiter(), shadow, log: (m) => console.error(m) });
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  call = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, await newAgentKey(t, "support-bot"));
  const user = await t.db.user.create({ data: { email: "carla@northwind.example", name: "Carla", roles: ["cx_lead"] } });
  carla = { type: "user", id: user.id, label: user.email, roles: ["cx_lead"] };
  const supervisor = await t.db.user.create({ data: { email: "sam@northwind.example", name: "Sam", roles: ["supervisor"] } });
  sam = { type: "user", id: supervisor.id, label: supervisor.email, roles: ["supervisor"] };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await shadow.stop();
  runtime.stop();
  await auth.close();
  await pool.end();
  await t.drop();
});

/** Refunds up to 100 need no approval; the per-customer limit becomes 1 per 30 days (same id, scope and window). */
async function shadowDraft(edit: (refund: PolicyDocument["actions"][number]) => void) {
  const draft = await createDraft(t.db, carla, {});
  const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true } });
  const refund = structuredClone((stored.document as unknown as PolicyDocument).actions.find((a) => a.key === "refund.issue")!);
  edit(refund);
  await editDraft(t.db, carla, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: refund } });
  return draft.id;
}

const refund = (customer: string, amount: string) => ({ action: "refund.issue", intent: "shipping_error", customer: { id: customer, verified: true }, params: { amount, currency: "USD" }, data_sources: ["orders"] });

describe("shadow mode", () => {
  it("evaluates live decisions against a draft in shadow without changing the answer, with the live limit usage", async () => {
    const draftId = await shadowDraft((r) => {
      r.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
      r.limits[0] = { ...r.limits[0]!, max_count: 1 };
    });
    await expect(setDraftShadow(t.db, sam, { draftId, shadow: true })).rejects.toMatchObject({ code: "forbidden" });
    await setDraftShadow(t.db, carla, { draftId, shadow: true });
    await shadow.refresh();
    expect(shadow.activeDrafts()).toEqual([{ id: draftId, revision: 2 }]);

    // 80 is high tier now: held for a supervisor. The agent hears exactly that.
    const held = await call("POST", "/api/v1/decisions", refund("cus_1", "80"));
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ decision: "hold", tier: "high", policy_version: 1, reasons: [{ code: "tier_requires_approval" }] });
    // 20 is allowed by both.
    const allowed = await call("POST", "/api/v1/decisions", refund("cus_2", "20"));
    expect(allowed.body).toMatchObject({ decision: "allow", tier: "low" });
    // cus_2 has 1 refund in 30 days now: the live limit (2) lets another through; the draft's (1) would hold it.
    const second = await call("POST", "/api/v1/decisions", refund("cus_2", "30"));
    expect(second.body).toMatchObject({ decision: "allow", tier: "low" });

    // Nothing is written on the request path; the flush writes it all.
    expect(await t.db.shadowResult.count()).toBe(0);
    await shadow.flush();
    const results = await t.db.shadowResult.findMany({ where: { draftId }, orderBy: { createdAt: "asc" } });
    const byDecision = new Map(results.map((r) => [r.decisionId, r]));
    expect(byDecision.get(held.body.id)).toMatchObject({ decision: "allow", tier: "low", differs: true, reasons: [{ code: "allowed" }] });
    // Agreeing answers are counted, not stored.
    expect(byDecision.has(allowed.body.id)).toBe(false);
    expect(results).toHaveLength(2);
    expect(byDecision.get(second.body.id)).toMatchObject({ decision: "hold", tier: "low", differs: true });
    expect((byDecision.get(second.body.id)!.reasons as { message: string }[])[0]!.message).toContain("1 already in the last 30d");

    // The live record is untouched.
    const live = await t.db.decision.findUniqueOrThrow({ where: { id: held.body.id } });
    expect(live).toMatchObject({ decision: "hold", tier: "high", status: "pending_approval" });

    const summary = (await getShadowSummary(t.db, draftId))!;
    expect(summary).toMatchObject({ shadow: true, evaluated: 3, differing: 2 });
    expect(summary.latest.map((d) => [d.decisionId, d.live.decision, d.shadow.decision])).toEqual([
      [second.body.id, "allow", "hold"],
      [held.body.id, "hold", "allow"],
    ]);
    expect(summary.latest[1]).toMatchObject({ action: "refund.issue", agentName: "support-bot", amount: "80", live: { reasons: [{ code: "tier_requires_approval" }] } });

    const audit = await t.db.auditEntry.findMany({ where: { subjectId: draftId, action: "policy.draft_shadow" } });
    expect(audit.map((a) => [a.actorLabel, a.data])).toEqual([[carla.label, { shadow: true, revision: 2 }]]);
  });

  it("stops shadowing when shadow is turned off or the draft is discarded, and reads a new revision", async () => {
    const draftId = await shadowDraft((r) => {
      r.risk = [{ tier: "critical" }];
    });
    await setDraftShadow(t.db, carla, { draftId, shadow: true });
    await shadow.refresh();
    const before = await call("POST", "/api/v1/decisions", refund("cus_3", "10"));
    await shadow.flush();
    expect(await t.db.shadowResult.findFirst({ where: { draftId, decisionId: before.body.id } })).toMatchObject({ decision: "hold", tier: "critical", differs: true });

    // An edit is picked up at the next reload: revision 3 sends refunds to the committee only above 1000.
    const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draftId }, select: { document: true } });
    const edited = structuredClone((stored.document as unknown as PolicyDocument).actions.find((a) => a.key === "refund.issue")!);
    edited.risk = [{ if: { amount: { lte: 1000 } }, tier: "low" }, { tier: "critical" }];
    await editDraft(t.db, carla, { draftId, revision: 2, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: edited } });
    await shadow.refresh();
    expect(shadow.activeDrafts().find((d) => d.id === draftId)?.revision).toBe(3);
    const after = await call("POST", "/api/v1/decisions", refund("cus_4", "10"));
    await shadow.flush();
    // Revision 3 agrees with the live answer: counted, no row.
    expect(await t.db.shadowResult.count({ where: { draftId, decisionId: after.body.id } })).toBe(0);
    expect((await getShadowSummary(t.db, draftId))!).toMatchObject({ evaluated: 2, differing: 1 });

    await setDraftShadow(t.db, carla, { draftId, shadow: false });
    await shadow.refresh();
    const off = await call("POST", "/api/v1/decisions", refund("cus_5", "10"));
    await shadow.flush();
    expect(await t.db.shadowResult.count({ where: { draftId, decisionId: off.body.id } })).toBe(0);

    await setDraftShadow(t.db, carla, { draftId, shadow: true });
    await discardDraft(t.db, carla, { draftId });
    await shadow.refresh();
    expect(shadow.activeDrafts().some((d) => d.id === draftId)).toBe(false);
    // A discarded draft may leave shadow, never enter it.
    await setDraftShadow(t.db, carla, { draftId, shadow: false });
    await expect(setDraftShadow(t.db, carla, { draftId, shadow: true })).rejects.toMatchObject({ code: "conflict" });
    const audit = await t.db.auditEntry.findMany({ where: { subjectId: draftId, action: "policy.draft_shadow" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => (a.data as { shadow: boolean }).shadow)).toEqual([true, false, true, false]);
  });
});
