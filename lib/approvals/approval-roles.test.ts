import { describe, expect, it } from "vitest";
import { isApproved, roleForVote } from "./approval-roles";

const critical = { required: 2, roles: ["supervisor", "committee"] as const };
const high = { required: 1, roles: ["supervisor"] as const };

describe("approval roles", () => {
  it("needs a supervisor and a committee member for two approvals by supervisor or committee", () => {
    expect(roleForVote(critical, [], ["supervisor"])).toEqual({ ok: true, role: "supervisor" });
    expect(roleForVote(critical, [{ role: "supervisor" }], ["supervisor"])).toMatchObject({ ok: false, reason: "The remaining approval must come from committee." });
    expect(roleForVote(critical, [{ role: "supervisor" }], ["committee"])).toEqual({ ok: true, role: "committee" });
    expect(isApproved(critical, [{ role: "supervisor" }])).toBe(false);
    expect(isApproved(critical, [{ role: "supervisor" }, { role: "supervisor" }])).toBe(false);
    expect(isApproved(critical, [{ role: "supervisor" }, { role: "committee" }])).toBe(true);
  });

  it("lets a person holding both roles cover the missing one", () => {
    expect(roleForVote(critical, [{ role: "supervisor" }], ["supervisor", "committee"])).toEqual({ ok: true, role: "committee" });
  });

  it("refuses someone without an approver role", () => {
    expect(roleForVote(high, [], ["legal", "cx_lead"])).toEqual({ ok: false, reason: "This needs approval by supervisor." });
  });

  it("allows two people of one role when the tier names one role", () => {
    const two = { required: 2, roles: ["supervisor"] as const };
    expect(roleForVote(two, [{ role: "supervisor" }], ["supervisor"])).toEqual({ ok: true, role: "supervisor" });
    expect(isApproved(two, [{ role: "supervisor" }, { role: "supervisor" }])).toBe(true);
  });
});
