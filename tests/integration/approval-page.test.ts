import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { getApprovalDetail, getHoldExplanation, getNextApprovalFor } from "../../lib/approvals/queries";
import type { Role } from "../../lib/policy/roles";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
const TIERS = ["low", "medium", "high", "critical"];

async function person(name: string, roles: Role[]): Promise<Actor & { type: "user"; roles: Role[] }> {
  const u = await t.db.user.create({ data: { email: `${name}@example.com`, name, roles } });
  return { type: "user", id: u.id, label: u.email, roles };
}

async function hold(body: Record<string, unknown>): Promise<string> {
  const res = await call("POST", "/api/v1/decisions", body);
  expect(res.body.decision).toBe("hold");
  return (await t.db.approval.findUniqueOrThrow({ where: { decisionId: res.body.id } })).id;
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

describe("the approval page", () => {
  it("explains the hold from the stored decision and its policy version", async () => {
    const id = await hold({ action: "refund.issue", customer: { id: "cus_why", verified: true }, params: { amount: "300", order_id: "ord_1" } });
    const detail = (await getApprovalDetail(t.db, id))!;
    const held = await getHoldExplanation(t.db, detail.decision, detail);
    expect(held?.explanation.why).toEqual([
      "$300 is over the $50 limit of the low tier for “Issue a refund”; “Issue a refund” has no medium tier, so it falls in the high tier, for amounts up to $500, which needs 1 approval by a supervisor.",
    ]);
  });

  it("offers as next item the highest-tier, oldest pending approval this person may still approve", async () => {
    await t.db.approval.updateMany({ where: { status: "pending" }, data: { status: "expired" } });
    const sam = await person("sam", ["supervisor"]);
    const sofia = await person("sofia", ["supervisor"]);
    const chris = await person("chris", ["committee"]);
    const refundA = await hold({ action: "refund.issue", customer: { id: "cus_a" }, params: { amount: "300" } });
    const recover = await hold({ action: "account.recover", customer: { id: "cus_b", verified: true } });
    const refundC = await hold({ action: "refund.issue", customer: { id: "cus_c" }, params: { amount: "200" } });

    // Critical before high; never the item on screen.
    expect(await getNextApprovalFor(t.db, sam, refundA, TIERS)).toBe(recover);
    expect(await getNextApprovalFor(t.db, sam, recover, TIERS)).toBe(refundA);
    await decideApproval(t.db, sam, { approvalId: recover, verdict: "approve", reason: "checked" });
    // Sam already voted on it; Sofia, a second supervisor, cannot give the committee's approval.
    expect(await getNextApprovalFor(t.db, sam, refundA, TIERS)).toBe(refundC);
    expect(await getNextApprovalFor(t.db, sofia, refundA, TIERS)).toBe(refundC);
    // The committee member is offered only what the committee decides.
    expect(await getNextApprovalFor(t.db, chris, refundA, TIERS)).toBe(recover);
    expect(await getNextApprovalFor(t.db, chris, recover, TIERS)).toBeNull();
  });
});
