import { describe, expect, it } from "vitest";
import { diffPolicy, formatAmount, type Change, type PolicyDiff } from "./diff-policy";
import type { PolicyDocument, ToolMapping } from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import type { SectionKey } from "./sections";
import { validatePolicyDocument } from "./validate-policy";

function example(): PolicyDocument {
  const result = validatePolicyDocument(exampleDocument());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.document;
}

/** The diff of the example against a copy after `edit`; the copy must stay a valid policy. */
function diffAfter(edit: (document: PolicyDocument) => void): PolicyDiff {
  const after = example();
  edit(after);
  const validated = validatePolicyDocument(after);
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  return diffPolicy(example(), validated.document);
}

function changesOf(diff: PolicyDiff, section?: SectionKey): Change[] {
  return diff.sections.filter((entry) => !section || entry.section === section).flatMap((entry) => entry.changes);
}

function texts(diff: PolicyDiff): string[] {
  return changesOf(diff).map((change) => change.text);
}

/** The one change an edit makes, as text and severity. */
function only(edit: (document: PolicyDocument) => void): Pick<Change, "text" | "severity"> {
  const changes = changesOf(diffAfter(edit));
  expect(changes).toHaveLength(1);
  const [change] = changes;
  return { text: change?.text ?? "", severity: change?.severity ?? "neutral" };
}

// Indexes in the example: actions[2] refund.issue (≤50 low, ≤500 high, else critical), actions[4] order.cancel,
// actions[6] billing.adjust (recommend); risk_tiers low, medium, high, critical; data_sources[2] payments.
const refund = (document: PolicyDocument) => document.actions[2]!;
const cancel = (document: PolicyDocument) => document.actions[4]!;
const billing = (document: PolicyDocument) => document.actions[6]!;

describe("diffPolicy: risk bands", () => {
  it("reads a raised refund threshold the way the e2e test expects", () => {
    const diff = diffAfter((document) => {
      refund(document).risk[0]!.if = { amount: { lte: 100 } };
    });
    expect(diff.empty).toBe(false);
    expect(diff.sections).toEqual([
      {
        section: "actions",
        label: "Permission map",
        changes: [
          {
            kind: "changed",
            subject: "Issue a refund",
            text: "Issue a refund: low tier raised from $50 to $100",
            severity: "loosens",
            key: "refund.issue",
            field: "risk",
          },
        ],
      },
    ]);
  });

  it("reads a lowered threshold as tightening", () => {
    expect(only((document) => void (refund(document).risk[0]!.if = { amount: { lte: 30 } }))).toEqual({
      text: "Issue a refund: low tier lowered from $50 to $30",
      severity: "tightens",
    });
  });

  it("compares amounts as decimals and shows them in the policy currency", () => {
    expect(only((document) => void (refund(document).risk[0]!.if = { amount: { lte: "100.00" } })).text).toBe(
      "Issue a refund: low tier raised from $50 to $100",
    );
    const relabelled = (currency: string) =>
      diffPolicy({ ...example(), currency }, (() => {
        const after = { ...example(), currency };
        refund(after).risk[0]!.if = { amount: { lte: 100 } };
        return after;
      })());
    expect(texts(relabelled("EUR"))).toEqual(["Issue a refund: low tier raised from €50 to €100"]);
    expect(texts(relabelled("GBP"))).toEqual(["Issue a refund: low tier raised from £50 to £100"]);
    expect(texts(relabelled("CHF"))).toEqual(["Issue a refund: low tier raised from CHF 50 to CHF 100"]);
  });

  it("knows that a lower bound works the other way round", () => {
    const withBound = (amount: number) => {
      const document = example();
      cancel(document).risk = [{ if: { amount: { gt: amount } }, tier: "high" }, { tier: "medium" }];
      return document;
    };
    const read = (diff: PolicyDiff) => changesOf(diff).map(({ text, severity }) => ({ text, severity }));
    // Lowering "> $1,000 → high" to "> $500" sends more orders to high; raising it sends fewer.
    expect(read(diffPolicy(withBound(1000), withBound(500)))).toEqual([{ text: "Cancel an order: high tier lowered from $1,000 to $500", severity: "tightens" }]);
    expect(read(diffPolicy(withBound(500), withBound(1000)))).toEqual([{ text: "Cancel an order: high tier raised from $500 to $1,000", severity: "loosens" }]);
  });

  it("names the rest of a band's condition when it tests more than the amount", () => {
    const before = example();
    refund(before).risk[0]!.if = { amount: { lte: 50 }, "customer.verified": true };
    const after = example();
    refund(after).risk[0]!.if = { amount: { lte: 100 }, "customer.verified": true };
    expect(texts(diffPolicy(before, after))).toEqual(["Issue a refund: low tier raised from $50 to $100 when customer verified is yes"]);
  });

  it("reads a band moved to another tier", () => {
    expect(only((document) => void (refund(document).risk[1]!.tier = "medium"))).toEqual({
      text: "Issue a refund: amounts ≤ $500 moved from high to medium tier",
      severity: "loosens",
    });
    expect(only((document) => void (refund(document).risk[2]!.tier = "high"))).toEqual({
      text: "Issue a refund: all other requests moved from critical to high tier",
      severity: "loosens",
    });
    expect(only((document) => void (document.actions[0]!.risk[0]!.tier = "medium"))).toEqual({
      text: "Tell order status: every request moved from low to medium tier",
      severity: "tightens",
    });
  });

  it("reads bands added, removed and reordered", () => {
    expect(only((document) => void cancel(document).risk.unshift({ if: { amount: { lte: 20 } }, tier: "low" }))).toEqual({
      text: "Cancel an order: new band puts amounts ≤ $20 in low tier",
      severity: "loosens",
    });
    expect(only((document) => void refund(document).risk.shift())).toEqual({
      text: "Issue a refund: removed the band that put amounts ≤ $50 in low tier",
      severity: "tightens",
    });
    expect(
      only((document) => {
        const [first, second, rest] = refund(document).risk;
        refund(document).risk = [second!, first!, rest!];
      }),
    ).toEqual({
      text: "Issue a refund: risk bands reordered, now amounts ≤ $500 → high, amounts ≤ $50 → low, all other requests → critical",
      severity: "neutral",
    });
  });

  it("does not guess a direction for a reworded band", () => {
    expect(only((document) => void (refund(document).risk[0]!.if = { channel: "chat" }))).toEqual({
      text: "Issue a refund: low tier now covers requests where channel is chat instead of amounts ≤ $50",
      severity: "neutral",
    });
  });
});

describe("diffPolicy: actions", () => {
  it("reads authority raised and lowered", () => {
    expect(only((document) => void (billing(document).authority = "execute")).text).toBe("Adjust billing: authority raised from recommend to execute");
    expect(only((document) => void (billing(document).authority = "execute")).severity).toBe("loosens");
    expect(only((document) => void (refund(document).authority = "say"))).toEqual({
      text: "Issue a refund: authority lowered from execute to say",
      severity: "tightens",
    });
  });

  it("reads label, owner and data sources", () => {
    expect(only((document) => void (refund(document).label = "Issue refunds"))).toEqual({ text: "Issue a refund is now called Issue refunds", severity: "neutral" });
    expect(only((document) => void (refund(document).owner = "cx-ops"))).toEqual({
      text: "Issue a refund: owner changed from Finance Operations to CX Operations",
      severity: "neutral",
    });
    expect(only((document) => void refund(document).data_sources.push("profile"))).toEqual({ text: "Issue a refund: may now read Customer profile", severity: "loosens" });
    expect(only((document) => void (refund(document).data_sources = ["orders"]))).toEqual({
      text: "Issue a refund: may no longer read Payment records",
      severity: "tightens",
    });
  });

  it("reads limits raised, lowered, re-scoped, added and removed", () => {
    expect(only((document) => void (refund(document).limits[0]!.max_count = 3))).toEqual({
      text: "Issue a refund: customer limit raised from 2 to 3 per 30d",
      severity: "loosens",
    });
    expect(only((document) => void (refund(document).limits[1]!.max_amount = "1500.00"))).toEqual({
      text: "Issue a refund: agent limit lowered from $2,000 to $1,500 per 1h",
      severity: "tightens",
    });
    expect(only((document) => void (refund(document).limits[1]!.on_exceed = "hold"))).toEqual({
      text: "Issue a refund: agent limit now holds instead of denying",
      severity: "loosens",
    });
    expect(only((document) => void (refund(document).limits[0]!.on_exceed = "deny"))).toEqual({
      text: "Issue a refund: customer limit now denies instead of holding",
      severity: "tightens",
    });
    expect(only((document) => void (refund(document).limits[0]!.window = "7d"))).toEqual({
      text: "Issue a refund: customer limit window changed from 30d to 7d",
      severity: "loosens",
    });
    expect(only((document) => void (refund(document).limits[0]!.scope = "global"))).toEqual({
      text: "Issue a refund: limit now counted in total instead of per customer",
      severity: "tightens",
    });
    expect(only((document) => void (refund(document).limits[1]!.max_count = 5))).toEqual({
      text: "Issue a refund: agent limit now also caps at 5 times per 1h",
      severity: "tightens",
    });
    expect(only((document) => void refund(document).limits.shift())).toEqual({
      text: "Issue a refund: limit of 2 times per customer per 30d, then hold removed",
      severity: "loosens",
    });
    expect(
      only((document) => void document.actions[3]!.limits.push({ scope: "global", window: "24h", max_amount: 10000, on_exceed: "deny" })),
    ).toEqual({ text: "Create a return label: new limit of $10,000 in total per 24h, then deny", severity: "tightens" });
  });

  it("reads actions added and removed", () => {
    const added = only((document) =>
      void document.actions.push({
        key: "gift.card",
        label: "Send a gift card",
        authority: "execute",
        owner: "cx-ops",
        data_sources: ["orders"],
        risk: [{ if: { amount: { lte: 25 } }, tier: "medium" }],
        limits: [],
      }),
    );
    expect(added).toEqual({
      text: "Send a gift card (gift.card) added: authority execute; owned by CX Operations; reads Order history; risk: amounts ≤ $25 → medium, all other requests → critical",
      severity: "loosens",
    });
    const removed = diffAfter((document) => {
      document.actions = document.actions.filter((action) => action.key !== "inventory.adjust");
      document.intents[0]!.actions = document.intents[0]!.actions.filter((action) => action !== "inventory.adjust");
      document.tools = (document.tools ?? []).filter((tool) => tool.action !== "inventory.adjust");
    });
    expect(changesOf(removed, "actions")).toEqual([
      {
        kind: "removed",
        subject: "Adjust the inventory log",
        text: "Adjust the inventory log (inventory.adjust) removed: agents can no longer take it",
        severity: "tightens",
        key: "inventory.adjust",
        field: "item",
      },
    ]);
    expect(texts(removed)).toContain("Shipping error: no longer allows Adjust the inventory log");
  });
});

describe("diffPolicy: risk tiers", () => {
  it("reads controls removed and added", () => {
    expect(only((document) => void (document.risk_tiers[3]!.controls = ["human_approval"]))).toEqual({
      text: "Critical no longer requires step-up verification",
      severity: "loosens",
    });
    expect(only((document) => void (document.risk_tiers[0]!.controls = ["step_up"]))).toEqual({
      text: "Low now requires step-up verification",
      severity: "tightens",
    });
    expect(
      only((document) => {
        document.risk_tiers[1]!.controls = ["review_sample", "human_approval"];
        document.risk_tiers[1]!.approval = { approvers: 1, roles: ["supervisor"], expires_after: "4h" };
      }),
    ).toEqual({ text: "Medium now requires human approval (1 approval by supervisor within 4h)", severity: "tightens" });
    expect(
      only((document) => {
        document.risk_tiers[1]!.controls = [];
        delete document.risk_tiers[1]!.sample_rate;
      }),
    ).toEqual({ text: "Medium no longer samples decisions for review", severity: "loosens" });
  });

  it("reads sample rate and approval changes", () => {
    expect(only((document) => void (document.risk_tiers[1]!.sample_rate = 0.1))).toEqual({ text: "Medium: review sample raised from 5% to 10%", severity: "tightens" });
    expect(only((document) => void (document.risk_tiers[1]!.sample_rate = 0.025))).toEqual({ text: "Medium: review sample lowered from 5% to 2.5%", severity: "loosens" });
    expect(only((document) => void (document.risk_tiers[3]!.approval!.approvers = 1))).toEqual({ text: "Critical: approvals required lowered from 2 to 1", severity: "loosens" });
    expect(only((document) => void document.risk_tiers[2]!.approval!.roles.push("committee"))).toEqual({ text: "High: Oversight committee may now approve", severity: "loosens" });
    expect(only((document) => void (document.risk_tiers[3]!.approval!.roles = ["committee"]))).toEqual({ text: "Critical: Supervisor may no longer approve", severity: "tightens" });
    expect(only((document) => void (document.risk_tiers[2]!.approval!.expires_after = "8h"))).toEqual({
      text: "High: approval requests now expire after 8h instead of 4h",
      severity: "neutral",
    });
  });

  it("reads tiers added, renamed and reordered", () => {
    expect(only((document) => void document.risk_tiers.splice(3, 0, { key: "severe", label: "Severe", controls: ["step_up"] }))).toEqual({
      text: "New tier Severe (severe): customer verification",
      severity: "neutral",
    });
    expect(only((document) => void (document.risk_tiers[0]!.label = "Routine"))).toEqual({ text: "Tier low renamed from Low to Routine", severity: "neutral" });
    expect(only((document) => void document.risk_tiers.reverse())).toEqual({ text: "Tiers reordered, lowest to highest: Critical, High, Medium, Low", severity: "neutral" });
  });
});

describe("diffPolicy: owners, data sources, intents, forbidden, settings", () => {
  it("reads owner changes as neutral", () => {
    const diff = diffAfter((document) => {
      document.owners[1]!.name = "Finance";
      document.owners[1]!.contact = "finance@northwind.example";
      document.owners[1]!.remediation = "Call the customer.";
    });
    expect(changesOf(diff).map(({ text, severity }) => [text, severity])).toEqual([
      ["Owner finance-ops renamed from Finance Operations to Finance", "neutral"],
      ["Finance: contact changed from finance-ops@northwind.example to finance@northwind.example", "neutral"],
      ['Finance: remediation now reads "Call the customer."', "neutral"],
    ]);
  });

  it("reads data source changes", () => {
    expect(only((document) => void (document.data_sources[2]!.pii = false))).toEqual({ text: "Payment records is no longer marked as personal data", severity: "loosens" });
    expect(only((document) => void (document.data_sources[0]!.pii = true))).toEqual({ text: "Order history is now marked as personal data", severity: "tightens" });
    expect(only((document) => void (document.data_sources[0]!.label = "Orders"))).toEqual({ text: "Data source orders renamed from Order history to Orders", severity: "neutral" });
    expect(only((document) => void document.data_sources.push({ key: "crm", label: "CRM notes", pii: true }))).toEqual({
      text: "New data source CRM notes (crm), marked as personal data",
      severity: "neutral",
    });
  });

  it("reads intent changes", () => {
    expect(only((document) => void (document.intents[4]!.handling = "autonomous"))).toEqual({
      text: "Legal dispute may now be handled by agents on their own instead of always going to a human",
      severity: "loosens",
    });
    expect(only((document) => void (document.intents[0]!.handling = "human"))).toEqual({ text: "Shipping error now always goes to a human", severity: "tightens" });
    expect(only((document) => void document.intents[2]!.actions.push("order.status"))).toEqual({ text: "Account access: now allows Tell order status", severity: "loosens" });
    expect(only((document) => void (document.intents[2]!.actions = []))).toEqual({ text: "Account access: now allows any action", severity: "loosens" });
    expect(only((document) => void (document.intents[4]!.actions = ["order.status"]))).toEqual({
      text: "Legal dispute: now allows only Tell order status instead of any action",
      severity: "tightens",
    });
    expect(only((document) => void document.intents.splice(2, 1))).toEqual({
      text: "Intent Account access (account_access) removed: requests with it now escalate to a human",
      severity: "tightens",
    });
  });

  it("reads an intent's authority per action, saying what applied before", () => {
    // intents[1] is Return request, intents[3] Billing dispute (the example makes refunds recommend-only for it).
    // Refunds are execute on the action, billing adjustments recommend.
    expect(only((document) => void (document.intents[1]!.authority = { "refund.issue": "recommend" }))).toEqual({
      text: "Return request: Issue a refund now recommend-only (was execute, the action's own)",
      severity: "tightens",
    });
    expect(only((document) => void (document.intents[3]!.authority = { ...document.intents[3]!.authority, "billing.adjust": "execute" }))).toEqual({
      text: "Billing dispute: Adjust billing now execute (was recommend, the action's own)",
      severity: "loosens",
    });
    expect(only((document) => void (document.intents[3]!.authority = { "refund.issue": "say" }))).toEqual({
      text: "Billing dispute: Issue a refund now say-only (was recommend for this intent)",
      severity: "tightens",
    });
    expect(only((document) => void delete document.intents[3]!.authority)).toEqual({
      text: "Billing dispute: Issue a refund back to the action's own authority, execute (was recommend for this intent)",
      severity: "loosens",
    });
    // Restating the action's own authority changes no decision.
    expect(only((document) => void (document.intents[1]!.authority = { "refund.issue": "execute" }))).toEqual({
      text: "Return request: Issue a refund now execute (was execute, the action's own)",
      severity: "neutral",
    });
  });

  it("reads a new intent's overrides against the actions' own authority", () => {
    const diff = diffAfter((document) => {
      document.intents.push({ key: "damaged_item", label: "Damaged item", handling: "autonomous", actions: ["refund.issue", "billing.adjust"], authority: { "billing.adjust": "execute" } });
    });
    expect(changesOf(diff).map(({ text, severity, field }) => ({ text, severity, field }))).toEqual([
      { text: "New intent Damaged item (damaged_item): agents may handle it on their own; allows Issue a refund and Adjust billing", severity: "loosens", field: "item" },
      { text: "Damaged item: Adjust billing execute for this intent (the action's own is recommend)", severity: "loosens", field: "authority" },
    ]);
  });

  it("reads forbidden entries added, removed and re-reasoned", () => {
    expect(only((document) => void document.forbidden.push({ action: "contract.renew", reason: "Renewals are signed by Legal." }))).toEqual({
      text: "contract.renew is now forbidden: Renewals are signed by Legal.",
      severity: "tightens",
    });
    expect(only((document) => void document.forbidden.shift())).toEqual({ text: "contract.negotiate is no longer forbidden", severity: "loosens" });
    expect(only((document) => void (document.forbidden[2]!.reason = "Never."))).toEqual({
      text: 'credentials.disclose: reason for forbidding it now reads "Never."',
      severity: "neutral",
    });
  });

  it("reads settings", () => {
    expect(only((document) => void (document.name = "Northwind"))).toEqual({
      text: 'Policy renamed from "Northwind Outfitters customer support" to "Northwind"',
      severity: "neutral",
    });
    const diff = diffAfter((document) => void (document.currency = "EUR"));
    expect(diff.sections.map((section) => section.label)).toEqual(["Settings"]);
    expect(texts(diff)).toEqual(["Currency changed from USD to EUR: every amount threshold and limit is now read in EUR"]);
  });
});

describe("diffPolicy: tool mappings", () => {
  const refundTool = (): ToolMapping => ({
    server: "payments",
    tool: "issue_refund",
    action: "refund.issue",
    customer_id: "customer_id",
    params: { amount: "amount", currency: "currency", order_id: "order_id" },
    data_sources: ["orders", "payments"],
  });
  const rerouteTool = (): ToolMapping => ({ server: "carrier", tool: "reroute_parcel", action: "shipment.reroute", customer_id: "customer_id", params: {}, data_sources: [] });

  /** The changes between the example mapping `before` and mapping `after` (whatever tools the example holds). */
  function toolChanges(before: ToolMapping[], after: ToolMapping[], edit?: (document: PolicyDocument) => void) {
    const old = example();
    old.tools = before;
    const current = example();
    current.tools = after;
    edit?.(current);
    const validated = validatePolicyDocument(current);
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    return changesOf(diffPolicy(old, validated.document), "tools").map(({ text, severity, field, key }) => ({ text, severity, field, key }));
  }

  it("reads a tool mapped, naming its action by label, where the customer and params come from and what it reads", () => {
    expect(toolChanges([], [refundTool()])).toEqual([
      {
        text: "Tool issue_refund on payments now counts as Issue a refund: reads the customer from customer_id; params amount from amount, currency from currency, order_id from order_id; reads Order history and Payment records",
        severity: "loosens",
        field: "item",
        key: "payments/issue_refund",
      },
    ]);
    expect(toolChanges([], [{ server: "legal", tool: "negotiate", action: "contract.negotiate", params: {}, data_sources: [] }])).toEqual([
      {
        text: "Tool negotiate on legal now counts as contract.negotiate, which is forbidden (every call is denied): takes the customer from the conversation; reads no data source",
        severity: "neutral",
        field: "item",
        key: "legal/negotiate",
      },
    ]);
  });

  it("reads a tool no longer mapped", () => {
    expect(toolChanges([refundTool(), rerouteTool()], [refundTool()])).toEqual([
      {
        text: "Tool reroute_parcel on carrier no longer mapped (was Reroute a package): agents no longer see it, and a call to it is denied",
        severity: "tightens",
        field: "item",
        key: "carrier/reroute_parcel",
      },
    ]);
  });

  it("reads a tool remapped to another action, and to a forbidden one", () => {
    expect(toolChanges([refundTool()], [{ ...refundTool(), action: "billing.adjust" }])).toEqual([
      { text: "Tool issue_refund on payments now counts as Adjust billing instead of Issue a refund", severity: "neutral", field: "action", key: "payments/issue_refund" },
    ]);
    expect(toolChanges([refundTool()], [{ ...refundTool(), action: "credentials.disclose" }])).toEqual([
      {
        text: "Tool issue_refund on payments now counts as credentials.disclose, which is forbidden (every call is denied) instead of Issue a refund",
        severity: "tightens",
        field: "action",
        key: "payments/issue_refund",
      },
    ]);
    // The action itself forbidden in the same draft: the forbidden section says so, the mapping did not change.
    expect(toolChanges([refundTool()], [refundTool()], (document) => void document.forbidden.push({ action: "refund.issue", reason: "Frozen." }))).toEqual([]);
  });

  it("reads where the customer comes from", () => {
    const from = (customer_id: string | undefined) => {
      const mapping = refundTool();
      if (customer_id) mapping.customer_id = customer_id;
      else delete mapping.customer_id;
      return mapping;
    };
    expect(toolChanges([from("account.id")], [from("customer_id")])).toEqual([
      { text: "Tool issue_refund on payments reads the customer from customer_id instead of account.id", severity: "neutral", field: "customer_id", key: "payments/issue_refund" },
    ]);
    expect(toolChanges([from(undefined)], [from("customer_id")])).toEqual([
      { text: "Tool issue_refund on payments now reads the customer from customer_id instead of only from the conversation", severity: "tightens", field: "customer_id", key: "payments/issue_refund" },
    ]);
    expect(toolChanges([from("customer_id")], [from(undefined)])).toEqual([
      {
        text: "Tool issue_refund on payments no longer reads the customer from its arguments (was customer_id): only the conversation names the customer",
        severity: "loosens",
        field: "customer_id",
        key: "payments/issue_refund",
      },
    ]);
  });

  it("reads params and data sources added, moved and removed, with data sources by label", () => {
    const after = { ...refundTool(), params: { amount: "refund.total", order_id: "order_id", reason: "note" }, data_sources: ["payments", "profile"] };
    expect(toolChanges([refundTool()], [after]).map(({ text, field }) => [field, text])).toEqual([
      ["params", "Tool issue_refund on payments reads param amount from refund.total instead of amount"],
      ["params", "Tool issue_refund on payments now passes param reason from note"],
      ["params", "Tool issue_refund on payments no longer passes param currency (was currency)"],
      ["data_sources", "Tool issue_refund on payments now reads Customer profile"],
      ["data_sources", "Tool issue_refund on payments no longer reads Order history"],
    ]);
  });

  it("matches mappings by server and tool, so the same tool name on two servers stays two mappings", () => {
    const eu = { ...refundTool(), server: "payments-eu" };
    expect(toolChanges([refundTool()], [eu, refundTool()]).map(({ text }) => text)).toEqual([expect.stringMatching(/^Tool issue_refund on payments-eu now counts as Issue a refund: /)]);
    // Only the order changed: the section says so without inventing a rule change.
    expect(toolChanges([refundTool(), eu], [eu, refundTool()])).toEqual([
      { text: "Tool mappings: reordered or reformatted; no rule changed", severity: "neutral", field: "layout", key: "tools" },
    ]);
  });

  it("reads a version stored before the section existed as having no mappings", () => {
    const old = example() as Partial<PolicyDocument>;
    delete old.tools;
    const current = example();
    current.tools = [refundTool()];
    expect(diffPolicy(old as PolicyDocument, current).sections.map((section) => [section.section, section.label, section.changes.length])).toEqual([["tools", "Tool mappings", 1]]);
    current.tools = [];
    expect(diffPolicy(old as PolicyDocument, current).empty).toBe(true);
  });
});

describe("diffPolicy: whole documents", () => {
  it("is empty when nothing changed", () => {
    expect(diffPolicy(example(), example())).toEqual({ sections: [], empty: true });
  });

  it("still shows an edit that changes no rule", () => {
    const diff = diffAfter((document) => {
      document.owners.reverse();
      refund(document).risk[0]!.if = { amount: { lte: "50.00" } };
    });
    expect(changesOf(diff).map(({ text, severity, field }) => [text, severity, field])).toEqual([
      ["Permission map: reordered or reformatted; no rule changed", "neutral", "layout"],
      ["Owners: reordered or reformatted; no rule changed", "neutral", "layout"],
    ]);
  });

  it("lists sections in console order with their labels", () => {
    const diff = diffAfter((document) => {
      document.name = "Northwind";
      document.forbidden.pop();
      document.risk_tiers[1]!.sample_rate = 0.2;
      refund(document).authority = "recommend";
    });
    expect(diff.sections.map(({ section, label }) => [section, label])).toEqual([
      ["actions", "Permission map"],
      ["risk_tiers", "Risk tiers"],
      ["forbidden", "Forbidden actions"],
      ["settings", "Settings"],
    ]);
  });

  it("reads every item of a first version as added", () => {
    const diff = diffPolicy(null, example());
    expect(diff.empty).toBe(false);
    expect(diff.sections.map((section) => section.section)).toEqual(["actions", "risk_tiers", "owners", "data_sources", "intents", "forbidden", "tools", "settings"]);
    const changes = changesOf(diff);
    expect(changes.every((change) => change.kind === "added")).toBe(true);
    expect(changesOf(diff, "actions")).toHaveLength(8);
    expect(changesOf(diff, "forbidden")).toHaveLength(3);
    expect(texts(diff)).toContain(
      "Issue a refund (refund.issue) added: authority execute; owned by Finance Operations; reads Order history and Payment records; " +
        "risk: amounts ≤ $50 → low, amounts ≤ $500 → high, all other requests → critical; " +
        "limits: 2 times per customer per 30d, then hold; $2,000 per agent per 1h, then deny",
    );
    expect(texts(diff)).toContain("New tier Critical (critical): customer verification; 2 approvals by supervisor or committee within 24h");
    expect(texts(diff)).toContain("New intent Legal dispute (legal_dispute): always goes to a human; allows any action");
  });

  it("classifies severity across a mixed draft", () => {
    const diff = diffAfter((document) => {
      billing(document).authority = "execute";
      refund(document).authority = "recommend";
      document.owners[0]!.contact = "cx@northwind.example";
    });
    expect(changesOf(diff).map((change) => change.severity)).toEqual(["tightens", "loosens", "neutral"]);
  });
});

describe("formatAmount", () => {
  it("uses the symbol for USD, EUR and GBP, the code otherwise, and groups thousands", () => {
    expect(formatAmount(1250.5, "USD")).toBe("$1,250.50");
    expect(formatAmount("1000000.00", "EUR")).toBe("€1,000,000");
    expect(formatAmount(49.99, "GBP")).toBe("£49.99");
    expect(formatAmount(50, "JPY")).toBe("JPY 50");
  });
});
