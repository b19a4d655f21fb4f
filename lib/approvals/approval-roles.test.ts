import { describe, expect, it } from "vitest";
import { describeApprovalRequirement, isApproved, roleForVote, voterStanding } from "./approval-roles";

const critical = { required: 2, roles: ["supervisor", "committee"] as const };
const high = { required: 1, roles: ["supervisor"] as const };

describe("approval roles", () => {
  it("needs a supervisor and a committee member for two approvals by supervisor or committee", () => {
    expect(roleForVote(critical, [], ["supervisor"])).toEqual({ ok: true, role: "supervisor" });
    expect(roleForVote(critical, [{ role: "supervisor" }], ["supervisor"])).toMatchObject({ ok: false, reason: "The remaining approval must come from a member of the oversight committee." });
    expect(roleForVote(critical, [{ role: "supervisor" }], ["committee"])).toEqual({ ok: true, role: "committee" });
    expect(isApproved(critical, [{ role: "supervisor" }])).toBe(false);
    expect(isApproved(critical, [{ role: "supervisor" }, { role: "supervisor" }])).toBe(false);
    expect(isApproved(critical, [{ role: "supervisor" }, { role: "committee" }])).toBe(true);
  });

  it("lets a person holding both roles cover the missing one", () => {
    expect(roleForVote(critical, [{ role: "supervisor" }], ["supervisor", "committee"])).toEqual({ ok: true, role: "committee" });
  });

  it("refuses someone without an approver role", () => {
    expect(roleForVote(high, [], ["legal", "cx_lead"])).toEqual({ ok: false, reason: "This needs approval by a supervisor." });
  });

  it("allows two people of one role when the tier names one role", () => {
    const two = { required: 2, roles: ["supervisor"] as const };
    expect(roleForVote(two, [{ role: "supervisor" }], ["supervisor"])).toEqual({ ok: true, role: "supervisor" });
    expect(isApproved(two, [{ role: "supervisor" }, { role: "supervisor" }])).toBe(true);
  });
});

describe("who must approve, in words", () => {
  it("names each role a two-person tier needs, not 'N by A or B'", () => {
    expect(describeApprovalRequirement(critical)).toBe("1 approval by a supervisor and 1 by a member of the oversight committee (in any order, from 2 different people)");
    expect(describeApprovalRequirement(high)).toBe("1 approval by a supervisor");
    expect(describeApprovalRequirement({ required: 1, roles: ["supervisor", "committee"] })).toBe("1 approval by a supervisor or a member of the oversight committee");
    expect(describeApprovalRequirement({ required: 2, roles: ["supervisor"] })).toBe("2 approvals by 2 different people, each a supervisor");
    expect(describeApprovalRequirement({ required: 3, roles: ["supervisor", "committee"] })).toMatch(/^3 approvals from 3 different people, at least one of them each of/);
  });

  it("tells a person what they may do before they type", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const samVote = { userId: "sam", role: "supervisor" as const, verdict: "approve", reason: "ok", createdAt: at };
    expect(voterStanding(critical, [], { id: "sam", roles: ["supervisor"] })).toEqual({ kind: "may_decide", role: "supervisor" });
    expect(voterStanding(critical, [samVote], { id: "sam", roles: ["supervisor"] })).toEqual({ kind: "voted", verdict: "approve", reason: "ok", at });
    expect(voterStanding(critical, [samVote], { id: "sofia", roles: ["supervisor"] })).toEqual({
      kind: "reject_only",
      why: "The remaining approval must come from a member of the oversight committee. You can reject it, but not approve it.",
    });
    expect(voterStanding(critical, [samVote], { id: "chris", roles: ["committee"] })).toEqual({ kind: "may_decide", role: "committee" });
    expect(voterStanding(high, [], { id: "lee", roles: ["legal"] })).toMatchObject({ kind: "not_an_approver" });
  });
});
