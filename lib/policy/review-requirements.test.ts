import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import { approvalSatisfied, REVIEWER_ROLES, reviewRequirements, unreachableRequirements, type ReviewApproval, type ReviewRequirements } from "./review-requirements";
import { SECTION_KEYS } from "./sections";
import { validatePolicyDocument } from "./validate-policy";

function example(): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.document;
}

function requirementsAfter(edit: (document: PolicyDocument) => void) {
  const after = example();
  edit(after);
  return reviewRequirements(example(), after);
}

const BASELINE = ["admin", "cx_lead", "legal", "it", "committee"];
const refund = (document: PolicyDocument) => document.actions[2]!;

describe("reviewRequirements", () => {
  it("asks only for a second person when nothing sensitive changed", () => {
    const requirements = requirementsAfter((document) => void (document.owners[0]!.contact = "cx@northwind.example"));
    expect(requirements.requiredRoles).toEqual([BASELINE]);
    expect(requirements.reasons).toEqual(["Every change needs an approval by a second person, never the author"]);
  });

  it("still asks for a second person when the draft changes nothing", () => {
    expect(reviewRequirements(example(), example()).requiredRoles).toEqual([BASELINE]);
  });

  it("asks only for a second person, who must not have edited the mappings, when tool mappings change", () => {
    const requirements = requirementsAfter((document) => {
      document.tools = [{ server: "payments", tool: "issue_refund", action: "refund.issue", customer_id: "customer_id", params: { amount: "amount" }, data_sources: ["payments"] }];
    });
    expect(requirements.requiredRoles).toEqual([BASELINE]);
    expect(requirements.sections[0]).toContain("tools");
    const ivan = { userId: "it-1", roles: ["it"] as const };
    const cx = { userId: "cx-1", roles: ["cx_lead"] as const };
    expect(approvalSatisfied(requirements, [ivan], "author", [{ userId: "it-1", section: "tools" }]).ok).toBe(false);
    expect(approvalSatisfied(requirements, [ivan, cx], "author", [{ userId: "it-1", section: "tools" }]).ok).toBe(true);
  });

  it("asks legal when the forbidden list is touched", () => {
    for (const edit of [
      (document: PolicyDocument) => void document.forbidden.push({ action: "contract.renew", reason: "Legal only." }),
      (document: PolicyDocument) => void document.forbidden.shift(),
      (document: PolicyDocument) => void (document.forbidden[0]!.reason = "Only Legal negotiates."),
    ]) {
      const requirements = requirementsAfter(edit);
      expect(requirements.requiredRoles).toEqual([BASELINE, ["legal"]]);
      expect(requirements.reasons[1]).toMatch(/^Legal must approve because the draft touches the forbidden list: /);
    }
  });

  it("asks the committee when the refund threshold for the low tier is raised", () => {
    const requirements = requirementsAfter((document) => void (refund(document).risk[0]!.if = { amount: { lte: 100 } }));
    expect(requirements.requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(requirements.reasons[1]).toBe(
      "The committee must approve because the draft raises an action's authority or may lower its tier: Issue a refund: low tier raised from $50 to $100",
    );
  });

  it("asks the committee when authority is raised or a tier control is weakened", () => {
    expect(requirementsAfter((document) => void (document.actions[6]!.authority = "execute")).requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(requirementsAfter((document) => void (document.risk_tiers[3]!.controls = ["human_approval"])).requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(requirementsAfter((document) => void (document.risk_tiers[1]!.sample_rate = 0.01)).requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(requirementsAfter((document) => void document.risk_tiers[2]!.approval!.roles.push("cx_lead")).requiredRoles).toEqual([BASELINE, ["committee"]]);
  });

  it("asks the committee when an intent raises an action's authority, not when it lowers it", () => {
    // intents[3] is Billing dispute: billing adjustments are recommend on the action.
    const raised = requirementsAfter((document) => void (document.intents[3]!.authority = { ...document.intents[3]!.authority, "billing.adjust": "execute" }));
    expect(raised.requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(raised.sections[1]).toEqual(["intents"]);
    expect(raised.reasons[1]).toContain("Billing dispute: Adjust billing now execute (was recommend, the action's own)");
    expect(requirementsAfter((document) => void (document.intents[3]!.authority = { "refund.issue": "say" })).requiredRoles).toEqual([BASELINE]);
    // Dropping the example's override hands refunds for a billing dispute back their own execute.
    expect(requirementsAfter((document) => void delete document.intents[3]!.authority).requiredRoles).toEqual([BASELINE, ["committee"]]);
    // A new intent raising an action above its own authority counts too.
    const added = requirementsAfter((document) => {
      document.intents.push({ key: "vip_goodwill", label: "VIP goodwill", handling: "autonomous", actions: [], authority: { "order.status": "execute" } });
    });
    expect(added.requiredRoles).toEqual([BASELINE, ["committee"]]);
  });

  it("asks the committee for band edits that may lower a tier, and for a currency change", () => {
    expect(requirementsAfter((document) => void (refund(document).risk[0]!.if = { channel: "chat" })).requiredRoles).toEqual([BASELINE, ["committee"]]);
    expect(requirementsAfter((document) => void (document.currency = "JPY")).requiredRoles).toEqual([BASELINE, ["committee"]]);
  });

  it("asks only for a second person when the draft tightens", () => {
    expect(
      requirementsAfter((document) => {
        refund(document).authority = "recommend";
        refund(document).risk[0]!.if = { amount: { lte: 20 } };
        document.risk_tiers[1]!.sample_rate = 0.5;
      }).requiredRoles,
    ).toEqual([BASELINE]);
  });

  it("leaves looser limits, intents and data scopes to the second person", () => {
    expect(
      requirementsAfter((document) => {
        refund(document).limits[0]!.max_count = 5;
        refund(document).data_sources.push("profile");
        document.intents[4]!.handling = "autonomous";
      }).requiredRoles,
    ).toEqual([BASELINE]);
  });

  it("asks everyone concerned for a first version", () => {
    const requirements = reviewRequirements(null, example());
    expect(requirements.requiredRoles).toEqual([BASELINE, ["legal"], ["committee"]]);
    expect(requirements.reasons).toHaveLength(3);
    expect(requirements.reasons[2]).toMatch(/; and \d+ more$/);
  });

  it("counts a new action that may only talk as no raise in authority", () => {
    const add = (authority: "say" | "execute") =>
      requirementsAfter((document) =>
        void document.actions.push({ key: "faq.answer", label: "Answer a question", authority, owner: "cx-ops", data_sources: [], risk: [], limits: [] }),
      );
    expect(add("say").requiredRoles).toEqual([BASELINE]);
    expect(add("execute").requiredRoles).toEqual([BASELINE, ["committee"]]);
  });

  it("takes reviewer roles from the permission table", () => {
    expect([...REVIEWER_ROLES]).toEqual(BASELINE);
  });
});

describe("approvalSatisfied", () => {
  const both: ReviewRequirements = { requiredRoles: [[...REVIEWER_ROLES], ["legal"], ["committee"]], reasons: [], sections: [["actions", "forbidden", "intents"], ["forbidden"], ["actions"]] };
  const approval = (userId: string, ...roles: ReviewApproval["roles"]): ReviewApproval => ({ userId, roles });

  it("is met by a second person for an ordinary change", () => {
    expect(approvalSatisfied({ requiredRoles: [[...REVIEWER_ROLES]] }, [approval("ana", "cx_lead")], "bob")).toEqual({ ok: true, missing: [] });
  });

  it("never counts the author's own approval", () => {
    const result = approvalSatisfied({ requiredRoles: [[...REVIEWER_ROLES]] }, [approval("bob", "admin")], "bob");
    expect(result.ok).toBe(false);
    expect(result.missing).toEqual([
      "needs an approval from a second person (an admin, a CX lead, legal, IT or the committee) (the author's own approval does not count)",
    ]);
  });

  it("says what is still missing", () => {
    const result = approvalSatisfied(both, [approval("ana", "cx_lead")], "bob");
    expect(result).toEqual({ ok: false, missing: ["needs an approval from legal", "needs an approval from the committee"] });
  });

  it("does not let an admin stand in for legal or the committee", () => {
    expect(approvalSatisfied(both, [approval("ana", "admin")], "bob").missing).toEqual(["needs an approval from legal", "needs an approval from the committee"]);
  });

  it("lets one person holding legal and committee meet both", () => {
    expect(approvalSatisfied(both, [approval("ana", "legal", "committee")], "bob")).toEqual({ ok: true, missing: [] });
  });

  it("lets different people meet different requirements", () => {
    expect(approvalSatisfied(both, [approval("ana", "legal"), approval("carl", "committee")], "bob").ok).toBe(true);
  });

  it("ignores an author who holds the missing role", () => {
    const result = approvalSatisfied(both, [approval("ana", "legal"), approval("bob", "committee")], "bob");
    expect(result.missing).toEqual(["needs an approval from the committee (the author's own approval does not count)"]);
  });

  it("counts every approval when no person authored the draft", () => {
    expect(approvalSatisfied(both, [approval("ana", "legal", "committee")], null).ok).toBe(true);
  });

  it("works end to end on the refund threshold draft", () => {
    const after = example();
    refund(after).risk[0]!.if = { amount: { lte: 100 } };
    const requirements = reviewRequirements(example(), after);
    expect(approvalSatisfied(requirements, [approval("ana", "cx_lead")], "bob").missing).toEqual(["needs an approval from the committee"]);
    expect(approvalSatisfied(requirements, [approval("carl", "committee")], "bob").ok).toBe(true);
  });

  describe("three editors (issue #20)", () => {
    // Bug: only the author and the last editor were kept from approving. Cx wrote the draft,
    // legal lifted a forbidden action, cx edited an intent label and submitted; legal then
    // approved alone, and that one approval counted as the second person and as legal's.
    const lifted = () => {
      const after = example();
      after.forbidden.shift();
      after.intents[0]!.label = "Where is my parcel";
      return reviewRequirements(example(), after);
    };
    const editors = [
      { userId: "legal1", section: "forbidden" },
      { userId: "cx", section: "intents" },
    ];

    it("does not let the legal person who edited the forbidden list be the legal approval or the second person", () => {
      const requirements = lifted();
      expect(requirements.sections).toEqual([expect.arrayContaining(["forbidden", "intents"]), ["forbidden"]]);
      const result = approvalSatisfied(requirements, [approval("legal1", "legal")], "cx", editors);
      expect(result).toEqual({
        ok: false,
        missing: [
          "needs an approval from a second person (an admin, a CX lead, legal, IT or the committee) (approvals by people who edited this draft do not count)",
          "needs an approval from legal (approvals by people who edited forbidden actions do not count)",
        ],
      });
    });

    it("is met by another legal person, whoever submitted", () => {
      expect(approvalSatisfied(lifted(), [approval("legal1", "legal"), approval("legal2", "legal")], "cx", editors)).toEqual({ ok: true, missing: [] });
    });

    it("keeps a section's editor from that section only", () => {
      const requirements: ReviewRequirements = { requiredRoles: [[...REVIEWER_ROLES], ["committee"]], reasons: [], sections: [[...SECTION_KEYS], ["actions"]] };
      // The committee member edited intents, not actions: their approval is the committee's, not the second person's.
      const result = approvalSatisfied(requirements, [approval("carl", "committee")], "cx", [{ userId: "carl", section: "intents" }]);
      expect(result.missing).toEqual(["needs an approval from a second person (an admin, a CX lead, legal, IT or the committee) (approvals by people who edited this draft do not count)"]);
    });

    it("says when nobody eligible remains instead of waiting", () => {
      const people = [approval("cx", "cx_lead"), approval("legal1", "legal"), approval("it", "it")];
      expect(unreachableRequirements(lifted(), [], "cx", editors, people)).toEqual([
        "Nobody can give the approval from legal: everyone who holds that role wrote this draft or edited forbidden actions. An administrator must give the role to another person.",
      ]);
      expect(unreachableRequirements(lifted(), [], "cx", editors, [...people, approval("legal2", "legal")])).toEqual([]);
    });
  });
});
