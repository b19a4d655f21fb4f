import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { DUE_FOR_ESCALATION, escalateApprovals, expireApprovals } from "../../lib/approvals/expire-approvals";
import { waitingFor } from "../../lib/console/waiting-for";
import type { Role } from "../../lib/policy/roles";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;

async function people(prefix: string, count: number, roles: Role[]): Promise<Actor[]> {
  const out: Actor[] = [];
  for (let i = 0; i < count; i++) {
    const u = await t.db.user.create({ data: { email: `${prefix}${i}@example.com`, name: `${prefix} ${i}`, roles } });
    out.push({ type: "user", id: u.id, label: u.email, roles });
  }
  return out;
}

async function hold(body: Record<string, unknown>) {
  const res = await call("POST", "/api/v1/decisions", body);
  expect(res.body.decision).toBe("hold");
  const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: res.body.id } });
  return { decision: res.body, approvalId: approval.id };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
});
afterAll(async () => {
  await api.close();
  await t.drop();
});

describe("exactly once", () => {
  it("50 supervisors approving the same held refund at once: one decides it, the others are told who did", async () => {
    const supervisors = await people("sup", 50, ["supervisor"]);
    const { decision, approvalId } = await hold({ action: "refund.issue", customer: { id: "cus_race" }, params: { amount: "300" } });
    const results = await Promise.allSettled(supervisors.map((s) => decideApproval(t.db, s, { approvalId, verdict: "approve", reason: "goodwill is fine" })));
    const decided = results.filter((r) => r.status === "fulfilled");
    expect(decided).toHaveLength(1);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(refusals).toHaveLength(49);
    expect(refusals.every((e) => e.code === "already_decided" && /^Already approved by sup \d+\.$/.test(e.message))).toBe(true);
    expect(await t.db.approvalVote.count({ where: { approvalId } })).toBe(1);
    const got = await call("GET", `/api/v1/decisions/${decision.id}`);
    expect(got.body).toMatchObject({ status: "approved", approval: { approvals: 1, decided_by: ["supervisor"] } });
    expect(got.body.approval.decided_at).toBeTruthy();
    const audit = await t.db.auditEntry.count({ where: { subjectId: decision.id, action: "approval.approve" } });
    expect(audit).toBe(1);
  });

  it("a critical account recovery needs a supervisor and a committee member; the same supervisor cannot give both", async () => {
    const [sam] = await people("sam", 1, ["supervisor"]);
    const [sofia] = await people("sofia", 1, ["supervisor"]);
    const committee = await people("com", 25, ["committee"]);
    const { decision, approvalId } = await hold({ action: "account.recover", intent: "account_access", customer: { id: "cus_acct", verified: true } });
    expect(decision.approval).toMatchObject({ required: 2, roles: ["supervisor", "committee"] });

    expect(await decideApproval(t.db, sam!, { approvalId, verdict: "approve", reason: "identity checked on call" })).toMatchObject({ status: "pending", approvals: 1 });
    await expect(decideApproval(t.db, sam!, { approvalId, verdict: "approve", reason: "again" })).rejects.toMatchObject({ code: "conflict" });
    await expect(decideApproval(t.db, sofia!, { approvalId, verdict: "approve", reason: "me too" })).rejects.toMatchObject({ code: "forbidden", message: "The remaining approval must come from a member of the oversight committee." });

    // 25 committee members race for the second approval: exactly one completes it.
    const results = await Promise.allSettled(committee.map((c) => decideApproval(t.db, c, { approvalId, verdict: "approve", reason: "checked the recording" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "fulfilled")).toMatchObject({ value: { status: "approved", approvals: 2 } });
    expect(await t.db.approvalVote.count({ where: { approvalId } })).toBe(2);
    expect((await call("GET", `/api/v1/decisions/${decision.id}`)).body.approval.decided_by).toEqual(["supervisor", "committee"]);
  });

  it("only the tier's approver roles decide, with a reason; a rejection opens a review case and lets the agent know", async () => {
    const [legal] = await people("leg", 1, ["legal"]);
    const [sup] = await people("rej", 1, ["supervisor"]);
    const { decision, approvalId } = await hold({ action: "refund.issue", customer: { id: "cus_rej" }, params: { amount: "250" } });
    await expect(decideApproval(t.db, legal!, { approvalId, verdict: "approve", reason: "x" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(decideApproval(t.db, sup!, { approvalId, verdict: "reject", reason: "" })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await decideApproval(t.db, sup!, { approvalId, verdict: "reject", reason: "customer already refunded" })).toMatchObject({ status: "rejected" });
    expect((await call("GET", `/api/v1/decisions/${decision.id}`)).body.status).toBe("rejected");
    expect(await t.db.reviewCase.count({ where: { decisionId: decision.id, source: "approval_rejected" } })).toBe(1);
    const executed = await call("POST", `/api/v1/decisions/${decision.id}/outcome`, { status: "executed", action_digest: decision.action_digest });
    expect(executed.status).toBe(409);
  });

  it("expires held decisions on time, once, even with two sweepers", async () => {
    const { decision, approvalId } = await hold({ action: "refund.issue", customer: { id: "cus_exp" }, params: { amount: "260" } });
    await t.query(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1`, [approvalId]);
    const [a, b] = await Promise.all([expireApprovals(t.db), expireApprovals(t.db)]);
    expect(a + b).toBe(1);
    expect((await call("GET", `/api/v1/decisions/${decision.id}`)).body.status).toBe("expired");
    expect(await t.db.reviewCase.count({ where: { decisionId: decision.id, source: "hold_expired" } })).toBe(1);
    const [sup] = await people("late", 1, ["supervisor"]);
    await expect(decideApproval(t.db, sup!, { approvalId, verdict: "approve", reason: "sorry, late" })).rejects.toMatchObject({ code: "already_decided" });
  });
});

describe("escalation", () => {
  it("tells the owner once when a hold has under a quarter of its time left, and not before", async () => {
    const due = await hold({ action: "refund.issue", customer: { id: "cus_esc1" }, params: { amount: "260" } });
    const early = await hold({ action: "refund.issue", customer: { id: "cus_esc2" }, params: { amount: "260" } });
    // 80% and 50% of a four-hour window gone.
    await t.query(`UPDATE approvals SET created_at = now() - interval '192 minutes', expires_at = now() + interval '48 minutes' WHERE id = $1`, [due.approvalId]);
    await t.query(`UPDATE approvals SET created_at = now() - interval '2 hours', expires_at = now() + interval '2 hours' WHERE id = $1`, [early.approvalId]);
    const owners = new Map([["finance-ops", { name: "Finance operations", contact: "finance-ops@example.com" }]]);
    expect(await escalateApprovals(t.db, owners)).toBe(1);
    expect(await escalateApprovals(t.db, owners)).toBe(0);
    const notes = await t.db.notification.findMany({ where: { kind: "approval_escalation", decisionId: { in: [due.decision.id, early.decision.id] } } });
    expect(notes.map((n) => [n.decisionId, n.recipient])).toEqual([[due.decision.id, "finance-ops@example.com"]]);
    expect(await t.db.auditEntry.count({ where: { action: "approval.escalate", subjectId: due.decision.id } })).toBe(1);
  });

  it("finds due approvals through their index, not by reading every approval", async () => {
    // Inside a transaction that is rolled back: without the other approvals indexes and with
    // sequential scans priced out, the plan shows whether the sweep's condition can use the index.
    const plan = await t.db
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`DROP INDEX approvals_status_expires_at_idx, approvals_status_created_at_idx`);
        await tx.$executeRawUnsafe(`SET LOCAL enable_seqscan = off`);
        const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${DUE_FOR_ESCALATION} LIMIT 200`);
        throw Object.assign(new Error("roll back"), { plan: rows.map((r) => r["QUERY PLAN"]).join("\n") });
      })
      .catch((error: { plan?: string }) => error.plan ?? String(error));
    expect(plan).toMatch(/approvals_escalation_due_idx/);
    expect(plan).toMatch(/Index Cond: .*<= now\(\)/);
  });
});

describe("the overview's waiting list", () => {
  it("counts a held action for the roles that may approve it until the person has voted, and never for other roles", async () => {
    const [sara] = (await people("wait-sup", 1, ["supervisor"])) as [Extract<Actor, { type: "user" }>];
    const [lena] = (await people("wait-legal", 1, ["legal"])) as [Extract<Actor, { type: "user" }>];
    const count = async (actor: Extract<Actor, { type: "user" }>) => (await waitingFor(t.db, actor)).find((item) => item.href === "/approvals")?.count;
    const before = await count(sara);
    const { approvalId } = await hold({ action: "refund.issue", customer: { id: "cus_waiting" }, params: { amount: "300" } });
    expect(await count(sara)).toBe(before! + 1);
    expect(await count(lena)).toBeUndefined();
    expect((await waitingFor(t.db, lena)).map((item) => item.href)).toEqual(["/policy-versions"]);
    await decideApproval(t.db, sara, { approvalId, verdict: "approve", reason: "fine" });
    expect(await count(sara)).toBe(before);
    // Recommendations are the committee's to decide: not listed for a supervisor.
    expect((await waitingFor(t.db, sara)).map((item) => item.href)).not.toContain("/recommendations");

    // A two-person tier whose supervisor approval is given: no longer for another supervisor, still for the committee.
    const [sofia] = (await people("wait-sup2", 1, ["supervisor"])) as [Extract<Actor, { type: "user" }>];
    const [carl] = (await people("wait-com", 1, ["committee"])) as [Extract<Actor, { type: "user" }>];
    const [sofiaBefore, carlBefore] = [await count(sofia), await count(carl)];
    const recovery = await hold({ action: "account.recover", intent: "account_access", customer: { id: "cus_wait_acct", verified: true } });
    expect([await count(sofia), await count(carl)]).toEqual([sofiaBefore! + 1, carlBefore! + 1]);
    await decideApproval(t.db, sara, { approvalId: recovery.approvalId, verdict: "approve", reason: "voice check passed" });
    expect([await count(sofia), await count(carl)]).toEqual([sofiaBefore, carlBefore! + 1]);
  });
});
