import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR, type Actor } from "../../lib/audit/actor";
import { acceptRecommendation } from "../../lib/autonomy/accept-recommendation";
import { dismissRecommendation } from "../../lib/autonomy/dismiss-recommendation";
import { readEvidence } from "../../lib/autonomy/evidence";
import { generateRecommendations } from "../../lib/autonomy/generate-recommendations";
import { createPool } from "../../lib/db/pool";
import { rebuildRollups } from "../../lib/history/rollups";
import { diffPolicy } from "../../lib/policy/diff-policy";
import type { PolicyDocument } from "../../lib/policy/document-schema";
import { getCurrentPolicy } from "../../lib/policy/queries";
import { reviewDraft } from "../../lib/policy/review-draft";
import type { Role } from "../../lib/policy/roles";
import { submitDraft } from "../../lib/policy/submit-draft";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { heldRefunds, insertHistory, type HistoryRow } from "./autonomy-history";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let pool: pg.Pool;
let agentId: string;
let key: string;
const people: Record<string, Actor & { type: "user" }> = {};
const now = new Date();

async function person(name: string, roles: Role[]) {
  const user = await t.db.user.create({ data: { email: `${name}@northwind.example`, name, roles } });
  people[name] = { type: "user", id: user.id, label: user.email, roles };
  return people[name]!;
}

async function auditOf(subjectId: string): Promise<string[]> {
  return (await t.db.auditEntry.findMany({ where: { subjectId }, orderBy: { id: "asc" }, select: { action: true } })).map((a) => a.action);
}

async function openOf(kind: string) {
  return t.db.recommendation.findMany({ where: { status: "open", kind } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  pool = createPool(t.url, 4);
  key = await newAgentKey(t, "support-bot");
  agentId = (await t.db.agent.findUniqueOrThrow({ where: { name: "support-bot" } })).id;
  await person("chris", ["committee"]);
  await person("cora", ["committee"]);
  await person("carla", ["cx_lead"]);
  await person("sam", ["supervisor"]);

  // Held refunds over $50 up to $150: 399 of 400 approved, none reversed. Over $150 up to $200: 80% approved.
  await insertHistory(t, [
    ...heldRefunds({ agentId, from: 50, to: 150, count: 400, rejected: 1, now }),
    ...heldRefunds({ agentId, from: 150, to: 200, count: 50, rejected: 10, now }),
  ]);
  await rebuildRollups(pool);
});

afterAll(async () => {
  await pool.end();
  await api.close();
  await t.drop();
});

describe("earned-autonomy recommendations", () => {
  let raiseId = "";
  let draftId = "";

  it("recommends raising the refund low tier to the top of the range people approve, once", async () => {
    const first = await generateRecommendations(t.db, SYSTEM_ACTOR, { now });
    expect(first).toMatchObject({ ran: true, created: 1, refreshed: 0, retired: 0 });
    const [raise] = await openOf("RAISE_THRESHOLD");
    expect(raise).toMatchObject({ action: "refund.issue", status: "open" });
    expect(raise!.title).toBe(
      "Issue a refund: held requests over $50 up to $150 were approved 99.7% of 400 times with no reversal in 60 days: consider raising the low-tier threshold to $150",
    );
    const evidence = readEvidence(raise!.evidence)!;
    expect(evidence.proposal).toMatchObject({ kind: "band_threshold", band: 0, from: "50", to: "150" });
    expect(evidence.change).toBe("Issue a refund: low tier raised from $50 to $150");
    expect(evidence.numbers).toMatchObject({ decided: 400, approved: 399, rejected: 1, reverted: 0 });
    expect(await auditOf(raise!.id)).toEqual(["recommendation.create"]);
    raiseId = raise!.id;

    // The same evidence again: the open one is refreshed, not duplicated.
    const second = await generateRecommendations(t.db, SYSTEM_ACTOR, { now });
    expect(second).toMatchObject({ created: 0, refreshed: 1, retired: 0 });
    expect(await openOf("RAISE_THRESHOLD")).toHaveLength(1);
  });

  it("lets only the committee (or an admin) accept, with a reason", async () => {
    const { carla, sam, chris } = people;
    const input = { recommendationId: raiseId, reason: "Supervisors approve these anyway" };
    await expect(acceptRecommendation(t.db, carla!, input)).rejects.toMatchObject({ code: "forbidden" });
    await expect(acceptRecommendation(t.db, sam!, input)).rejects.toMatchObject({ code: "forbidden" });
    await expect(acceptRecommendation(t.db, chris!, { ...input, reason: " " })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(generateRecommendations(t.db, carla!)).rejects.toMatchObject({ code: "forbidden" });
    expect(await t.db.policyDraft.count()).toBe(0);
  });

  it("accepting drafts the change through editDraft, records who and why, and refuses a second accept", async () => {
    const { chris, cora } = people;
    const raise = await t.db.recommendation.findUniqueOrThrow({ where: { id: raiseId } });
    const fingerprint = readEvidence(raise.evidence)!.fingerprint;
    await expect(acceptRecommendation(t.db, chris!, { recommendationId: raiseId, reason: "Evidence is clear", fingerprint: "something else" })).rejects.toMatchObject({ code: "conflict" });

    // Two people click at once: one draft, one refusal.
    const results = await Promise.allSettled([
      acceptRecommendation(t.db, chris!, { recommendationId: raiseId, reason: "Supervisors approve these anyway", fingerprint }),
      acceptRecommendation(t.db, { ...cora!, roles: ["committee"] }, { recommendationId: raiseId, reason: "Agreed at the committee meeting" }),
    ]);
    const accepted = results.filter((r): r is PromiseFulfilledResult<{ draftId: string }> => r.status === "fulfilled");
    expect(accepted).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict" } });
    draftId = accepted[0]!.value.draftId;
    expect(await t.db.policyDraft.count({ where: { status: { in: ["open", "in_review"] } } })).toBe(1);

    const decided = await t.db.recommendation.findUniqueOrThrow({ where: { id: raiseId }, include: { decidedBy: true } });
    expect(decided).toMatchObject({ status: "accepted", draftId });
    expect(["Supervisors approve these anyway", "Agreed at the committee meeting"]).toContain(decided.reason);
    expect(await auditOf(raiseId)).toEqual(["recommendation.create", "recommendation.accept"]);
    expect(await auditOf(draftId)).toEqual(["policy.draft_create", "policy.draft_edit"]);

    const draft = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draftId } });
    expect(draft.reason).toBe(raise.title);
    const current = (await getCurrentPolicy(t.db))!.document;
    const texts = diffPolicy(current, draft.document as unknown as PolicyDocument).sections.flatMap((s) => s.changes.map((c) => c.text));
    expect(texts).toEqual(["Issue a refund: low tier raised from $50 to $150"]);

    await expect(acceptRecommendation(t.db, chris!, { recommendationId: raiseId, reason: "again please" })).rejects.toMatchObject({ code: "conflict" });
    // While its draft is under way, the same change is not recommended again.
    expect(await generateRecommendations(t.db, SYSTEM_ACTOR, { now })).toMatchObject({ created: 0 });
    expect(await openOf("RAISE_THRESHOLD")).toHaveLength(0);
  });

  it("the draft is reviewed and published like any change, and the next refund under the new threshold is allowed at the low tier", async () => {
    const { chris, cora } = people;
    const author = (await t.db.policyDraft.findUniqueOrThrow({ where: { id: draftId } })).authorId === chris!.id ? chris! : cora!;
    const reviewer = author === chris ? cora! : chris!;
    const { revision } = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draftId } });
    await submitDraft(t.db, author, { draftId, revision, reason: "Held refunds up to $150 are approved 99.7% of the time" });
    const review = await reviewDraft(t.db, reviewer, { draftId, revision, verdict: "approve", comment: "Agreed", publishWithoutSimulation: true });
    expect(review.published).toBe(2);

    await api.runtime.refresh();
    const res = await client(api.url, key)("POST", "/api/v1/decisions", {
      action: "refund.issue",
      intent: "shipping_error",
      customer: { id: "cus_new", verified: true },
      params: { amount: "120.00", currency: "USD" },
    });
    expect(res.body).toMatchObject({ decision: "allow", tier: "low", policy_version: 2 });
  });

  it("a dismissal needs a reason, is audited, and keeps the same change from coming back; stale ones are retired", async () => {
    const { chris, carla } = people;
    // Three reroutes reversed in the last two days, against a quiet record: lower the authority.
    const rows: HistoryRow[] = [
      ...Array.from({ length: 100 }, (_, i): HistoryRow => ({ action: "shipment.reroute", agentId, decision: "allow", status: "executed", tier: "low", createdAt: new Date(now.getTime() - (2 + (i % 5)) * 86_400_000) })),
      ...Array.from({ length: 3 }, (_, i): HistoryRow => ({ action: "shipment.reroute", agentId, decision: "allow", status: "reverted", tier: "low", createdAt: new Date(now.getTime() - 3 * 86_400_000 + i * 1000), outcomeAt: new Date(now.getTime() - 86_400_000) })),
    ];
    await insertHistory(t, rows);
    await rebuildRollups(pool);
    expect(await generateRecommendations(t.db, SYSTEM_ACTOR, { now })).toMatchObject({ created: 1 });
    const [lower] = await openOf("LOWER_AUTHORITY");
    expect(lower).toMatchObject({ action: "shipment.reroute" });
    expect(readEvidence(lower!.evidence)!.change).toBe("Reroute a package: authority lowered from execute to recommend");

    // Months later nothing supports it any more: Mandate retires it, and that is no person's dismissal.
    const later = new Date(now.getTime() + 120 * 86_400_000);
    expect(await generateRecommendations(t.db, SYSTEM_ACTOR, { now: later })).toMatchObject({ retired: 1 });
    expect(await t.db.recommendation.findUniqueOrThrow({ where: { id: lower!.id } })).toMatchObject({ status: "dismissed", decidedById: null, reason: "No longer supported by the evidence of the last 60 days" });
    expect(await auditOf(lower!.id)).toEqual(["recommendation.create", "recommendation.retire"]);
    expect(await generateRecommendations(t.db, SYSTEM_ACTOR, { now })).toMatchObject({ created: 1 });
    const [again] = await openOf("LOWER_AUTHORITY");

    await expect(dismissRecommendation(t.db, chris!, { recommendationId: again!.id, reason: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(dismissRecommendation(t.db, carla!, { recommendationId: again!.id, reason: "Carrier outage, not the agent" })).rejects.toMatchObject({ code: "forbidden" });
    await dismissRecommendation(t.db, chris!, { recommendationId: again!.id, reason: "Carrier outage, not the agent" });
    expect(await t.db.recommendation.findUniqueOrThrow({ where: { id: again!.id } })).toMatchObject({ status: "dismissed", decidedById: chris!.id, reason: "Carrier outage, not the agent" });
    expect(await auditOf(again!.id)).toEqual(["recommendation.create", "recommendation.dismiss"]);
    await expect(dismissRecommendation(t.db, chris!, { recommendationId: again!.id, reason: "twice over" })).rejects.toMatchObject({ code: "conflict" });

    expect(await generateRecommendations(t.db, SYSTEM_ACTOR, { now })).toMatchObject({ created: 0 });
    expect(await openOf("LOWER_AUTHORITY")).toHaveLength(0);
  });

  it("refuses to accept a change the policy has already moved past, and creates no draft", async () => {
    const { chris } = people;
    const drafts = await t.db.policyDraft.count();
    const stale = await t.db.recommendation.create({
      data: {
        action: "refund.issue",
        kind: "RAISE_THRESHOLD",
        title: "stale",
        evidence: { rule: "RAISE_THRESHOLD", fingerprint: "RAISE_THRESHOLD:refund.issue:*:old", proposal: { kind: "band_threshold", action: "refund.issue", band: 0, field: "amount", operator: "lte", from: "50", to: "100" } },
      },
    });
    await expect(acceptRecommendation(t.db, chris!, { recommendationId: stale.id, reason: "Looks right to me" })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("already 150") });
    expect(await t.db.policyDraft.count()).toBe(drafts);
  });
});
