import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { createPool } from "../../lib/db/pool";
import type { DecisionRequest } from "../../lib/engine";
import { createDraft } from "../../lib/policy/create-draft";
import { editDraft } from "../../lib/policy/edit-draft";
import type { PolicyDocument } from "../../lib/policy/document-schema";
import type { Role } from "../../lib/policy/roles";
import { cancelSimulation } from "../../lib/simulation/cancel-simulation";
import { summarizeImpact } from "../../components/simulation/describe-impact";
import { DECISION_KINDS } from "../../lib/simulation/replay";
import { getCompletedSimulation, getSimulationRunSummary, hasCompletedSimulation, readSimulationResult } from "../../lib/simulation/queries";
import { failAbandonedRuns, startSimulationRunner, type SimulationRunnerOptions } from "../../lib/simulation/simulation-runner";
import { startSimulation } from "../../lib/simulation/start-simulation";
import { newAgentKey, publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

const DAY = 86_400_000;
// The period replayed: the 10 days before NOW.
const NOW = new Date("2026-06-11T00:00:00.000Z");
const T0 = NOW.getTime() - 10 * DAY;

let t: TestDatabase;
let pool: pg.Pool;
let agentId: string;
const people: Record<string, Actor & { type: "user" }> = {};

async function person(name: string, roles: Role[]) {
  const user = await t.db.user.create({ data: { email: `${name}@northwind.example`, name, roles } });
  return (people[name] = { type: "user", id: user.id, label: user.email, roles });
}

interface Recorded {
  at: number;
  request: DecisionRequest;
  decision: "allow" | "deny" | "hold" | "step_up" | "escalate";
  tier?: string | null;
  counts?: boolean;
  reason?: string;
}

let seq = 0;
/** Writes decisions as the API would have recorded them, at chosen times. */
async function record(rows: Recorded[]): Promise<string[]> {
  const ids = rows.map((row) => `dec_${row.at.toString(36)}${String(++seq).padStart(6, "0")}`);
  await t.query(
    `INSERT INTO decisions (id, agent_id, action, customer_id, amount, request, decision, status, tier, reasons, reason_codes, action_digest, counts_to_limits, created_at, updated_at)
     SELECT r.id, $2::uuid, r.request->>'action', r.request->'customer'->>'id', (r.request->'params'->>'amount')::numeric, r.request, r.decision::"DecisionKind",
            (CASE r.decision WHEN 'allow' THEN 'allowed' WHEN 'hold' THEN 'pending_approval' WHEN 'deny' THEN 'denied' WHEN 'step_up' THEN 'needs_step_up' ELSE 'escalated' END)::"DecisionStatus",
            r.tier, jsonb_build_array(jsonb_build_object('code', r.code, 'message', 'recorded: ' || r.code, 'rule', 'test')), ARRAY[r.code], 'digest', r.counts, r.at, r.at
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, request jsonb, decision text, tier text, code text, counts boolean, at timestamptz)`,
    [
      JSON.stringify(
        rows.map((row, i) => ({
          id: ids[i],
          request: row.request,
          decision: row.decision,
          tier: row.tier ?? null,
          code: row.reason ?? (row.decision === "allow" ? "allowed" : row.decision === "hold" ? "tier_requires_approval" : "unknown_action"),
          counts: row.counts ?? row.decision === "allow",
          at: new Date(row.at).toISOString(),
        })),
      ),
      agentId,
    ],
  );
  return ids;
}

const refund = (customer: string, amount: string): DecisionRequest => ({ action: "refund.issue", customer: { id: customer, verified: true }, params: { amount, currency: "USD" } });

/** A draft whose refunds up to 100 need no approval; the example's limits stay. */
async function raisedThresholdDraft(author: Actor): Promise<{ id: string; revision: number }> {
  const draft = await createDraft(t.db, author, { title: `Raise refund threshold ${++seq}` });
  const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true } });
  const refundAction = structuredClone((stored.document as unknown as PolicyDocument).actions.find((a) => a.key === "refund.issue")!);
  refundAction.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
  await editDraft(t.db, author, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: refundAction } });
  return { id: draft.id, revision: 2 };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function withRunner<T>(options: SimulationRunnerOptions, fn: () => Promise<T>): Promise<T> {
  const runner = startSimulationRunner(pool, { pollMs: 50, log: () => {}, ...options });
  return fn().finally(() => runner.stop());
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  pool = createPool(t.url, 10);
  await newAgentKey(t, "support-bot");
  agentId = (await t.db.agent.findUniqueOrThrow({ where: { name: "support-bot" } })).id;
  await person("carla", ["cx_lead"]);
  await person("sam", ["supervisor"]);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("simulation", () => {
  it("replays the period under the policy in force and the draft, each with limit usage as it was at the time, and counts every transition", async () => {
    const carla = people.carla!;
    await record([
      // Before the period: a refund that counted 10 days before it (inside the 30-day customer window) and one 40 days before (outside).
      { at: T0 - 10 * DAY, request: refund("cus_1", "30"), decision: "allow", tier: "low" },
      { at: T0 - 40 * DAY, request: refund("cus_1", "30"), decision: "allow", tier: "low" },
      // In the period (the policy in force is the example: refunds over 50 are held at the high tier):
      { at: T0 + 1 * DAY, request: refund("cus_1", "80"), decision: "hold", tier: "high", counts: false }, // draft: allowed, usage 1 of 2
      { at: T0 + 2 * DAY, request: refund("cus_1", "70"), decision: "hold", tier: "high", counts: true }, // draft: usage 2 of 2, held on the limit; approved, so it counts on both sides
      { at: T0 + 3 * DAY, request: refund("cus_2", "90"), decision: "hold", tier: "high" }, // draft: allowed
      { at: T0 + 3 * DAY + 1, request: refund("cus_3", "20"), decision: "allow", tier: "low" }, // unchanged
      { at: T0 + 4 * DAY, request: refund("cus_4", "600"), decision: "hold", tier: "critical" }, // critical either way
      { at: T0 + 5 * DAY, request: { action: "order.status" }, decision: "deny", reason: "authority_say_only" }, // unchanged
      { at: T0 + 6 * DAY, request: refund("cus_5", "10"), decision: "deny", reason: "paused" }, // a stop switch was on: still denied
      // Both over cus_1's limit (in force: the seeded one and the approved 70; draft: and the 80 it allowed): held at tier low by both.
      // Recorded at tier high, so only the view of what was decided at the time sees it move.
      { at: T0 + 7 * DAY, request: refund("cus_1", "10"), decision: "hold", tier: "high", reason: "limit_exceeded" },
      // After the period: not replayed.
      { at: NOW.getTime() + 1, request: refund("cus_9", "80"), decision: "hold", tier: "high" },
    ]);
    const draft = await raisedThresholdDraft(carla);
    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision)).toBe(false);

    const run = await startSimulation(t.db, carla, { draftId: draft.id, days: 10 }, NOW);
    const summary = await withRunner({}, () => waitFor(() => getSimulationRunSummary(t.db, run.id), (s) => s?.status === "completed" || s?.status === "failed"));
    expect(summary).toMatchObject({ status: "completed", total: 8, processed: 8, error: null });

    const stored = await t.db.simulationRun.findUniqueOrThrow({ where: { id: run.id } });
    const result = readSimulationResult(stored.result)!;
    expect(result.total).toBe(8);
    expect(result.seededUsageEvents).toBe(1);
    expect(result.inForceVersion).toBe(1);
    expect(result.differingActions).toEqual(["refund.issue"]);
    expect(result.matrix.hold).toEqual({ allow: 2, hold: 3, step_up: 0, escalate: 0, deny: 0 });
    expect(result.matrix.allow.allow).toBe(1);
    expect(result.matrix.deny.deny).toBe(2);
    expect(result.kindChanged).toBe(2);
    expect(result.changed).toBe(3); // and one hold that moves from tier high to low
    expect(result.changes).toEqual([
      { action: "refund.issue", from: "hold", to: "allow", fromTier: "high", tier: "low", count: 2, amount: "170" },
      { action: "refund.issue", from: "hold", to: "hold", fromTier: "high", tier: "low", count: 1, amount: "70" },
    ]);
    expect(result.byAction["refund.issue"]!.hold.allow).toBe(2);
    expect(result.byTier.low!.hold).toMatchObject({ allow: 2, hold: 2 });
    expect(result.money).toEqual({ newlyAllowed: { count: 2, amount: "170" }, noLongerAllowed: { count: 0, amount: "0" } });
    const limitHolds = result.sample.filter((s) => s.draft.reasons[0]?.code === "limit_exceeded");
    expect(limitHolds.map((s) => s.amount)).toEqual(["70"]);
    expect(limitHolds[0]!.draft.reasons[0]!.message).toContain("2 already in the last 30d");
    // Both explanations side by side, and what was decided at the time.
    expect(result.sample[0]).toMatchObject({
      agentName: "support-bot",
      recorded: { decision: "hold", tier: "high" },
      inForce: { decision: "hold", tier: "high", reasons: [{ code: "tier_requires_approval", message: expect.stringContaining("Tier high requires 1 approval") }] },
      draft: { decision: "allow" },
    });
    // The separate view against what was decided at the time also sees the last refund move to tier low.
    expect(result.recorded).toMatchObject({ changed: 4, kindChanged: 2 });

    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision)).toBe(true);
    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision + 1)).toBe(false);
    const audit = await t.db.auditEntry.findMany({ where: { subjectId: draft.id, action: { startsWith: "simulation." } } });
    expect(audit.map((a) => [a.action, a.actorLabel])).toEqual([["simulation.start", carla.label]]);
  });

  it("writes progress while it runs, stops within a batch of a cancel, and refuses a second run or a reader's start", async () => {
    const carla = people.carla!;
    const draft = await raisedThresholdDraft(carla);
    // 12,000 recorded refunds spread over the period.
    await t.query(
      `INSERT INTO decisions (id, agent_id, action, customer_id, amount, request, decision, status, tier, reasons, reason_codes, action_digest, counts_to_limits, created_at, updated_at)
       SELECT 'dec_bulk_' || g, $1::uuid, 'refund.issue', 'cus_b' || (g % 5000), 40,
              jsonb_build_object('action', 'refund.issue', 'customer', jsonb_build_object('id', 'cus_b' || (g % 5000), 'verified', true), 'params', jsonb_build_object('amount', '40')),
              'allow', 'allowed', 'low', '[]', '{allowed}', 'digest', false, $2::timestamptz + g * interval '1 minute', $2::timestamptz + g * interval '1 minute'
         FROM generate_series(1, 12000) AS g`,
      [agentId, new Date(T0 + DAY).toISOString()],
    );

    await expect(startSimulation(t.db, people.sam!, { draftId: draft.id, days: 10 }, NOW)).rejects.toMatchObject({ code: "forbidden" });
    const run = await startSimulation(t.db, carla, { draftId: draft.id, days: 10 }, NOW);
    await expect(startSimulation(t.db, carla, { draftId: draft.id, days: 10 }, NOW)).rejects.toMatchObject({ code: "conflict" });

    const seen: { processed: number; total: number; status: string }[] = [];
    await withRunner(
      {
        batchSize: 1000,
        progressMs: 0,
        // Cancel at the second progress write, as a person would from the card.
        onProgress: async (progress) => {
          seen.push(progress);
          if (seen.length === 2) await cancelSimulation(t.db, carla, { runId: run.id });
        },
      },
      () => waitFor(() => t.db.simulationRun.findUniqueOrThrow({ where: { id: run.id } }), (r) => r.status !== "queued" && r.status !== "running" && seen.length >= 3),
    );

    const after = await t.db.simulationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("cancelled");
    expect(after.result).toBeNull();
    expect(after.finishedAt).not.toBeNull();
    expect(after.total).toBeGreaterThanOrEqual(12_000);
    // The runner stopped at its first progress write after the cancel, which records how far it got.
    expect(seen.map((s) => s.processed)).toEqual([1000, 2000, 3000]);
    expect(seen.map((s) => s.status)).toEqual(["running", "running", "cancelled"]);
    expect(after.processed).toBe(3000);
    await expect(cancelSimulation(t.db, carla, { runId: run.id })).rejects.toMatchObject({ code: "conflict" });
    const audit = await t.db.auditEntry.findMany({ where: { subjectId: draft.id, action: { startsWith: "simulation." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["simulation.start", "simulation.cancel"]);
    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision)).toBe(false);
  });

  it("marks runs left running by a dead process failed, but not one another process is running", async () => {
    const draft = await raisedThresholdDraft(people.carla!);
    const period = { periodStart: new Date(T0), periodEnd: NOW, createdById: people.carla!.id, draftId: draft.id, draftRevision: draft.revision };
    const orphan = await t.db.simulationRun.create({ data: { ...period, status: "running", total: 100, processed: 40 } });
    const alive = await t.db.simulationRun.create({ data: { ...period, status: "running", total: 100, processed: 10 } });
    // Another process's runner holds the advisory lock of the run it executes.
    const other = await pool.connect();
    await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`mandate:simulation:${alive.id}`]);
    try {
      const lines: string[] = [];
      const failed = await failAbandonedRuns(pool, (line) => lines.push(line));
      expect(failed).toBe(1);
      expect(lines).toEqual([expect.stringContaining(orphan.id)]);
      expect(await t.db.simulationRun.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({ status: "failed", processed: 40, error: expect.stringContaining("stopped before it finished") });
      expect((await t.db.simulationRun.findUniqueOrThrow({ where: { id: alive.id } })).status).toBe("running");
    } finally {
      await other.query(`SELECT pg_advisory_unlock_all()`);
      other.release();
    }
    // A runner starting up does the same.
    await withRunner({}, () => waitFor(() => t.db.simulationRun.findUniqueOrThrow({ where: { id: alive.id } }), (r) => r.status === "failed"));
  });

  it("fails a queued run whose draft changed before it started, and the never-simulated check follows the revision", async () => {
    const carla = people.carla!;
    const draft = await raisedThresholdDraft(carla);
    const run = await startSimulation(t.db, carla, { draftId: draft.id, days: 1 }, NOW);
    const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true } });
    const cancelAction = structuredClone((stored.document as unknown as PolicyDocument).actions.find((a) => a.key === "order.cancel")!);
    cancelAction.label = "Cancel an order (edited)";
    await editDraft(t.db, carla, { draftId: draft.id, revision: draft.revision, edit: { section: "actions", op: "upsert", originalKey: "order.cancel", item: cancelAction } });
    const ended = await withRunner({}, () => waitFor(() => getSimulationRunSummary(t.db, run.id), (s) => s?.status === "failed"));
    expect(ended!.error).toContain("The draft changed");

    const next = await startSimulation(t.db, carla, { draftId: draft.id, days: 1 }, NOW);
    await withRunner({}, () => waitFor(() => getSimulationRunSummary(t.db, next.id), (s) => s?.status === "completed"));
    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision + 1)).toBe(true);
    expect(await hasCompletedSimulation(t.db, draft.id, draft.revision)).toBe(false);
    await expect(startSimulation(t.db, carla, { draftId: draft.id, days: 0 }, NOW)).rejects.toMatchObject({ code: "validation_failed" });
  });
  describe("against the policy in force, over a history recorded under an older version", () => {
    // A period of its own, after every other test's rows.
    const LATER = new Date(NOW.getTime() + 100 * DAY);
    const L0 = LATER.getTime() - 10 * DAY;
    const billing = (customer: string, amount: string): DecisionRequest => ({ action: "billing.adjust", intent: "billing_dispute", customer: { id: customer, verified: true }, params: { amount, currency: "USD" } });
    const v1 = (at: number, request: DecisionRequest, decision: Recorded["decision"], tier: string | null, reason?: string): Recorded => ({ at, request, decision, tier, reason });

    beforeAll(async () => {
      // Recorded under version 1 (the example): refunds over 50 held at the high tier, billing recommend-only.
      await record([
        v1(L0 + 1 * DAY, refund("cus_v1", "80"), "hold", "high"),
        v1(L0 + 2 * DAY, refund("cus_v2", "90"), "hold", "high"),
        v1(L0 + 2 * DAY + 1, refund("cus_v1", "95"), "hold", "high"),
        v1(L0 + 3 * DAY, refund("cus_v1", "60"), "hold", "high"), // version 2: over cus_v1's limit, held at tier low
        v1(L0 + 3 * DAY + 1, refund("cus_v3", "30"), "allow", "low"),
        v1(L0 + 4 * DAY, refund("cus_v4", "300"), "hold", "high"),
        v1(L0 + 5 * DAY, billing("cus_v5", "40"), "escalate", null, "authority_recommend_only"),
        v1(L0 + 6 * DAY, billing("cus_v6", "25"), "escalate", null, "authority_recommend_only"),
        v1(L0 + 6 * DAY + 1, { action: "order.status" }, "deny", null, "authority_say_only"),
      ]);
      // Someone else then published version 2: refunds up to 100 need no approval.
      await publishExamplePolicy(t, (doc) => {
        doc.actions.find((a) => a.key === "refund.issue")!.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
      });
    });

    async function simulate(draftId: string) {
      const run = await startSimulation(t.db, people.carla!, { draftId, days: 10 }, LATER);
      await withRunner({}, () => waitFor(() => getSimulationRunSummary(t.db, run.id), (s) => s?.status === "completed" || s?.status === "failed"));
      const stored = await t.db.simulationRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(stored.error).toBeNull();
      return readSimulationResult(stored.result)!;
    }

    // Issue #19: a draft that changed only billing adjustments was shown "holds would become
    // allows (refund.issue) … would move without a human": the refund change was version 2's.
    it("credits a draft that changes only billing.adjust with billing transitions alone", async () => {
      const carla = people.carla!;
      const draft = await createDraft(t.db, carla, { title: "Billing adjustments by agents" });
      const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draft.id }, select: { document: true } });
      const billingAction = structuredClone((stored.document as unknown as PolicyDocument).actions.find((a) => a.key === "billing.adjust")!);
      billingAction.authority = "execute";
      await editDraft(t.db, carla, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "billing.adjust", item: billingAction } });

      const result = await simulate(draft.id);
      expect(result.inForceVersion).toBe(2);
      expect(result.total).toBe(9);
      expect(result.differingActions).toEqual(["billing.adjust"]);
      // Billing: escalated to a person under version 2, held at the high tier under the draft.
      expect(result.changes).toEqual([{ action: "billing.adjust", from: "escalate", to: "hold", fromTier: null, tier: "high", count: 2, amount: "65" }]);
      expect(result.kindChanged).toBe(2);
      expect(result.changed).toBe(2);
      const refunds = result.byAction["refund.issue"]!;
      expect(refunds.allow.allow + refunds.hold.hold).toBe(6);
      expect(result.money).toEqual({ newlyAllowed: { count: 0, amount: "0" }, noLongerAllowed: { count: 0, amount: "0" } });
      expect(result.sample.map((s) => s.action)).toEqual(["billing.adjust", "billing.adjust"]);
      // Only the separate view of what was decided at the time sees the refunds version 2 let through.
      expect(result.recorded.matrix.hold.allow).toBe(3);

      // What the reviewer reads next to Approve: the same comparison.
      const summary = await getCompletedSimulation(t.db, draft.id, 2);
      expect(summary!.impact).toMatchObject({ inForceVersion: 2, kindChanged: 2, topChanges: [{ action: "billing.adjust", from: "escalate", to: "hold" }] });
      expect(summarizeImpact(summary!.impact!, 2)).toBe("Compared with version 2, the policy in force: 2 escalations would become holds (billing.adjust, high tier)");
    });

    it("reports no transition for a draft identical to the policy in force", async () => {
      const draft = await createDraft(t.db, people.carla!, { title: "Unchanged" });
      const result = await simulate(draft.id);
      expect(result).toMatchObject({ inForceVersion: 2, total: 9, changed: 0, kindChanged: 0, changes: [], sample: [], differingActions: [] });
      expect(result.money).toEqual({ newlyAllowed: { count: 0, amount: "0" }, noLongerAllowed: { count: 0, amount: "0" } });
      for (const matrix of Object.values(result.byAction)) for (const from of DECISION_KINDS) for (const to of DECISION_KINDS) if (from !== to) expect(matrix[from][to]).toBe(0);
      // Against what was decided at the time, version 2's refunds moved.
      expect(result.recorded.kindChanged).toBe(3);
    });

    it("simulates a draft that changes only the tool mappings: no decision of the agent API moves", async () => {
      // Tool mappings say which MCP tool is which action; the engine decides the action, so replaying
      // recorded decisions under the draft changes none of them.
      const ivan = people.ivan ?? (await person("ivan", ["it"]));
      const draft = await createDraft(t.db, ivan, { title: "Map the payment gateway" });
      const mapping = { server: "ledger-gw", tool: "issue_refund", action: "refund.issue", customer_id: "customer_id", params: { amount: "amount", currency: "currency" }, data_sources: ["orders", "payments"] };
      await editDraft(t.db, ivan, { draftId: draft.id, revision: 1, edit: { section: "tools", op: "upsert", originalKey: null, item: mapping } });
      const run = await startSimulation(t.db, ivan, { draftId: draft.id, days: 10 }, LATER);
      await withRunner({}, () => waitFor(() => getSimulationRunSummary(t.db, run.id), (s) => s?.status === "completed" || s?.status === "failed"));
      const stored = await t.db.simulationRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(stored).toMatchObject({ status: "completed", error: null, draftRevision: 2 });
      const result = readSimulationResult(stored.result)!;
      expect(result).toMatchObject({ inForceVersion: 2, total: 9, changed: 0, kindChanged: 0, changes: [], sample: [], differingActions: [] });
      expect(await hasCompletedSimulation(t.db, draft.id, 2)).toBe(true);
    });

    it("does not show a result that compared the draft with recorded decisions, nor count it as a simulation", async () => {
      const draft = await createDraft(t.db, people.carla!, { title: "Simulated before the fix" });
      const period = { periodStart: new Date(L0), periodEnd: LATER, createdById: people.carla!.id, draftId: draft.id, draftRevision: 1 };
      await t.db.simulationRun.create({ data: { ...period, status: "completed", result: { version: 1, total: 9 } } });
      expect(await hasCompletedSimulation(t.db, draft.id, 1)).toBe(false);
      expect(await getCompletedSimulation(t.db, draft.id, 1)).toBeNull();
    });
  });
});
