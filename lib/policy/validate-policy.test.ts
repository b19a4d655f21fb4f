import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import type { PolicyDocumentInput } from "./document-schema";
import { exampleDocument } from "./fixtures/example-policy";
import { parsePolicyText, validatePolicyDocument } from "./validate-policy";

type Mutable = Record<string, unknown> & PolicyDocumentInput;

/** Errors of the example policy after an edit; the example itself is valid. */
function errorsAfter(edit: (document: Mutable) => void) {
  const document = exampleDocument() as Mutable;
  edit(document);
  const result = validatePolicyDocument(document);
  return result.ok ? [] : result.errors;
}

function paths(edit: (document: Mutable) => void) {
  return errorsAfter(edit).map((error) => error.path);
}

// Indexes in the example: actions[1] shipment.reroute, actions[2] refund.issue, risk_tiers[1] medium, [2] high.
const reroute = (document: Mutable) => document.actions[1]!;
const refund = (document: Mutable) => document.actions[2]!;
const high = (document: Mutable) => document.risk_tiers[2]!;

describe("validatePolicyDocument", () => {
  it("accepts the spec's example policy and applies defaults", () => {
    const result = validatePolicyDocument(exampleDocument());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.actions[0]?.limits).toEqual([]);
    expect(result.document.actions[1]?.limits[0]?.on_exceed).toBe("hold");
  });

  it("defaults the optional sections and on_exceed", () => {
    const result = validatePolicyDocument({
      schema: "mandate.policy/v1",
      name: "Minimal",
      currency: "EUR",
      risk_tiers: [{ key: "critical", label: "Critical", controls: [] }],
      owners: [{ key: "ops", name: "Ops", contact: "ops@example.com", remediation: "Undo it." }],
      actions: [{ key: "a.b", label: "A", authority: "execute", owner: "ops", limits: [{ scope: "global", window: "1h", max_count: 1 }] }],
    });
    expect(result).toMatchObject({
      ok: true,
      document: { data_sources: [], forbidden: [], intents: [], actions: [{ data_sources: [], risk: [], limits: [{ on_exceed: "hold" }] }] },
    });
  });

  describe("shape", () => {
    it("reports a non-object document at the root", () => {
      expect(validatePolicyDocument(null)).toEqual({ ok: false, errors: [{ path: "", message: "Expected object, got null" }] });
      expect(validatePolicyDocument([])).toMatchObject({ ok: false, errors: [{ path: "" }] });
    });

    it("rejects unknown fields so typos are caught", () => {
      expect(
        errorsAfter((document) => {
          document.actoins = [];
          (refund(document) as Record<string, unknown>).ownr = "x";
          (high(document).approval as Record<string, unknown>).expires = "4h";
        }),
      ).toEqual([
        { path: "risk_tiers[2].approval.expires", message: 'Unknown field "expires"' },
        { path: "actions[2].ownr", message: 'Unknown field "ownr"' },
        { path: "actoins", message: 'Unknown field "actoins"' },
      ]);
    });

    it("names missing and mistyped fields", () => {
      expect(
        errorsAfter((document) => {
          delete (refund(document) as Partial<typeof document.actions[number]>).owner;
          (document as Record<string, unknown>).name = 5;
          (refund(document) as Record<string, unknown>).authority = "act";
        }),
      ).toEqual([
        { path: "name", message: "Expected string, got 5" },
        { path: "actions[2].authority", message: 'Expected "say" or "recommend" or "execute", got "act"' },
        { path: "actions[2].owner", message: "This field is required" },
      ]);
    });

    it("checks the schema id, currency and key formats", () => {
      expect(
        errorsAfter((document) => {
          (document as Record<string, unknown>).schema = "mandate.policy/v2";
          document.currency = "usd";
          document.owners[0]!.key = "CX Ops";
          refund(document).key = "Refund Issue";
        }),
      ).toEqual([
        { path: "schema", message: 'Expected schema "mandate.policy/v1"' },
        { path: "currency", message: 'Expected an ISO 4217 currency code such as "USD", got "usd"' },
        { path: "owners[0].key", message: 'Keys use lowercase letters, digits, "-" and "_"; "CX Ops" is not one' },
        { path: "actions[2].key", message: 'Action keys are lowercase words joined by dots, such as "refund.issue"; "Refund Issue" is not one' },
        // The references to the renamed keys break too, and are reported in the same pass.
        { path: "actions[0].owner", message: 'Unknown owner "cx-ops" (known: CX Ops, finance-ops, logistics, security)' },
        { path: "actions[4].owner", message: 'Unknown owner "cx-ops" (known: CX Ops, finance-ops, logistics, security)' },
        { path: "intents[0].actions[2]", message: 'Unknown action "refund.issue"; define it under actions first' },
        { path: "intents[1].actions[2]", message: 'Unknown action "refund.issue"; define it under actions first' },
        { path: "intents[3].actions[1]", message: 'Unknown action "refund.issue"; define it under actions first' },
        { path: 'intents[3].authority["refund.issue"]', message: 'Unknown action "refund.issue": an intent can only set the authority of an action defined under actions' },
        {
          path: "tools[0].action",
          message:
            'Unknown action "refund.issue": map the tool to an action defined under actions or listed under forbidden (known: order.status, shipment.reroute, Refund Issue, return.label, order.cancel, inventory.adjust, billing.adjust, account.recover, contract.negotiate, legal.agreement.modify, …)',
        },
      ]);
    });

    it("rejects blank labels and reasons", () => {
      expect(
        errorsAfter((document) => {
          refund(document).label = "  ";
          document.forbidden![0]!.reason = "";
        }),
      ).toEqual([
        { path: "actions[2].label", message: "Must not be blank" },
        { path: "forbidden[0].reason", message: "Must not be blank" },
      ]);
    });
  });

  describe("risk tiers", () => {
    it("requires approval with human_approval", () => {
      expect(errorsAfter((document) => delete high(document).approval)).toEqual([
        { path: "risk_tiers[2].approval", message: 'Tier "high" uses human_approval, so it needs approval: { approvers, roles, expires_after }' },
      ]);
    });

    it("rejects approval without human_approval", () => {
      expect(paths((document) => (high(document).controls = []))).toEqual(["risk_tiers[2].approval"]);
    });

    it("requires a sample rate between 0 and 1 with review_sample", () => {
      expect(errorsAfter((document) => delete document.risk_tiers[1]!.sample_rate)).toEqual([
        { path: "risk_tiers[1].sample_rate", message: 'Tier "medium" uses review_sample, so it needs a sample_rate between 0 and 1' },
      ]);
      expect(errorsAfter((document) => (document.risk_tiers[1]!.sample_rate = 1.5))).toEqual([
        { path: "risk_tiers[1].sample_rate", message: "Sample rate is a share between 0 and 1" },
      ]);
      expect(paths((document) => (document.risk_tiers[0]!.sample_rate = 0.5))).toEqual(["risk_tiers[0].sample_rate"]);
    });

    it("rejects empty or unknown approver roles and out-of-range approvers", () => {
      expect(errorsAfter((document) => (high(document).approval!.roles = []))).toEqual([
        { path: "risk_tiers[2].approval.roles", message: "Name at least one role that may approve" },
      ]);
      expect(paths((document) => (high(document).approval!.roles = ["manager" as "admin"]))).toEqual(["risk_tiers[2].approval.roles[0]"]);
      expect(paths((document) => (high(document).approval!.roles = ["supervisor", "supervisor"]))).toEqual([
        "risk_tiers[2].approval.roles[1]",
      ]);
      expect(errorsAfter((document) => (high(document).approval!.approvers = 0))).toEqual([
        { path: "risk_tiers[2].approval.approvers", message: "At least 1 approver is required" },
      ]);
      expect(errorsAfter((document) => (high(document).approval!.approvers = 6))).toEqual([
        { path: "risk_tiers[2].approval.approvers", message: "At most 5 approvers can be required" },
      ]);
    });

    it("rejects an unknown or repeated control and a bad expiry", () => {
      expect(paths((document) => (high(document).controls = ["human_approval", "human_approval"]))).toEqual(["risk_tiers[2].controls[1]"]);
      expect(paths((document) => (high(document).controls = ["two_person" as "step_up"]))).toContain("risk_tiers[2].controls[0]");
      expect(paths((document) => (high(document).approval!.expires_after = "4 hours"))).toEqual(["risk_tiers[2].approval.expires_after"]);
    });

    it("requires a critical tier, the fallback when no band matches", () => {
      expect(
        errorsAfter((document) => {
          document.risk_tiers.pop();
          for (const action of document.actions) action.risk = (action.risk ?? []).filter((band) => band.tier !== "critical");
        }),
      ).toEqual([{ path: "risk_tiers", message: 'A "critical" tier is required: actions fall back to it when no risk band matches' }]);
    });
  });

  describe("references", () => {
    it("reports an unknown owner", () => {
      expect(errorsAfter((document) => (refund(document).owner = "finops"))).toEqual([
        { path: "actions[2].owner", message: 'Unknown owner "finops" (known: cx-ops, finance-ops, logistics, security)' },
      ]);
    });

    it("reports an unknown data source", () => {
      expect(errorsAfter((document) => (refund(document).data_sources = ["orders", "ledger"]))).toEqual([
        { path: "actions[2].data_sources[1]", message: 'Unknown data source "ledger" (known: orders, shipments, payments, profile, inventory)' },
      ]);
    });

    it("reports an unknown tier in a risk band", () => {
      expect(errorsAfter((document) => (refund(document).risk![1]!.tier = "hi"))).toEqual([
        { path: "actions[2].risk[1].tier", message: 'Unknown risk tier "hi" (known: low, medium, high, critical)' },
      ]);
    });

    it("reports an unknown action in an intent, and says when it is only forbidden", () => {
      expect(errorsAfter((document) => document.intents![0]!.actions!.push("refund.void", "contract.negotiate"))).toEqual([
        { path: "intents[0].actions[5]", message: 'Unknown action "refund.void"; define it under actions first' },
        {
          path: "intents[0].actions[6]",
          message: 'Action "contract.negotiate" is forbidden and not defined under actions, so an agent can never take it for this intent',
        },
      ]);
    });

    describe("an intent's authority per action", () => {
      // intents[0] shipping_error lists its actions; intents[4] legal_dispute lists none (any action).
      it("accepts an override for an action the intent allows, or any action when it lists none", () => {
        expect(errorsAfter((document) => (document.intents![0]!.authority = { "refund.issue": "recommend", "order.status": "execute" }))).toEqual([]);
        expect(errorsAfter((document) => (document.intents![4]!.authority = { "order.cancel": "say" }))).toEqual([]);
      });

      it("refuses an action the document does not define, an action outside the intent's list, and an unknown authority", () => {
        expect(
          errorsAfter((document) => (document.intents![0]!.authority = { "refund.void": "say", "billing.adjust": "recommend", "refund.issue": "maybe" as "say" })),
        ).toEqual([
          { path: 'intents[0].authority["refund.issue"]', message: 'Expected "say" or "recommend" or "execute", got "maybe"' },
          { path: 'intents[0].authority["refund.void"]', message: 'Unknown action "refund.void": an intent can only set the authority of an action defined under actions' },
          {
            path: 'intents[0].authority["billing.adjust"]',
            message: '"billing.adjust" is not among the actions allowed for Shipping error: allow it for this intent first, or remove its authority here',
          },
        ]);
      });

      it("refuses a malformed action key with the key's own message", () => {
        expect(errorsAfter((document) => (document.intents![4]!.authority = { "Refund Issue": "say" }))).toEqual([
          { path: 'intents[4].authority["Refund Issue"]', message: 'Action keys are lowercase words joined by dots, such as "refund.issue"; "Refund Issue" is not one' },
        ]);
      });

      it("keeps the overrides through JSON and YAML, as export writes them and import reads them", () => {
        const document = exampleDocument();
        document.intents![3]!.authority = { "refund.issue": "recommend", "billing.adjust": "execute" };
        const result = validatePolicyDocument(document);
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect(parsePolicyText(JSON.stringify(result.document, null, 2))).toEqual(result);
        expect(parsePolicyText(stringify(result.document))).toEqual(result);
        expect(result.document.intents[3]!.authority).toEqual({ "refund.issue": "recommend", "billing.adjust": "execute" });
      });
    });

    it("accepts an action that is both defined and forbidden (forbidden wins at decision time)", () => {
      expect(errorsAfter((document) => document.forbidden!.push({ action: "refund.issue", reason: "Refunds are frozen." }))).toEqual([]);
    });

    it("accepts customer-scoped limits", () => {
      expect(errorsAfter((document) => (refund(document).limits = [{ scope: "customer", window: "7d", max_amount: "100.00" }]))).toEqual([]);
    });

    it("reports a fallback band that is not last", () => {
      expect(errorsAfter((document) => reroute(document).risk!.reverse())).toEqual([
        {
          path: "actions[1].risk[0]",
          message: 'This band has no "if", so it always applies and the bands after it can never be reached; make it the last band',
        },
      ]);
    });

    it.each([
      ["risk_tiers", (d: Mutable) => d.risk_tiers.push({ ...d.risk_tiers[0]! }), "risk_tiers[4].key", 'Duplicate risk tier "low"; it is already defined at risk_tiers[0]'],
      ["owners", (d: Mutable) => d.owners.push({ ...d.owners[1]! }), "owners[4].key", 'Duplicate owner "finance-ops"; it is already defined at owners[1]'],
      ["data_sources", (d: Mutable) => d.data_sources!.push({ ...d.data_sources![2]! }), "data_sources[5].key", 'Duplicate data source "payments"; it is already defined at data_sources[2]'],
      ["actions", (d: Mutable) => d.actions.push({ ...d.actions[2]! }), "actions[8].key", 'Duplicate action "refund.issue"; it is already defined at actions[2]'],
      ["intents", (d: Mutable) => d.intents!.push({ ...d.intents![4]! }), "intents[5].key", 'Duplicate intent "legal_dispute"; it is already defined at intents[4]'],
      ["forbidden", (d: Mutable) => d.forbidden!.push({ action: "credentials.disclose", reason: "Twice." }), "forbidden[3].action", 'Duplicate forbidden action "credentials.disclose"; it is already defined at forbidden[2]'],
    ])("reports a duplicate key in %s", (_section, edit, path, message) => {
      expect(errorsAfter(edit)).toEqual([{ path, message }]);
    });
  });

  describe("tool mappings", () => {
    // The demo's payment gateway, as the docs map it. Tests set `tools` outright, whatever the example holds.
    const refundTool = () => ({
      server: "payments",
      tool: "issue_refund",
      action: "refund.issue",
      customer_id: "customer_id",
      params: { amount: "amount", currency: "currency", order_id: "order_id" },
      data_sources: ["orders", "payments"],
    });
    const withTools = (...tools: Record<string, unknown>[]) => (document: Mutable) => {
      document.tools = tools as Mutable["tools"];
    };

    it("accepts a mapping to a defined action, and one to an action that is only forbidden", () => {
      expect(errorsAfter(withTools(refundTool(), { server: "legal", tool: "negotiate", action: "contract.negotiate" }))).toEqual([]);
      const result = validatePolicyDocument({ ...exampleDocument(), tools: [{ server: "carrier", tool: "reroute_parcel", action: "shipment.reroute" }] });
      expect(result.ok && result.document.tools).toEqual([{ server: "carrier", tool: "reroute_parcel", action: "shipment.reroute", params: {}, data_sources: [] }]);
    });

    it("defaults to no mappings", () => {
      const document = exampleDocument() as Mutable;
      delete document.tools;
      const result = validatePolicyDocument(document);
      expect(result.ok && result.document.tools).toEqual([]);
    });

    it("reports an action that is neither defined nor forbidden, at the mapping's action", () => {
      expect(errorsAfter(withTools(refundTool(), { ...refundTool(), tool: "void_refund", action: "refund.void" }))).toEqual([
        {
          path: "tools[1].action",
          message: expect.stringMatching(/^Unknown action "refund\.void": map the tool to an action defined under actions or listed under forbidden \(known: order\.status, .*, …\)$/) as string,
        },
      ]);
    });

    it("reports an unknown data source at its index", () => {
      expect(errorsAfter(withTools({ ...refundTool(), data_sources: ["orders", "ledger"] }))).toEqual([
        { path: "tools[0].data_sources[1]", message: 'Unknown data source "ledger" (known: orders, shipments, payments, profile, inventory)' },
      ]);
    });

    it("reports the same tool on the same server mapped twice, and allows the same tool name on another server", () => {
      expect(errorsAfter(withTools(refundTool(), { ...refundTool(), server: "payments-eu" }, { ...refundTool(), action: "billing.adjust" }))).toEqual([
        { path: "tools[2].tool", message: 'Tool "issue_refund" on server "payments" is already mapped at tools[0]; a tool maps to one action' },
      ]);
    });

    it("checks the shape: server key, tool name, argument paths and param names", () => {
      expect(
        errorsAfter(
          withTools({ server: "Payments API", tool: "", action: "Refund", customer_id: "customer id", params: { Amount: "amount", order_id: "order..id" }, data_sources: ["orders", "orders"], extra: 1 }),
        ),
      ).toEqual([
        { path: "tools[0].server", message: 'Keys use lowercase letters, digits, "-" and "_"; "Payments API" is not one' },
        { path: "tools[0].tool", message: "Give the tool's name" },
        { path: "tools[0].action", message: 'Action keys are lowercase words joined by dots, such as "refund.issue"; "Refund" is not one' },
        { path: "tools[0].customer_id", message: "Expected a dotted path into the tool's arguments, such as customer_id or order.id" },
        { path: "tools[0].params.Amount", message: 'Param names are lowercase words joined by "_", such as order_id; "Amount" is not one' },
        { path: "tools[0].params.order_id", message: "Expected a dotted path into the tool's arguments, such as customer_id or order.id" },
        { path: "tools[0].data_sources[1]", message: 'Data source "orders" is listed twice' },
        { path: "tools[0].extra", message: 'Unknown field "extra"' },
      ]);
    });

    it("allows a param the action's rules never read", () => {
      expect(errorsAfter(withTools({ ...refundTool(), params: { ...refundTool().params, note: "reason.text" } }))).toEqual([]);
    });

    it("refuses a param name mapped twice in the text, naming it", () => {
      const document = { ...exampleDocument(), tools: [refundTool()] };
      const json = JSON.stringify(document).replace('"amount":"amount"', '"amount":"amount","amount":"total"');
      expect(parsePolicyText(json)).toMatchObject({ ok: false, errors: [{ path: "tools[0].params.amount" }] });
      const yaml = stringify(document).replace(/^( +)amount: amount\n/m, "$1amount: amount\n$1amount: total\n");
      expect(yaml).toContain("amount: total");
      expect(parsePolicyText(yaml)).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining("Map keys must be unique") as string }] });
    });

    it("keeps the section through JSON and YAML, as export writes it and import reads it", () => {
      const result = validatePolicyDocument({ ...exampleDocument(), tools: [refundTool()] });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      expect(parsePolicyText(JSON.stringify(result.document, null, 2))).toEqual(result);
      expect(parsePolicyText(stringify(result.document))).toEqual(result);
      expect(result.document.tools).toEqual([refundTool()]);
    });
  });

  describe("limits", () => {
    it("reports a bad window", () => {
      for (const window of ["0h", "1w", "24", "-5m"]) {
        expect(errorsAfter((document) => (reroute(document).limits![0]!.window = window))).toEqual([
          {
            path: "actions[1].limits[0].window",
            message: `Expected a duration such as "15m", "1h", "24h" or "30d" (units s, m, h, d; at most 366d), got "${window}"`,
          },
        ]);
      }
    });

    it("requires max_count or max_amount", () => {
      expect(errorsAfter((document) => (reroute(document).limits = [{ scope: "customer", window: "1h" }]))).toEqual([
        { path: "actions[1].limits[0]", message: "A limit needs max_count, max_amount or both" },
      ]);
    });

    it("requires a positive whole max_count and a positive decimal max_amount", () => {
      const limitErrors = (limit: Record<string, unknown>) =>
        errorsAfter((document) => (refund(document).limits = [{ scope: "agent", window: "1h", ...limit }]));
      expect(limitErrors({ max_count: 0 })).toEqual([{ path: "actions[2].limits[0].max_count", message: "max_count must be at least 1" }]);
      expect(limitErrors({ max_count: 1.5 })).toEqual([{ path: "actions[2].limits[0].max_count", message: "max_count must be a whole number" }]);
      expect(limitErrors({ max_amount: 0 })).toEqual([{ path: "actions[2].limits[0].max_amount", message: "Expected an amount greater than 0" }]);
      expect(limitErrors({ max_amount: "-5" })).toEqual([{ path: "actions[2].limits[0].max_amount", message: "Expected a non-negative amount, got -5" }]);
      expect(limitErrors({ max_amount: "1e3" })).toEqual([
        { path: "actions[2].limits[0].max_amount", message: 'Expected a decimal number such as "49.99", got "1e3"' },
      ]);
      expect(limitErrors({ max_amount: true })).toEqual([
        { path: "actions[2].limits[0].max_amount", message: 'Expected an amount as a number or a decimal string such as "500.00"' },
      ]);
      expect(limitErrors({ max_amount: "2000.50", max_count: 3 })).toEqual([]);
      expect(limitErrors({ max_count: 1, scope: "team" }).map((error) => error.path)).toEqual(["actions[2].limits[0].scope"]);
      expect(limitErrors({ max_count: 1, on_exceed: "block" }).map((error) => error.path)).toEqual(["actions[2].limits[0].on_exceed"]);
    });
  });

  describe("conditions", () => {
    const conditionErrors = (condition: unknown) =>
      errorsAfter((document) => (refund(document).risk![0]!.if = condition as Record<string, never>));

    it("accepts every supported field and operator", () => {
      expect(
        conditionErrors({
          amount: { gte: "10.00", lt: 50 },
          currency: "USD",
          channel: { in: ["chat", "email"] },
          confidence: { gt: 0.8 },
          "customer.verified": true,
          "customer.segment": { ne: "vip" },
          "customer.id": { eq: "cus_1" },
          "params.order_id": { in: ["a", 1, true] },
          "params.quantity": { lte: "-2.5" },
          all: [{ amount: { gt: 1 } }, { any: [{ channel: "chat" }, { not: { "customer.verified": false } }] }],
        }),
      ).toEqual([]);
    });

    it("reports an unsupported field path", () => {
      const message = (field: string) =>
        `Unsupported field "${field}"; conditions can test amount, currency, channel, confidence, customer.verified, customer.segment, customer.id and params.<name>`;
      expect(conditionErrors({ "customer.email": "x", "params.": 1, amout: 5 })).toEqual([
        { path: 'actions[2].risk[0].if["customer.email"]', message: message("customer.email") },
        { path: 'actions[2].risk[0].if["params."]', message: message("params.") },
        { path: "actions[2].risk[0].if.amout", message: message("amout") },
      ]);
    });

    it("reports operand type errors", () => {
      expect(
        conditionErrors({
          amount: { lte: "fifty" },
          currency: { gt: "USD" },
          "customer.verified": { lt: 1 },
          confidence: { eq: "high" },
          channel: { in: "chat" },
          "customer.segment": 5,
          "params.quantity": { gte: "many" },
          "params.note": { eq: { deep: 1 } },
        }),
      ).toEqual([
        { path: "actions[2].risk[0].if.amount.lte", message: 'amount compares exact amounts: Expected a decimal number such as "49.99", got "fifty"' },
        { path: "actions[2].risk[0].if.currency.gt", message: '"gt" compares numbers, but currency is text' },
        { path: 'actions[2].risk[0].if["customer.verified"].lt', message: '"lt" compares numbers, but customer.verified is true or false' },
        { path: "actions[2].risk[0].if.confidence.eq", message: 'confidence compares numbers, got "high"' },
        { path: "actions[2].risk[0].if.channel.in", message: '"in" needs a list of values, got "chat"' },
        { path: 'actions[2].risk[0].if["customer.segment"]', message: "customer.segment is text; expected a string, got 5" },
        { path: 'actions[2].risk[0].if["params.quantity"].gte', message: '"gte" compares numbers; expected a number or a decimal string, got "many"' },
        { path: 'actions[2].risk[0].if["params.note"].eq', message: "params.note can be compared with a string, number or boolean, got an object" },
      ]);
    });

    it("rejects amounts beyond the money bounds in conditions", () => {
      expect(conditionErrors({ amount: { lt: "1234567890123456789012345678901234567890" } })).toEqual([
        { path: "actions[2].risk[0].if.amount.lt", message: "amount compares exact amounts: 12345678901234567890… has more than 18 digits before the decimal point" },
      ]);
    });

    it("reports unknown operators, empty tests and malformed combinators", () => {
      expect(
        conditionErrors({
          amount: { lte2: 5 },
          channel: {},
          currency: ["USD"],
          "customer.segment": { in: [] },
          "customer.id": null,
          all: [],
          any: { amount: 1 },
          not: { nope: 1 },
        }),
      ).toEqual([
        { path: "actions[2].risk[0].if.amount.lte2", message: 'Unknown operator "lte2"; use one of lt, lte, gt, gte, eq, ne, in' },
        { path: "actions[2].risk[0].if.channel", message: "Test on channel is empty; use one of lt, lte, gt, gte, eq, ne, in" },
        { path: "actions[2].risk[0].if.currency", message: 'currency cannot equal a list; use { "in": [...] } to match one of several values' },
        { path: 'actions[2].risk[0].if["customer.segment"].in', message: '"in" needs at least one value' },
        { path: 'actions[2].risk[0].if["customer.id"]', message: "customer.id is text; expected a string, got null" },
        { path: "actions[2].risk[0].if.all", message: '"all" must list at least one condition' },
        { path: "actions[2].risk[0].if.any", message: '"any" must be a list of conditions, got an object' },
        { path: "actions[2].risk[0].if.not.nope", message: expect.stringContaining('Unsupported field "nope"') as string },
      ]);
    });

    it("reports errors deep inside nested conditions with their paths", () => {
      expect(conditionErrors({ all: [{ amount: 1 }, { any: [{ channel: "chat" }, { not: { confidence: { lt: "0.5" } } }] }] })).toEqual([
        { path: "actions[2].risk[0].if.all[1].any[1].not.confidence.lt", message: 'confidence compares numbers, got "0.5"' },
      ]);
    });

    it("rejects an empty or non-object condition", () => {
      expect(conditionErrors({})).toEqual([
        {
          path: "actions[2].risk[0].if",
          message: "Condition is empty; it must test at least one field (leave out `if` for a band that always applies)",
        },
      ]);
      expect(conditionErrors("amount < 50")).toEqual([{ path: "actions[2].risk[0].if", message: 'A condition must be an object, got "amount < 50"' }]);
    });
  });

  it("collects every error in one pass", () => {
    expect(
      paths((document) => {
        document.currency = "dollars";
        refund(document).owner = "nobody";
        refund(document).risk![0]!.if = { amount: { lt: "x" } };
        reroute(document).limits![0]!.window = "1y";
        document.intents![1]!.actions!.push("nothing.here");
        document.owners.push({ ...document.owners[0]! });
      }),
    ).toEqual([
      "currency",
      "actions[1].limits[0].window",
      "actions[2].risk[0].if.amount.lt",
      "owners[4].key",
      "actions[2].owner",
      "intents[1].actions[3]",
    ]);
  });
});

describe("parsePolicyText", () => {
  const json = JSON.stringify(exampleDocument(), null, 2);

  it("parses JSON and YAML, detecting the format", () => {
    expect(parsePolicyText(json).ok).toBe(true);
    expect(parsePolicyText(json, "json").ok).toBe(true);
    expect(parsePolicyText(stringify(exampleDocument())).ok).toBe(true);
    expect(parsePolicyText(stringify(exampleDocument()), "yaml").ok).toBe(true);
    expect(parsePolicyText(`\uFEFF${json}`).ok).toBe(true);
  });

  it("gives JSON and YAML the same document", () => {
    const fromJson = parsePolicyText(json);
    const fromYaml = parsePolicyText(stringify(exampleDocument()));
    expect(fromYaml).toEqual(fromJson);
  });

  it("validates what it parsed", () => {
    const yaml = stringify(exampleDocument()).replace("owner: finance-ops", "owner: finops");
    expect(parsePolicyText(yaml)).toEqual({
      ok: false,
      errors: [{ path: "actions[2].owner", message: 'Unknown owner "finops" (known: cx-ops, finance-ops, logistics, security)' }],
    });
  });

  it("reports a JSON syntax error with its line and column", () => {
    expect(parsePolicyText('{\n  "schema": "mandate.policy/v1",\n  "name": ,\n}')).toEqual({
      ok: false,
      errors: [{ path: "", message: 'Invalid JSON at line 3, column 11: unexpected ","' }],
    });
    expect(parsePolicyText('{\n  "schema": "mandate.policy/v1"')).toEqual({
      ok: false,
      errors: [{ path: "", message: "Invalid JSON at line 2, column 32: unexpected end of input" }],
    });
    expect(parsePolicyText("{'schema': 1}", "json")).toMatchObject({ errors: [{ message: "Invalid JSON at line 1, column 2: unexpected \"'\"" }] });
  });

  it("reports a YAML syntax error with its line", () => {
    expect(parsePolicyText("schema: mandate.policy/v1\nname: [Northwind\ncurrency: USD\n")).toMatchObject({
      ok: false,
      errors: [{ path: "", message: expect.stringMatching(/^Invalid YAML at line \d+, column \d+: /) as string }],
    });
    expect(parsePolicyText("schema: mandate.policy/v1\nname: A\nname: B\n")).toEqual({
      ok: false,
      errors: [{ path: "", message: "Invalid YAML at line 3, column 1: Map keys must be unique" }],
    });
  });

  it("treats text as the format it is told", () => {
    expect(parsePolicyText("schema: mandate.policy/v1", "json")).toMatchObject({ ok: false, errors: [{ path: "", message: expect.stringContaining("Invalid JSON at line 1, column 1") as string }] });
  });

  it("reports an empty document at the root", () => {
    expect(parsePolicyText("")).toEqual({ ok: false, errors: [{ path: "", message: "Expected object, got null" }] });
  });
});

// Bug: policy import read numbers through a binary float (JSON.parse, YAML's toJS), so a band
// "lte 12345678901234567.5" became 12345678901234568 and a duplicate JSON key kept its last value.
describe("policy text is read exactly", () => {
  const order = (text: string) => {
    const result = parsePolicyText(text);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return { band: result.document.actions.find((action) => action.key === "order.cancel")!.risk[0]!.if, limits: result.document.actions.find((action) => action.key === "refund.issue")!.limits, sample: result.document.risk_tiers[1]!.sample_rate };
  };
  const json = JSON.stringify(exampleDocument());

  it("keeps the written digits of amounts in JSON and YAML, and reads ratios as numbers", () => {
    const edit = (text: string, a: string, b: string) => text.replace(a, b);
    const fromJson = order(edit(edit(edit(json, '{"lte":200}', '{"lte":12345678901234567.5}'), '"max_amount":2000', '"max_amount":123456789012345678'), '"sample_rate":0.05', '"sample_rate":0.05000000000000000001'));
    const yaml = stringify(exampleDocument());
    const fromYaml = order(edit(edit(edit(yaml, "lte: 200\n", "lte: +12345678901234567.5\n"), "max_amount: 2000", "max_amount: 123456789012345678"), "sample_rate: 0.05", "sample_rate: 0.05000000000000000001"));
    for (const read of [fromJson, fromYaml]) {
      expect(read.band).toEqual({ amount: { lte: "12345678901234567.5" } });
      expect(read.limits![1]!.max_amount).toBe("123456789012345678");
      expect(read.sample).toBe(0.05);
    }
  });

  it("refuses an amount with more digits than allowed instead of rounding it", () => {
    expect(parsePolicyText(json.replace('{"lte":200}', '{"lte":200.00000000000001}'))).toMatchObject({ ok: false, errors: [{ path: "actions[4].risk[0].if.amount.lte" }] });
  });

  it("refuses duplicate keys, NUL and unpaired surrogates by path", () => {
    expect(parsePolicyText(json.replace('"currency":"USD"', '"currency":"USD","currency":"USD"'))).toMatchObject({ ok: false, errors: [{ path: "currency" }] });
    expect(parsePolicyText(json.replace('"name":"Northwind', '"name":"\\u0000Northwind'))).toMatchObject({ ok: false, errors: [{ path: "name" }] });
    expect(parsePolicyText(stringify({ ...exampleDocument(), name: "a\u0000" }), "yaml")).toMatchObject({ ok: false, errors: [{ path: "name" }] });
    expect(parsePolicyText(json.replace('"label":"Low"', '"label":"Lo\\ud800w"'))).toMatchObject({ ok: false, errors: [{ path: "risk_tiers[0].label" }] });
  });
});
