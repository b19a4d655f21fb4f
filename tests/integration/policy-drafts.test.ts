import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { createDraft } from "../../lib/policy/create-draft";
import { diffPolicy } from "../../lib/policy/diff-policy";
import { getDraft } from "../../lib/policy/draft-queries";
import { editDraft } from "../../lib/policy/edit-draft";
import { reviewDraft } from "../../lib/policy/review-draft";
import { submitDraft } from "../../lib/policy/submit-draft";
import { getCurrentPolicy } from "../../lib/policy/queries";
import { listRequestedActions } from "../../lib/policy/requested-actions";
import { refreshRollups } from "../../lib/history/rollups";
import type { Role } from "../../lib/policy/roles";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
const people: Record<string, Actor & { type: "user" }> = {};

async function person(name: string, roles: Role[]) {
  const user = await t.db.user.create({ data: { email: `${name}@northwind.example`, name, roles } });
  people[name] = { type: "user", id: user.id, label: user.email, roles };
  return people[name]!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  await person("lena", ["legal"]);
  await person("leo", ["legal"]);
  await person("carla", ["cx_lead"]);
  await person("chris", ["committee"]);
  await person("ivan", ["it"]);
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

async function revisionOf(id: string): Promise<number> {
  return (await t.db.policyDraft.findUniqueOrThrow({ where: { id } })).revision;
}

describe("policy drafts", () => {
  it("legal forbids an action, a second legal person publishes it, and agents are denied with the legal reason", async () => {
    const { lena, leo, carla } = people as Required<typeof people>;
    const draft = await createDraft(t.db, lena!, {});
    const reason = "Refund policies are changed by Legal only.";
    await editDraft(t.db, lena!, { draftId: draft.id, revision: 1, edit: { section: "forbidden", op: "upsert", originalKey: null, item: { action: "policy.override", reason } } });

    // A CX lead cannot touch legal's list, even with a hand-made request.
    await expect(editDraft(t.db, carla!, { draftId: draft.id, revision: 2, edit: { section: "forbidden", op: "remove", key: "policy.override" } })).rejects.toMatchObject({ code: "forbidden" });
    // An editor who opened revision 1 is told who changed it since.
    await expect(editDraft(t.db, leo!, { draftId: draft.id, revision: 1, edit: { section: "forbidden", op: "remove", key: "credentials.disclose" } })).rejects.toMatchObject({
      code: "stale_revision",
      message: expect.stringContaining("changed by lena@northwind.example since you opened it"),
    });

    await expect(submitDraft(t.db, lena!, { draftId: draft.id, revision: 2, reason: "" })).rejects.toMatchObject({ code: "validation_failed" });
    await submitDraft(t.db, lena!, { draftId: draft.id, revision: 2, reason: "Legal asked to block policy overrides" });
    await expect(reviewDraft(t.db, lena!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "", publishWithoutSimulation: true })).rejects.toMatchObject({ code: "forbidden" });
    const result = await reviewDraft(t.db, leo!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "ok", publishWithoutSimulation: true });
    expect(result.published).toBe(2);

    const version = await t.db.policyVersion.findUniqueOrThrow({ where: { version: 2 }, include: { publishedBy: true, approvedBy: true } });
    expect(version.reason).toBe("Legal asked to block policy overrides");
    expect(version.publishedBy?.email).toBe("lena@northwind.example");
    expect(version.approvedBy?.email).toBe("leo@northwind.example");

    await api.runtime.refresh();
    const res = await client(api.url, await newAgentKey(t, "support-bot"))("POST", "/api/v1/decisions", { action: "policy.override" });
    expect(res.body).toMatchObject({ decision: "deny", policy_version: 2, reasons: [{ code: "forbidden" }] });
    expect(res.body.reasons[0].message).toContain(reason);
    const audit = (await t.db.auditEntry.findMany({ where: { subjectId: { in: [draft.id, version.id] } }, orderBy: { id: "asc" }, select: { action: true } })).map((a) => a.action);
    expect(audit).toEqual(["policy.draft_create", "policy.draft_edit", "policy.draft_submit", "policy.draft_review", "policy.publish"]);
  });

  it("raising the refund threshold needs the committee: another reviewer's approval is not enough", async () => {
    const { carla, leo, chris } = people as Required<typeof people>;
    const draft = await createDraft(t.db, carla!, {});
    const current = (await getCurrentPolicy(t.db))!.document;
    const refund = structuredClone(current.actions.find((a) => a.key === "refund.issue")!);
    refund.risk[0] = { if: { amount: { lte: 100 } }, tier: "low" };
    await editDraft(t.db, carla!, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: refund } });
    await submitDraft(t.db, carla!, { draftId: draft.id, revision: 2, reason: "Small refunds under $100 are always approved" });
    const first = await reviewDraft(t.db, leo!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "fine by legal", publishWithoutSimulation: true });
    expect(first.published).toBeNull();
    expect(first.missing.join(" ")).toMatch(/committee/);
    // The approval that would publish asks for a simulation, or an explicit confirmation without one.
    await expect(reviewDraft(t.db, chris!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "evidence reviewed" })).rejects.toMatchObject({
      code: "validation_failed",
      errors: [{ path: "publishWithoutSimulation" }],
    });
    const second = await reviewDraft(t.db, chris!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "evidence reviewed", publishWithoutSimulation: true });
    expect(second.published).toBe(3);
  });

  it("rolls back: an earlier version returns as a draft and is published as a new version", async () => {
    const { chris, carla } = people as Required<typeof people>;
    const draft = await createDraft(t.db, chris!, { fromVersion: 2 });
    expect(draft.title).toBe("Restore version 2");
    await submitDraft(t.db, chris!, { draftId: draft.id, revision: await revisionOf(draft.id), reason: "Threshold raise caused reversals" });
    const result = await reviewDraft(t.db, carla!, { draftId: draft.id, revision: 1, verdict: "approve", comment: "agreed", publishWithoutSimulation: true });
    expect(result.published).toBe(4);
    const v4 = await t.db.policyVersion.findUniqueOrThrow({ where: { version: 4 } });
    expect(v4.restoredFrom).toBe(2);
    const doc = (await getCurrentPolicy(t.db))!.document;
    expect(doc.actions.find((a) => a.key === "refund.issue")!.risk[0]).toEqual({ if: { amount: { lte: 50 } }, tier: "low" });
  });

  it("refuses an edit that would make the policy invalid, with the error on the field", async () => {
    const { carla } = people as Required<typeof people>;
    const draft = await createDraft(t.db, carla!, {});
    const current = (await getCurrentPolicy(t.db))!.document;
    const refund = structuredClone(current.actions.find((a) => a.key === "refund.issue")!);
    await expect(
      editDraft(t.db, carla!, { draftId: draft.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: { ...refund, owner: "nobody", risk: [{ tier: "gold" }] } } }),
    ).rejects.toMatchObject({ code: "validation_failed", errors: expect.arrayContaining([expect.objectContaining({ path: "owner" }), expect.objectContaining({ path: "risk[0].tier" })]) });
    expect(await revisionOf(draft.id)).toBe(1);
  });

  it("an editor in the middle is neither the second person nor the legal approval for what they edited", async () => {
    // Bug (issue #20): only the author and the last editor were kept from approving. Legal lifted a
    // forbidden action, cx edited an intent label and submitted, and legal's lone approval then
    // published the draft, counted both as the second person and as the required legal approval.
    const { carla, lena, leo } = people as Required<typeof people>;
    const draft = await createDraft(t.db, carla!, {});
    const current = (await getCurrentPolicy(t.db))!.document;
    const lifted = current.forbidden[0]!.action;
    await editDraft(t.db, lena!, { draftId: draft.id, revision: 1, edit: { section: "forbidden", op: "remove", key: lifted } });
    const intent = { ...current.intents[0]!, label: `${current.intents[0]!.label} (renamed)` };
    await editDraft(t.db, carla!, { draftId: draft.id, revision: 2, edit: { section: "intents", op: "upsert", originalKey: intent.key, item: intent } });
    await submitDraft(t.db, carla!, { draftId: draft.id, revision: 3, reason: "Lift a forbidden action" });
    expect((await t.db.policyDraftEditor.findMany({ where: { draftId: draft.id }, select: { section: true, userId: true }, orderBy: { section: "asc" } })).map((e) => e.section)).toEqual(["forbidden", "intents"]);

    const alone = await reviewDraft(t.db, lena!, { draftId: draft.id, revision: 3, verdict: "approve", comment: "ok", publishWithoutSimulation: true });
    expect(alone.published).toBeNull();
    expect(alone.missing).toEqual([
      "needs an approval from a second person (an admin, a CX lead, legal, IT or the committee) (approvals by people who edited this draft do not count)",
      "needs an approval from legal (approvals by people who edited forbidden actions do not count)",
    ]);
    const second = await reviewDraft(t.db, leo!, { draftId: draft.id, revision: 3, verdict: "approve", comment: "legal agrees", publishWithoutSimulation: true });
    expect(second.published).not.toBeNull();
  });

  it("IT maps a tool in a draft, legal cannot, mistakes come back on their fields, and a second person publishes the mapping", async () => {
    const { ivan, lena, carla } = people as Required<typeof people>;
    const draft = await createDraft(t.db, ivan!, { title: "Map the payment gateway" });
    const mapping = {
      server: "ledger-gw",
      tool: "issue_refund",
      action: "refund.issue",
      customer_id: "customer_id",
      params: { amount: "amount", currency: "currency", order_id: "order_id" },
      data_sources: ["orders", "payments"],
    };
    const edit = (actor: Actor, revision: number, item: unknown, originalKey: string | null = null) =>
      editDraft(t.db, actor, { draftId: draft.id, revision, edit: { section: "tools", op: "upsert", originalKey, item } });

    // Legal (and a CX lead) own other sections: the server refuses, whatever the form showed.
    await expect(edit(lena!, 1, mapping)).rejects.toMatchObject({ code: "forbidden" });
    await expect(edit(carla!, 1, mapping)).rejects.toMatchObject({ code: "forbidden" });
    await expect(editDraft(t.db, lena!, { draftId: draft.id, revision: 1, edit: { section: "tools", op: "remove", key: "ledger-gw/issue_refund" } })).rejects.toMatchObject({ code: "forbidden" });

    // Cross-references come back relative to the mapping, as the form shows them.
    await expect(edit(ivan!, 1, { ...mapping, action: "refund.void", data_sources: ["orders", "ledger"] })).rejects.toMatchObject({
      code: "validation_failed",
      errors: [
        { path: "action", message: expect.stringContaining('Unknown action "refund.void"') },
        { path: "data_sources[1]", message: expect.stringContaining('Unknown data source "ledger"') },
      ],
    });
    expect(await revisionOf(draft.id)).toBe(1);

    await edit(ivan!, 1, mapping);
    await expect(edit(ivan!, 2, { ...mapping, action: "billing.adjust" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "tool", message: "Already in use" }] });
    // Edited by its key, server/tool; a mapping to a forbidden-only action is allowed.
    await edit(ivan!, 2, { ...mapping, customer_id: "account.id" }, "ledger-gw/issue_refund");
    await edit(ivan!, 3, { server: "identity", tool: "reveal_password", action: "credentials.disclose" });
    await editDraft(t.db, ivan!, { draftId: draft.id, revision: 4, edit: { section: "tools", op: "remove", key: "identity/reveal_password" } });

    const stored = await t.db.policyDraft.findUniqueOrThrow({ where: { id: draft.id } });
    // The demo policy maps its own systems' tools already; the draft adds this one mapping.
    const tools = (stored.document as { tools: { server: string }[] }).tools;
    expect(tools.filter((tool) => tool.server === "ledger-gw")).toEqual([{ ...mapping, customer_id: "account.id" }]);
    expect((await t.db.policyDraftEditor.findMany({ where: { draftId: draft.id }, select: { section: true } })).map((e) => e.section)).toEqual(["tools"]);
    const audit = await t.db.auditEntry.findMany({ where: { subjectId: draft.id, action: "policy.draft_edit" }, orderBy: { id: "asc" }, select: { data: true } });
    expect(audit.map((entry) => (entry.data as { key: string }).key)).toEqual(["ledger-gw/issue_refund", "ledger-gw/issue_refund", "identity/reveal_password", "identity/reveal_password"]);

    // A mapping needs a second person, nobody else; the IT author cannot be it.
    await submitDraft(t.db, ivan!, { draftId: draft.id, revision: 5, reason: "Refunds through the payment gateway's MCP server" });
    await expect(reviewDraft(t.db, ivan!, { draftId: draft.id, revision: 5, verdict: "approve", comment: "", publishWithoutSimulation: true })).rejects.toMatchObject({ code: "forbidden" });
    const result = await reviewDraft(t.db, carla!, { draftId: draft.id, revision: 5, verdict: "approve", comment: "ok", publishWithoutSimulation: true });
    expect(result.published).not.toBeNull();
    expect((await getCurrentPolicy(t.db))!.document.tools.filter((tool) => tool.server === "ledger-gw")).toEqual([{ ...mapping, customer_id: "account.id" }]);
  });

  // Issue #23, point 5: a published draft's page diffed it against the version in force, its own,
  // and said "No changes yet"; it must keep what it changed, who approved it and why.
  it("a published draft keeps the version it replaced, who approved it and why, even after later versions", async () => {
    const { lena, leo, carla, chris } = people as Required<typeof people>;
    const draft = await createDraft(t.db, lena!, {});
    await editDraft(t.db, lena!, { draftId: draft.id, revision: 1, edit: { section: "forbidden", op: "upsert", originalKey: null, item: { action: "contract.sign", reason: "Contracts are signed by Legal." } } });
    await submitDraft(t.db, lena!, { draftId: draft.id, revision: 2, reason: "Keep signatures with Legal" });
    const { published } = await reviewDraft(t.db, leo!, { draftId: draft.id, revision: 2, verdict: "approve", comment: "Matches the signing policy", publishWithoutSimulation: true });
    // A later version, so the one in force is no longer this draft's.
    const later = await createDraft(t.db, carla!, {});
    const refund = structuredClone((await getCurrentPolicy(t.db))!.document.actions.find((a) => a.key === "refund.issue")!);
    await editDraft(t.db, carla!, { draftId: later.id, revision: 1, edit: { section: "actions", op: "upsert", originalKey: "refund.issue", item: { ...refund, label: "Refund the customer" } } });
    await submitDraft(t.db, carla!, { draftId: later.id, revision: 2, reason: "Clearer name" });
    expect((await reviewDraft(t.db, chris!, { draftId: later.id, revision: 2, verdict: "approve", comment: "", publishWithoutSimulation: true })).published).toBe(published! + 1);

    const shown = (await getDraft(t.db, draft.id))!;
    expect(shown.published).toMatchObject({ version: published, reason: "Keep signatures with Legal", approvedByName: "leo", replaced: { version: published! - 1 } });
    const changes = diffPolicy(shown.published!.replaced!.document, shown.document).sections.flatMap((section) => section.changes.map((change) => change.text));
    expect(changes.join("\n")).toContain("contract.sign");
    expect(changes.join("\n")).not.toContain("Refund the customer");
    expect(shown.reviews).toEqual([expect.objectContaining({ verdict: "approve", comment: "Matches the signing policy", reviewer: expect.objectContaining({ name: "leo" }) })]);
  });
});

describe("actions agents have requested", () => {
  // Issue #23, point 4: legal could only type keys; the form offers the actions agents asked for, with counts.
  it("counts every action agents asked for, allowed or denied, unknown to the policy or not, from the rollups", async () => {
    const call = client(api.url, await newAgentKey(t, "requests-bot"));
    for (const action of ["contract.negotiate", "contract.negotiate", "contract.negotiate", "order.status", "gift.card.top.up"]) {
      expect((await call("POST", "/api/v1/decisions", { action, customer: { id: "cus_requested" } })).status).toBe(201);
    }
    const pool = new pg.Pool({ connectionString: t.url, max: 1 });
    try {
      await refreshRollups(pool, { from: new Date(Date.now() - 3_600_000), wait: true });
    } finally {
      await pool.end();
    }
    const requested = await listRequestedActions(t.db);
    const counts = Object.fromEntries(requested.map((r) => [r.key, r.count]));
    expect(counts).toMatchObject({ "contract.negotiate": 3, "gift.card.top.up": 1 });
    expect(counts["order.status"]).toBeGreaterThanOrEqual(1);
    expect(counts["never.asked"]).toBeUndefined();
    // Most asked first.
    expect(requested.map((r) => r.count)).toEqual([...requested.map((r) => r.count)].sort((a, b) => b - a));
    expect(await listRequestedActions(t.db, 1)).toHaveLength(1);
  });
});
