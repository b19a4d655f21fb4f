import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { newId } from "../../lib/ids";
import type { Role } from "../../lib/policy/roles";
import { editDraft } from "../../lib/policy/edit-draft";
import { getCurrentPolicy } from "../../lib/policy/queries";
import { reviewDraft } from "../../lib/policy/review-draft";
import { discardDraft } from "../../lib/policy/discard-draft";
import { submitDraft } from "../../lib/policy/submit-draft";
import { addReviewNote } from "../../lib/reviews/add-review-note";
import { assignReviewCase } from "../../lib/reviews/assign-review-case";
import { bulkUpdateReviewCases } from "../../lib/reviews/bulk-update-review-cases";
import { labelReviewCase } from "../../lib/reviews/label-review-case";
import { getDraftReviewOrigin, getReviewCase, listReviewCases } from "../../lib/reviews/queries";
import { resolveReviewCase } from "../../lib/reviews/resolve-review-case";
import { reviewListQuerySchema, type ReviewListParams } from "../../lib/reviews/schemas";
import { startDraftFromCase } from "../../lib/reviews/start-draft-from-case";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
let agentId: string;
type UserActor = Extract<Actor, { type: "user" }>;
const people: Record<string, UserActor> = {};

async function person(name: string, roles: Role[]): Promise<UserActor> {
  const user = await t.db.user.create({ data: { email: `${name}@example.com`, name, roles } });
  people[name] = { type: "user", id: user.id, label: user.email, roles };
  return people[name];
}

/** A case as the agent API opens it: an allowed refund, executed, then reverted. */
async function revertedRefundCase(customer: string): Promise<string> {
  const decision = (await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: customer }, params: { amount: "20" } })).body;
  expect(decision.decision).toBe("allow");
  expect((await call("POST", `/api/v1/decisions/${decision.id}/outcome`, { status: "executed", action_digest: decision.action_digest })).status).toBe(201);
  expect((await call("POST", `/api/v1/decisions/${decision.id}/outcome`, { status: "reverted", external_ref: "re_1" })).status).toBe(201);
  const found = await t.db.reviewCase.findFirstOrThrow({ where: { decisionId: decision.id, source: "outcome_reverted" } });
  return found.id;
}

// Opened through Prisma as decide-approval opens cases, so `labels` is NULL, not '{}' (the column
// is nullable): every mutation and query must cope with that.
async function plainCase(data: { action?: string; tier?: string; source?: "sample" | "limit_breach" | "agent"; createdAt?: Date } = {}): Promise<string> {
  const id = newId("rev");
  await t.db.reviewCase.create({ data: { id, source: data.source ?? "sample", reason: "Sampled for review", action: data.action ?? "order.cancel", tier: data.tier ?? "medium", agentId, createdAt: data.createdAt } });
  return id;
}

async function auditOf(caseId: string): Promise<{ action: string; actorLabel: string; data: unknown }[]> {
  return t.db.auditEntry.findMany({ where: { subjectType: "review_case", subjectId: caseId }, orderBy: { id: "asc" }, select: { action: true, actorLabel: true, data: true } });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
  agentId = (await t.db.agent.findUniqueOrThrow({ where: { name: "support-bot" } })).id;
  await person("sam", ["supervisor"]);
  await person("sofia", ["supervisor"]);
  await person("chris", ["committee"]);
  await person("carla", ["cx_lead"]);
  await person("lena", ["legal"]);
  await person("aldo", ["auditor"]);
  await person("ivan", ["it"]);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

describe("review mutations are authorized on the server, whatever the page shows", () => {
  it("roles that may only read cases (legal, auditor) or not at all (IT, agents) change nothing, and leave no audit entry", async () => {
    const caseId = await revertedRefundCase("cus_authz");
    const before = await t.db.auditEntry.count();
    const agent: Actor = { type: "agent", id: agentId, label: "support-bot" };
    for (const actor of [people.lena!, people.aldo!, people.ivan!, agent]) {
      await expect(assignReviewCase(t.db, actor, { caseId, assign: "me" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(labelReviewCase(t.db, actor, { caseId, add: ["fraud"] })).rejects.toMatchObject({ code: "forbidden" });
      await expect(addReviewNote(t.db, actor, { caseId, body: "sneaky" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(resolveReviewCase(t.db, actor, { caseId, status: "dismissed", outcome: "not my job" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(bulkUpdateReviewCases(t.db, actor, { op: "dismiss", caseIds: [caseId], outcome: "all of them" })).rejects.toMatchObject({ code: "forbidden" });
      await expect(startDraftFromCase(t.db, actor, { caseId })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await t.db.auditEntry.count()).toBe(before);
    expect(await t.db.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: "open", labels: [], assigneeId: null });
    expect(await t.db.reviewNote.count({ where: { caseId } })).toBe(0);
  });
});

describe("working one case", () => {
  it("assign to me moves it to in review, unassign back to open; each change audited once", async () => {
    const { sam, sofia } = people;
    const caseId = await revertedRefundCase("cus_assign");
    expect(await assignReviewCase(t.db, sam!, { caseId, assign: "me" })).toEqual({ changed: true });
    expect(await t.db.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: "in_review", assigneeId: sam!.id });
    expect(await assignReviewCase(t.db, sam!, { caseId, assign: "me" })).toEqual({ changed: false });
    // Someone else may take it over; the audit entry says from whom.
    await assignReviewCase(t.db, sofia!, { caseId, assign: "me" });
    await assignReviewCase(t.db, sofia!, { caseId, assign: "nobody" });
    expect(await t.db.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: "open", assigneeId: null });
    expect(await auditOf(caseId)).toEqual([
      { action: "review.assign", actorLabel: "sam@example.com", data: { from: null, to: sam!.id, status: "in_review" } },
      { action: "review.assign", actorLabel: "sofia@example.com", data: { from: sam!.id, to: sofia!.id, status: "in_review" } },
      { action: "review.unassign", actorLabel: "sofia@example.com", data: { from: sofia!.id, to: null, status: "open" } },
    ]);
    await expect(assignReviewCase(t.db, sam!, { caseId: "rev_missing", assign: "me" })).rejects.toMatchObject({ code: "not_found" });
    await expect(assignReviewCase(t.db, sam!, { caseId: "dec_wrong", assign: "me" })).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("labels come from the fixed vocabulary, in its order, and every change is audited", async () => {
    const { sam } = people;
    const caseId = await revertedRefundCase("cus_label");
    await expect(labelReviewCase(t.db, sam!, { caseId, add: ["bad_vibes" as never] })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(labelReviewCase(t.db, sam!, { caseId })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "label" }] });
    expect(await labelReviewCase(t.db, sam!, { caseId, add: ["fraud", "policy_gap"] })).toEqual({ labels: ["policy_gap", "fraud"], changed: true });
    expect(await labelReviewCase(t.db, sam!, { caseId, add: ["policy_gap"] })).toEqual({ labels: ["policy_gap", "fraud"], changed: false });
    expect(await labelReviewCase(t.db, sam!, { caseId, remove: ["fraud"] })).toEqual({ labels: ["policy_gap"], changed: true });
    expect((await auditOf(caseId)).map((a) => a.data)).toEqual([
      { added: ["policy_gap", "fraud"], removed: [], labels: ["policy_gap", "fraud"] },
      { added: [], removed: ["fraud"], labels: ["policy_gap"] },
    ]);
  });

  it("notes form a thread, are refused when empty, and their text is in the audit log", async () => {
    const { sam, chris } = people;
    const caseId = await revertedRefundCase("cus_note");
    await expect(addReviewNote(t.db, sam!, { caseId, body: "   " })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "body", message: "Write a note first" }] });
    await addReviewNote(t.db, sam!, { caseId, body: "Refund reverted by the bank, not by the agent." });
    await addReviewNote(t.db, chris!, { caseId, body: "Agreed: the agent was right." });
    const detail = await getReviewCase(t.db, caseId);
    expect(detail!.notes.map((n) => [n.author.name, n.body])).toEqual([
      ["sam", "Refund reverted by the bank, not by the agent."],
      ["chris", "Agreed: the agent was right."],
    ]);
    // Regression (issue #23, point 6): the activity read "chris@example.com: review.note".
    expect(detail!.trail.map((a) => a.text)).toEqual(expect.arrayContaining(["sam added a note", "chris added a note"]));
    expect(detail!.trail.map((a) => a.text).join("\n")).not.toContain("@example.com");
    expect(await auditOf(caseId)).toMatchObject([
      { action: "review.note", data: { body: "Refund reverted by the bank, not by the agent." } },
      { action: "review.note", actorLabel: "chris@example.com" },
    ]);
  });

  it("closing needs an outcome; resolving also needs a label; a closed case stays closed and keeps a label", async () => {
    const { sam, sofia } = people;
    const caseId = await revertedRefundCase("cus_resolve");
    await expect(resolveReviewCase(t.db, sam!, { caseId, status: "resolved", outcome: "" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "outcome" }] });
    await expect(resolveReviewCase(t.db, sam!, { caseId, status: "resolved", outcome: "  ok " })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "outcome" }] });
    await expect(resolveReviewCase(t.db, sam!, { caseId, status: "resolved", outcome: "Agent was right" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "labels" }] });
    expect(await auditOf(caseId)).toEqual([]);

    await labelReviewCase(t.db, sam!, { caseId, add: ["correct"] });
    expect(await resolveReviewCase(t.db, sam!, { caseId, status: "resolved", outcome: "Agent was right; bank reversed it" })).toEqual({ status: "resolved" });
    const closed = await t.db.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(closed).toMatchObject({ status: "resolved", resolution: "Agent was right; bank reversed it", resolvedById: sam!.id });
    expect(closed.resolvedAt).toBeInstanceOf(Date);
    await expect(resolveReviewCase(t.db, sofia!, { caseId, status: "dismissed", outcome: "again" })).rejects.toMatchObject({ code: "conflict", message: "This case is already resolved." });
    await expect(assignReviewCase(t.db, sofia!, { caseId, assign: "me" })).rejects.toMatchObject({ code: "conflict" });
    await expect(labelReviewCase(t.db, sofia!, { caseId, remove: ["correct"] })).rejects.toMatchObject({ code: "conflict" });
    // Notes still go on a closed case.
    await addReviewNote(t.db, sofia!, { caseId, body: "Follow-up: the bank confirmed." });
    expect((await auditOf(caseId)).map((a) => a.action)).toEqual(["review.label", "review.resolve", "review.note"]);
    expect((await auditOf(caseId))[1]!.data).toEqual({ outcome: "Agent was right; bank reversed it", labels: ["correct"], from: "open" });

    const other = await plainCase();
    await resolveReviewCase(t.db, sam!, { caseId: other, status: "dismissed", outcome: "Sample looked fine" });
    expect(await t.db.reviewCase.findUniqueOrThrow({ where: { id: other } })).toMatchObject({ status: "dismissed", labels: [] });
  });
});

describe("bulk actions", () => {
  it("assign, label and dismiss many cases at once: one audit entry per case changed, the rest reported", async () => {
    const { chris } = people;
    const ids = [await plainCase(), await plainCase(), await plainCase(), await plainCase()];
    const closed = await plainCase();
    await resolveReviewCase(t.db, chris!, { caseId: closed, status: "dismissed", outcome: "noise" });

    await expect(bulkUpdateReviewCases(t.db, chris!, { op: "assign_me", caseIds: [] })).rejects.toMatchObject({ code: "validation_failed" });
    const assigned = await bulkUpdateReviewCases(t.db, chris!, { op: "assign_me", caseIds: [...ids, closed, "rev_gone"] });
    expect(assigned.changed.sort()).toEqual([...ids].sort());
    expect(assigned.skipped).toEqual(expect.arrayContaining([{ id: "rev_gone", reason: "no such case" }, { id: closed, reason: expect.stringContaining("dismissed") }]));
    expect(await t.db.reviewCase.count({ where: { id: { in: ids }, status: "in_review", assigneeId: chris!.id } })).toBe(4);

    await labelReviewCase(t.db, chris!, { caseId: ids[0]!, add: ["agent_error"] });
    const labelled = await bulkUpdateReviewCases(t.db, chris!, { op: "label", caseIds: ids, label: "agent_error" });
    expect(labelled).toMatchObject({ changed: ids.slice(1).sort(), skipped: [{ id: ids[0], reason: "already labelled" }] });

    await expect(bulkUpdateReviewCases(t.db, chris!, { op: "dismiss", caseIds: ids, outcome: "" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "outcome" }] });
    const dismissed = await bulkUpdateReviewCases(t.db, chris!, { op: "dismiss", caseIds: ids, outcome: "Duplicates of a known agent bug" });
    expect(dismissed.changed).toHaveLength(4);
    expect(await t.db.reviewCase.count({ where: { id: { in: ids }, status: "dismissed", resolution: "Duplicates of a known agent bug" } })).toBe(4);

    for (const id of ids) {
      const actions = (await auditOf(id)).map((a) => a.action);
      expect(actions.filter((a) => a === "review.assign")).toHaveLength(1);
      expect(actions.filter((a) => a === "review.dismiss")).toHaveLength(1);
    }
    expect((await auditOf(ids[1]!)).at(-1)).toMatchObject({ data: { bulk: true, batch_size: 4, outcome: "Duplicates of a known agent bug" } });
  });

  it("two people bulk-assigning overlapping selections at once: no deadlock, every case ends with one of them", async () => {
    const { sam, sofia } = people;
    const ids = await Promise.all(Array.from({ length: 30 }, () => plainCase()));
    const [a, b] = await Promise.all([
      bulkUpdateReviewCases(t.db, sam!, { op: "assign_me", caseIds: ids.slice(0, 20) }),
      bulkUpdateReviewCases(t.db, sofia!, { op: "assign_me", caseIds: [...ids.slice(10)].reverse() }),
    ]);
    expect(a.changed.length + b.changed.length).toBe(40);
    const owners = await t.db.reviewCase.findMany({ where: { id: { in: ids } }, select: { assigneeId: true } });
    expect(owners.every((o) => o.assigneeId === sam!.id || o.assigneeId === sofia!.id)).toBe(true);
  });
});

describe("starting a policy draft from a case", () => {
  it("needs a policy role as well: a supervisor is told whom to ask, and nothing is created", async () => {
    const caseId = await revertedRefundCase("cus_draft_sup");
    const drafts = await t.db.policyDraft.count();
    await expect(startDraftFromCase(t.db, people.sam!, { caseId })).rejects.toMatchObject({ code: "forbidden", message: expect.stringContaining("policy role") });
    expect(await t.db.policyDraft.count()).toBe(drafts);
  });

  it("creates a draft named after the case's action and its author, linked both ways in one transaction", async () => {
    const { chris } = people;
    const caseId = await revertedRefundCase("cus_draft");
    const result = await startDraftFromCase(t.db, chris!, { caseId });
    // Drafts were named "Review rev_…: refund.issue" (issue #23): the action's label and the author's name, never the case id.
    expect(result).toMatchObject({ title: expect.stringMatching(/^Issue a refund: change from a review case by chris, \d{1,2} [A-Z][a-z]{2}$/), actionKey: "refund.issue" });
    const draft = await t.db.policyDraft.findUniqueOrThrow({ where: { id: result.draftId } });
    expect(draft).toMatchObject({ title: result.title, status: "open", authorId: chris!.id, reason: `Started from review case ${caseId}: outcome reverted: The agent reported the action reverted` });
    expect(await t.db.auditEntry.findFirstOrThrow({ where: { subjectType: "policy_draft", subjectId: draft.id } })).toMatchObject({ action: "policy.draft_create", data: { review_case: caseId } });
    expect(await auditOf(caseId)).toEqual([{ action: "review.draft_start", actorLabel: "chris@example.com", data: { draft_id: draft.id, title: draft.title, action: "refund.issue" } }]);
    expect(await getDraftReviewOrigin(t.db, draft.id)).toMatchObject({ id: caseId, action: "refund.issue" });
    expect((await getReviewCase(t.db, caseId))!.drafts).toEqual([expect.objectContaining({ id: draft.id, title: draft.title })]);

    // An action the policy does not know: the draft still starts, the console opens the draft itself.
    const stray = await plainCase({ action: "gift.card", source: "agent" });
    expect(await startDraftFromCase(t.db, chris!, { caseId: stray })).toMatchObject({ title: expect.stringMatching(/^gift\.card: change from a review case by chris, /), actionKey: null });
    await expect(startDraftFromCase(t.db, chris!, { caseId: "rev_nope" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("the policy owners' view: policy-gap cases waiting for a policy change", () => {
  const waiting = async (actor: UserActor, params: ReviewListParams = {}) =>
    (await listReviewCases(t.db, actor.id, reviewListQuerySchema.parse({ view: "policy_change", status: "all", size: "100", ...params }))).rows;

  // Issue #23, point 7: a policy-gap case left the inbox's default view once resolved, and nothing
  // showed the policy owner which changes were still owed.
  it("keeps a resolved policy-gap case until a draft started from it is published, then the case shows the version", async () => {
    const { sam, chris, carla } = people;
    const caseId = await revertedRefundCase("cus_gap");
    const other = await plainCase({ action: "order.cancel" });
    await labelReviewCase(t.db, sam!, { caseId, add: ["policy_gap"] });
    await labelReviewCase(t.db, sam!, { caseId: other, add: ["agent_error"] });
    await resolveReviewCase(t.db, sam!, { caseId, status: "resolved", outcome: "Needs a policy change for reused cards" });

    const byDefault = await listReviewCases(t.db, sam!.id, reviewListQuerySchema.parse({ size: "100" }));
    expect(byDefault.rows.map((r) => r.id)).not.toContain(caseId);
    const before = (await waiting(chris!)).find((r) => r.id === caseId);
    expect(before).toMatchObject({ status: "resolved", labels: ["policy_gap"], draft: null });
    expect((await waiting(chris!)).map((r) => r.id)).not.toContain(other);

    // The draft started from the case is stored on the draft itself (not only in the audit log).
    const started = await startDraftFromCase(t.db, chris!, { caseId });
    expect(await t.db.policyDraft.findUniqueOrThrow({ where: { id: started.draftId }, select: { reviewCaseId: true } })).toEqual({ reviewCaseId: caseId });
    expect((await waiting(chris!)).find((r) => r.id === caseId)!.draft).toEqual({ id: started.draftId, title: started.title, status: "open", publishedVersion: null });

    const refund = structuredClone((await getCurrentPolicy(t.db))!.document.actions.find((a) => a.key === "refund.issue")!);
    await editDraft(t.db, chris!, { draftId: started.draftId, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: { ...refund, label: "Refund a customer" } } });
    await submitDraft(t.db, chris!, { draftId: started.draftId, revision: 2, reason: "Refunds to reused cards need a supervisor" });
    const published = await reviewDraft(t.db, carla!, { draftId: started.draftId, revision: 2, verdict: "approve", comment: "Agreed after reading the case", publishWithoutSimulation: true });
    expect(published.published).toEqual(expect.any(Number));

    expect((await waiting(chris!)).map((r) => r.id)).not.toContain(caseId);
    expect((await getReviewCase(t.db, caseId))!.drafts).toEqual([expect.objectContaining({ id: started.draftId, status: "published", publishedVersion: published.published })]);
    const row = (await listReviewCases(t.db, chris!.id, reviewListQuerySchema.parse({ status: "all", label: "policy_gap", size: "100" }))).rows.find((r) => r.id === caseId);
    expect(row!.draft).toMatchObject({ publishedVersion: published.published });
  });

  it("the migration links drafts started before the column existed, from their creation audit entry", async () => {
    const { chris } = people;
    const caseId = await plainCase({ action: "order.cancel" });
    const started = await startDraftFromCase(t.db, chris!, { caseId });
    const plain = await t.db.policyDraft.create({ data: { title: "Unrelated", document: {}, authorLabel: "chris@example.com" } });
    await t.query(`UPDATE policy_drafts SET review_case_id = NULL`);
    const sql = readFileSync(path.join(process.cwd(), "prisma/migrations/20261208152000_draft_review_case/migration.sql"), "utf8");
    await t.query(sql.slice(sql.indexOf("-- Drafts started from a case before")));
    expect(await t.db.policyDraft.findUniqueOrThrow({ where: { id: started.draftId }, select: { reviewCaseId: true } })).toEqual({ reviewCaseId: caseId });
    expect(await t.db.policyDraft.findUniqueOrThrow({ where: { id: plain.id }, select: { reviewCaseId: true } })).toEqual({ reviewCaseId: null });
  });

  it("keeps waiting while the only draft was discarded, and refuses an unknown view", async () => {
    const { sam, chris } = people;
    const caseId = await plainCase({ action: "order.cancel" });
    await labelReviewCase(t.db, sam!, { caseId, add: ["policy_gap"] });
    const started = await startDraftFromCase(t.db, chris!, { caseId });
    await discardDraft(t.db, chris!, { draftId: started.draftId });
    expect((await waiting(chris!)).find((r) => r.id === caseId)!.draft).toMatchObject({ status: "discarded" });
    expect(reviewListQuerySchema.safeParse({ view: "everything" }).success).toBe(false);
  });
});

describe("inbox query", () => {
  const list = (actor: UserActor, params: ReviewListParams) => listReviewCases(t.db, actor.id, reviewListQuerySchema.parse(params));

  it("filters by status, assignee, source, label, action, tier and agent on the server", async () => {
    const { sam, sofia } = people;
    const mine = await plainCase({ action: "billing.adjust", tier: "high", source: "limit_breach" });
    await assignReviewCase(t.db, sam!, { caseId: mine, assign: "me" });
    await labelReviewCase(t.db, sam!, { caseId: mine, add: ["customer_abuse"] });

    const byIds = async (actor: UserActor, params: ReviewListParams) => (await list(actor, { ...params, size: "100" })).rows.map((r) => r.id);
    expect(await byIds(sam!, { assignee: "me", action: "billing.adjust" })).toEqual([mine]);
    expect(await byIds(sofia!, { assignee: "me", action: "billing.adjust" })).toEqual([]);
    expect(await byIds(sam!, { label: "customer_abuse" })).toEqual([mine]);
    expect(await byIds(sam!, { source: "limit_breach", tier: "high" })).toEqual([mine]);
    expect(await byIds(sam!, { status: "in_review", agent: "support-bot", action: "billing.adjust" })).toEqual([mine]);
    expect(await byIds(sam!, { agent: "ghost-bot" })).toEqual([]);
    expect(await byIds(sam!, { status: "resolved", action: "billing.adjust" })).toEqual([]);

    const active = await list(sam!, { size: "100" });
    expect(active.rows.every((r) => r.status === "open" || r.status === "in_review")).toBe(true);
    const everything = await list(sam!, { status: "all", size: "100" });
    expect(everything.total).toBe(await t.db.reviewCase.count());
    const unassigned = await list(sam!, { assignee: "unassigned", status: "all", size: "100" });
    expect(unassigned.rows.every((r) => r.assignee === null)).toBe(true);
    const row = (await list(sam!, { label: "customer_abuse" })).rows[0]!;
    expect(row).toMatchObject({ source: "limit_breach", action: "billing.adjust", tier: "high", agent: "support-bot", assignee: { name: "sam" }, status: "in_review", labels: ["customer_abuse"] });
  });

  it("pages newest or oldest first with keyset cursors, Previous included, ties broken by id", async () => {
    const { sam } = people;
    const at = new Date("2020-01-01T00:00:00.000Z");
    // 60 cases, three to a timestamp.
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => plainCase({ action: "inventory.adjust", createdAt: new Date(at.getTime() + Math.floor(i / 3) * 1000) })));
    const params = { action: "inventory.adjust", status: "all" } as const;
    const walk = async (sort: "newest" | "oldest") => {
      const pages: { ids: string[]; prev: string | null; next: string | null }[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await list(sam!, { ...params, sort, size: "25", cursor });
        expect(page.total).toBe(60);
        pages.push({ ids: page.rows.map((r) => r.id), prev: page.prevCursor, next: page.nextCursor });
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return pages;
    };
    const oldest = await walk("oldest");
    const newest = await walk("newest");
    expect(oldest.map((p) => p.ids.length)).toEqual([25, 25, 10]);
    const rows = await t.db.reviewCase.findMany({ where: { id: { in: ids } }, select: { id: true, createdAt: true } });
    const expected = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((r) => r.id);
    expect(oldest.flatMap((p) => p.ids)).toEqual(expected);
    expect(newest.flatMap((p) => p.ids)).toEqual([...expected].reverse());
    expect(oldest[0]!.prev).toBeNull();

    const back = await list(sam!, { ...params, sort: "oldest", size: "25", cursor: oldest[2]!.prev! });
    expect(back.rows.map((r) => r.id)).toEqual(oldest[1]!.ids);
    const first = await list(sam!, { ...params, sort: "oldest", size: "25", cursor: back.prevCursor! });
    expect(first.rows.map((r) => r.id)).toEqual(oldest[0]!.ids);
    expect(first.prevCursor).toBeNull();
    await expect(list(sam!, { ...params, cursor: "garbage" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});
