import { describe, expect, it } from "vitest";
import type { PolicyDocument, PolicyDocumentInput } from "../policy/document-schema";
import { exampleDocument } from "../policy/fixtures/example-policy";
import { compilePolicy } from "./compile";
import {
  DEFAULT_LIMIT_APPROVAL,
  EngineInputError,
  evaluate,
  findUnknownDataSources,
  limitsToCheck,
  preEvaluate,
  type DecisionRequest,
  type EvaluationInput,
  type LimitUsage,
} from "./evaluate";
import { Decimal } from "./money";

function compileExample(edit?: (document: PolicyDocumentInput) => void) {
  const document = exampleDocument();
  edit?.(document);
  return compilePolicy(document as PolicyDocument, 7);
}

const policy = compileExample();

function decide(request: DecisionRequest, input: Partial<EvaluationInput> = {}, on = policy) {
  return evaluate(on, request, { limitUsage: {}, sampleDraw: 0.99, ...input });
}

const usage = (count: number, amount: string | number = 0): LimitUsage => ({ count, amount: new Decimal(amount) });

/** A refund the example policy allows outright: low tier, in scope, within limits. */
const refund = (overrides: Partial<DecisionRequest> = {}, params: Record<string, unknown> = {}): DecisionRequest => ({
  action: "refund.issue",
  intent: "shipping_error",
  customer: { id: "cus_8841", verified: false, segment: "vip" },
  params: { amount: "42.50", currency: "USD", order_id: "ord_1193", ...params },
  data_sources: ["orders", "payments"],
  context: { conversation_id: "conv_77", channel: "chat", confidence: 0.91 },
  ...overrides,
});

const codes = (request: DecisionRequest, input?: Partial<EvaluationInput>, on = policy) =>
  decide(request, input, on).reasons.map((reason) => reason.code);

describe("evaluate", () => {
  it("allows the baseline refund", () => {
    expect(decide(refund())).toEqual({
      decision: "allow",
      status: "allowed",
      authority: "execute",
      tier: "low",
      owner: "finance-ops",
      reasons: [{ code: "allowed", rule: "actions.refund.issue.risk[0]", message: "Issue a refund (refund.issue) is allowed at tier low" }],
      approval: null,
      policy_version: 7,
      review_sampled: false,
    });
  });

  describe("rule 0: stop switch", () => {
    it("denies everything when all agents are paused", () => {
      expect(decide(refund(), { paused: { scope: "all", reason: "Incident INC-42" } })).toEqual({
        decision: "deny",
        status: "denied",
        authority: "execute",
        tier: null,
        owner: "finance-ops",
        reasons: [{ code: "paused", rule: "stop_switch", message: "All agent actions are paused by a stop switch: Incident INC-42" }],
        approval: null,
        policy_version: 7,
        review_sampled: false,
      });
    });

    it("names the agent or the action that is paused", () => {
      expect(decide(refund(), { paused: { scope: "agent", reason: "Misbehaving" }, agentName: "Returns bot" }).reasons[0]?.message).toBe(
        'Agent "Returns bot" is paused by a stop switch: Misbehaving',
      );
      expect(decide(refund(), { paused: { scope: "agent", reason: "Misbehaving" } }).reasons[0]?.message).toBe(
        "This agent is paused by a stop switch: Misbehaving",
      );
      expect(decide(refund(), { paused: { scope: "action", reason: "Refund bug" } }).reasons[0]?.message).toBe(
        'Action "refund.issue" is paused by a stop switch: Refund bug',
      );
    });

    it("beats forbidden and unknown actions", () => {
      const paused = { paused: { scope: "all" as const, reason: "Freeze" } };
      expect(codes({ action: "contract.negotiate" }, paused)).toEqual(["paused"]);
      expect(decide({ action: "made.up" }, paused)).toMatchObject({ decision: "deny", owner: null, authority: null, reasons: [{ code: "paused" }] });
    });

    it("does not apply when the pause is null", () => {
      expect(decide(refund(), { paused: null }).decision).toBe("allow");
    });
  });

  describe("rule 0b: two customers", () => {
    it("denies a call for another customer than the conversation's, before forbidden actions", () => {
      const mismatch = { ...refund(), context: { customer_id: "cus_conversation" } };
      expect(decide(mismatch)).toMatchObject({ decision: "deny", reasons: [{ code: "customer_mismatch", rule: "customer_mismatch" }] });
      expect(codes({ action: "contract.negotiate", customer: { id: "cus_a" }, context: { customer_id: "cus_b" } })).toEqual(["customer_mismatch"]);
      // A stop switch still comes first.
      expect(codes(mismatch, { paused: { scope: "all", reason: "Freeze" } })).toEqual(["paused"]);
    });

    it("does not apply when both name the same customer, or only one is named", () => {
      const customer = refund().customer!.id!;
      expect(decide({ ...refund(), context: { customer_id: customer } }).decision).toBe("allow");
      expect(codes({ action: "contract.negotiate", context: { customer_id: "cus_x" } })).toEqual(["forbidden"]);
    });
  });

  describe("rule 1: forbidden", () => {
    it("denies with the legal reason", () => {
      expect(decide({ action: "contract.negotiate", customer: { id: "cus_1" } })).toEqual({
        decision: "deny",
        status: "denied",
        authority: null,
        tier: null,
        owner: null,
        reasons: [{ code: "forbidden", rule: "forbidden[0]", message: '"contract.negotiate" is forbidden: Contract terms are negotiated by Legal only.' }],
        approval: null,
        policy_version: 7,
        review_sampled: false,
      });
    });

    it("beats an action that is also defined, and every later rule", () => {
      const frozen = compileExample((document) => document.forbidden!.push({ action: "refund.issue", reason: "Refunds are frozen." }));
      expect(decide(refund({ intent: "legal_dispute", data_sources: ["profile"] }), {}, frozen)).toMatchObject({
        decision: "deny",
        owner: "finance-ops",
        authority: "execute",
        reasons: [{ code: "forbidden", rule: "forbidden[3]", message: '"refund.issue" is forbidden: Refunds are frozen.' }],
      });
    });

    it("beats the unknown-action default for actions not in actions[]", () => {
      expect(codes({ action: "credentials.disclose", intent: "nope" })).toEqual(["forbidden"]);
    });
  });

  describe("rule 2: unknown action", () => {
    it("denies by default", () => {
      expect(decide({ action: "refund.void" })).toMatchObject({
        decision: "deny",
        status: "denied",
        authority: null,
        tier: null,
        owner: null,
        reasons: [{ code: "unknown_action", rule: "actions", message: '"refund.void" is not an action in the policy, so it is denied by default' }],
      });
    });

    it("beats intent and data scope rules", () => {
      expect(codes({ action: "refund.void", intent: "legal_dispute", data_sources: ["nothing"] })).toEqual(["unknown_action"]);
    });

    it("does not read prototype keys as actions", () => {
      expect(codes({ action: "__proto__" })).toEqual(["unknown_action"]);
      expect(codes({ action: "constructor" })).toEqual(["unknown_action"]);
    });
  });

  describe("rule 3: intent", () => {
    it("escalates an unknown intent", () => {
      expect(decide(refund({ intent: "chargeback" }))).toMatchObject({
        decision: "escalate",
        status: "escalated",
        tier: null,
        owner: "finance-ops",
        reasons: [{ code: "unknown_intent", rule: "intents", message: 'Intent "chargeback" is not in the policy; hand the conversation to a person' }],
      });
    });

    it("escalates an intent handled by people", () => {
      expect(decide(refund({ intent: "legal_dispute" })).reasons).toEqual([
        {
          code: "intent_requires_human",
          rule: "intents.legal_dispute",
          message: 'Intent "Legal dispute" is handled by people; hand the conversation to a person',
        },
      ]);
    });

    it("escalates an action outside the intent's actions", () => {
      expect(decide({ action: "account.recover", intent: "shipping_error", customer: { verified: true } })).toMatchObject({
        decision: "escalate",
        owner: "security",
        reasons: [
          {
            code: "action_not_in_intent",
            rule: "intents.shipping_error",
            message: 'Recover an account (account.recover) is not among the actions for intent "Shipping error"; hand the conversation to a person',
          },
        ],
      });
    });

    it("lets an autonomous intent with no action list allow any action", () => {
      const open = compileExample((document) => document.intents!.push({ key: "general", label: "General", handling: "autonomous", actions: [] }));
      expect(decide({ action: "return.label", intent: "general" }, {}, open).decision).toBe("allow");
    });

    it("skips intent rules without an intent, and an empty intent is unknown", () => {
      expect(decide(refund({ intent: undefined })).decision).toBe("allow");
      expect(codes(refund({ intent: "" }))).toEqual(["unknown_intent"]);
    });

    it("comes before data scope", () => {
      expect(codes(refund({ intent: "chargeback", data_sources: ["profile"] }))).toEqual(["unknown_intent"]);
    });
  });

  describe("rule 4: data scope", () => {
    it("denies a source outside the action's scope, naming it", () => {
      expect(decide(refund({ data_sources: ["orders", "profile"] }))).toMatchObject({
        decision: "deny",
        owner: "finance-ops",
        reasons: [
          {
            code: "data_scope",
            rule: "actions.refund.issue.data_sources",
            message: 'Issue a refund (refund.issue) may not read data source "profile" (allowed: orders, payments)',
          },
        ],
      });
    });

    it("gives one reason per source, once each, and flags sources the policy does not know", () => {
      expect(decide(refund({ data_sources: ["crm", "profile", "crm"] })).reasons.map((reason) => reason.message)).toEqual([
        'Issue a refund (refund.issue) may not read "crm", which is not a data source in the policy (allowed: orders, payments)',
        'Issue a refund (refund.issue) may not read data source "profile" (allowed: orders, payments)',
      ]);
    });

    it("allows any subset of the scope, including none", () => {
      expect(decide(refund({ data_sources: [] })).decision).toBe("allow");
      expect(decide(refund({ data_sources: ["payments"] })).decision).toBe("allow");
    });

    it("comes before authority", () => {
      expect(codes({ action: "order.status", data_sources: ["payments"] })).toEqual(["data_scope"]);
    });
  });

  describe("rule 5: authority", () => {
    it("denies say-only actions", () => {
      expect(decide({ action: "order.status", data_sources: ["orders"] })).toMatchObject({
        decision: "deny",
        authority: "say",
        owner: "cx-ops",
        tier: null,
        reasons: [
          {
            code: "authority_say_only",
            rule: "actions.order.status.authority",
            message: "Tell order status (order.status) is say-only: the agent may tell the customer about it but must not do it",
          },
        ],
      });
    });

    it("escalates recommend-only actions", () => {
      expect(decide({ action: "billing.adjust", intent: "billing_dispute" })).toMatchObject({
        decision: "escalate",
        status: "escalated",
        authority: "recommend",
        reasons: [{ code: "authority_recommend_only", rule: "actions.billing.adjust.authority" }],
      });
    });

    it("comes before currency", () => {
      expect(codes({ action: "billing.adjust", params: { amount: 10, currency: "EUR" } })).toEqual(["authority_recommend_only"]);
    });
  });

  describe("rule 5: authority set by the intent", () => {
    // Refunds are execute on the action; a billing dispute makes them recommend-only, a shipping error say-only.
    const overridden = compileExample((document) => {
      const intents = document.intents!;
      intents.find((intent) => intent.key === "billing_dispute")!.authority = { "refund.issue": "recommend" };
      intents.find((intent) => intent.key === "shipping_error")!.authority = { "refund.issue": "say", "order.status": "execute" };
    });

    it("escalates an action the intent makes recommend-only, saying so", () => {
      expect(decide(refund({ intent: "billing_dispute" }), {}, overridden)).toMatchObject({
        decision: "escalate",
        status: "escalated",
        authority: "recommend",
        owner: "finance-ops",
        tier: null,
        reasons: [
          {
            code: "authority_recommend_only",
            rule: 'intents.billing_dispute.authority["refund.issue"]',
            message: 'Issue a refund (refund.issue) is recommend-only for the intent "Billing dispute": the agent may suggest it, a person decides and carries it out',
          },
        ],
      });
    });

    it("denies an action the intent makes say-only", () => {
      expect(decide(refund(), {}, overridden)).toMatchObject({
        decision: "deny",
        authority: "say",
        reasons: [{ code: "authority_say_only", rule: 'intents.shipping_error.authority["refund.issue"]', message: expect.stringContaining('is say-only for the intent "Shipping error"') }],
      });
    });

    it("lets an intent raise an action above its own authority, and reports the authority used", () => {
      // Tell order status is say-only on the action; the shipping error intent makes it execute.
      expect(decide({ action: "order.status", intent: "shipping_error", data_sources: ["orders"] }, {}, overridden)).toMatchObject({ decision: "allow", authority: "execute", tier: "low" });
      expect(decide({ action: "order.status", data_sources: ["orders"] }, {}, overridden)).toMatchObject({ decision: "deny", authority: "say" });
    });

    it("keeps the action's own authority without an intent, or for an intent without an override", () => {
      expect(decide(refund({ intent: undefined }), {}, overridden)).toMatchObject({ decision: "allow", authority: "execute" });
      expect(decide(refund({ intent: "return_request" }), {}, overridden)).toMatchObject({ decision: "allow", authority: "execute" });
      expect(decide({ action: "billing.adjust", intent: "billing_dispute" }, {}, overridden).reasons[0]).toMatchObject({ rule: "actions.billing.adjust.authority" });
    });

    it("applies after the intent's own checks and the data scope", () => {
      expect(codes(refund({ intent: "billing_dispute", data_sources: ["profile"] }), {}, overridden)).toEqual(["data_scope"]);
      const human = compileExample((document) => {
        const intent = document.intents!.find((candidate) => candidate.key === "billing_dispute")!;
        intent.authority = { "refund.issue": "execute" };
        intent.handling = "human";
      });
      expect(codes(refund({ intent: "billing_dispute" }), {}, human)).toEqual(["intent_requires_human"]);
    });

    it("decides the rest of the rules for an action an intent raised to execute", () => {
      // From $50.01 to $500 a refund is high tier: held for approval whatever the intent.
      const raised = compileExample((document) => {
        document.actions.find((action) => action.key === "refund.issue")!.authority = "recommend";
        document.intents!.find((intent) => intent.key === "shipping_error")!.authority = { "refund.issue": "execute" };
      });
      expect(decide(refund({}, { amount: "42.50" }), {}, raised)).toMatchObject({ decision: "allow", authority: "execute" });
      expect(decide(refund({ intent: "return_request" }), {}, raised)).toMatchObject({ decision: "escalate", authority: "recommend" });
      expect(decide(refund({ customer: { id: "cus_1", verified: true } }, { amount: "300" }), {}, raised)).toMatchObject({ decision: "hold", authority: "execute", tier: "high" });
    });
  });

  describe("rule 6: currency", () => {
    it("escalates an amount in another currency", () => {
      expect(decide(refund({}, { currency: "EUR" }))).toMatchObject({
        decision: "escalate",
        tier: null,
        reasons: [
          {
            code: "currency_mismatch",
            rule: "currency",
            message: `The request is in "EUR" but the policy's thresholds and limits are in USD; a person must handle it`,
          },
        ],
      });
    });

    it("comes before tiers, limits and approval", () => {
      expect(codes(refund({}, { amount: "10000", currency: "EUR" }), { limitUsage: { "refund.issue#limits[0]": usage(5) } })).toEqual([
        "currency_mismatch",
      ]);
    });

    it("applies only when a currency is given", () => {
      expect(decide(refund({ params: { amount: "42.50" } })).decision).toBe("allow");
    });
  });

  describe("rule 7: tier", () => {
    const tierOf = (amount: unknown, verified = true) =>
      decide(refund({ customer: { id: "cus_1", verified } }, { amount })).tier;

    it("takes the first matching band, comparing amounts exactly", () => {
      expect(tierOf(50)).toBe("low");
      expect(tierOf("50.00")).toBe("low");
      expect(tierOf("50.00000001")).toBe("high");
      expect(tierOf("500.00")).toBe("high");
      expect(tierOf(500.01)).toBe("critical");
    });

    it("falls through to the last band when the amount is missing or invalid", () => {
      expect(tierOf(undefined)).toBe("critical");
      expect(tierOf("fifty")).toBe("critical");
      expect(tierOf("1234567890123456789012345678901234567890")).toBe("critical");
    });

    it("uses customer fields in bands", () => {
      const reroute = (verified?: boolean): DecisionRequest => ({ action: "shipment.reroute", customer: { id: "cus_1", verified } });
      expect(decide(reroute(true))).toMatchObject({ decision: "allow", tier: "low", reasons: [{ rule: "actions.shipment.reroute.risk[0]" }] });
      expect(decide(reroute(false))).toMatchObject({ decision: "allow", tier: "medium", reasons: [{ rule: "actions.shipment.reroute.risk[1]" }] });
    });

    it("falls back to critical when no band matches", () => {
      const noFallback = compileExample((document) => {
        document.actions[3]!.risk = [{ if: { channel: "chat" }, tier: "low" }];
      });
      expect(decide({ action: "return.label", customer: { verified: true }, context: { channel: "email" } }, {}, noFallback)).toMatchObject({
        decision: "hold",
        tier: "critical",
      });
      const critical = compileExample((document) => {
        document.actions[3]!.risk = [{ if: { channel: "chat" }, tier: "low" }];
        document.risk_tiers[3]!.controls = [];
        delete document.risk_tiers[3]!.approval;
      });
      expect(decide({ action: "return.label", context: { channel: "email" } }, {}, critical)).toMatchObject({
        decision: "allow",
        tier: "critical",
        reasons: [{ code: "allowed", rule: "actions.return.label.risk", message: "Create a return label (return.label) is allowed at tier critical (no risk band matched)" }],
      });
    });
  });

  describe("rule 8: limits", () => {
    const perCustomer = "refund.issue#limits[0]";
    const perAgent = "refund.issue#limits[1]";

    it("holds when the count limit would be exceeded, with the default approval on a tier without one", () => {
      expect(decide(refund(), { limitUsage: { [perCustomer]: usage(2) } })).toEqual({
        decision: "hold",
        status: "pending_approval",
        authority: "execute",
        tier: "low",
        owner: "finance-ops",
        reasons: [
          {
            code: "limit_exceeded",
            rule: "actions.refund.issue.limits[0]",
            message: "Issue a refund (refund.issue) would exceed the customer limit: 2 per 30d (2 already in the last 30d); a person must approve it",
          },
        ],
        approval: DEFAULT_LIMIT_APPROVAL,
        policy_version: 7,
        review_sampled: false,
      });
      expect(DEFAULT_LIMIT_APPROVAL).toEqual({ required: 1, roles: ["supervisor"], expires_after_ms: 14_400_000 });
    });

    it("allows up to the count", () => {
      expect(decide(refund(), { limitUsage: { [perCustomer]: usage(1) } }).decision).toBe("allow");
    });

    it("denies when the amount limit would be exceeded, and allows reaching it exactly", () => {
      expect(decide(refund(), { limitUsage: { [perAgent]: usage(9, "1957.51") } })).toMatchObject({
        decision: "deny",
        approval: null,
        reasons: [
          {
            code: "limit_exceeded",
            rule: "actions.refund.issue.limits[1]",
            message:
              "Issue a refund (refund.issue) would exceed the agent limit: 2000 USD per 1h (1957.51 USD already in the last 1h, 42.5 USD requested); it is denied",
          },
        ],
      });
      expect(decide(refund(), { limitUsage: { [perAgent]: usage(9, "1957.50") } }).decision).toBe("allow");
    });

    it("accepts usage amounts from any Decimal", () => {
      expect(decide(refund(), { limitUsage: { [perAgent]: { count: 1, amount: new Decimal("1999.99") } } }).decision).toBe("deny");
    });

    it("names every exceeded limit and denies when any of them denies", () => {
      expect(decide(refund(), { limitUsage: { [perCustomer]: usage(3), [perAgent]: usage(40, 2000) } })).toMatchObject({
        decision: "deny",
        approval: null,
        reasons: [{ rule: "actions.refund.issue.limits[0]" }, { rule: "actions.refund.issue.limits[1]" }],
      });
    });

    it("uses the tier's approval for a limit hold when the tier has one, and comes before step-up", () => {
      expect(decide(refund({}, { amount: "900" }), { limitUsage: { [perCustomer]: usage(2) } })).toMatchObject({
        decision: "hold",
        tier: "critical",
        reasons: [{ code: "limit_exceeded" }],
        approval: { required: 2, roles: ["supervisor", "committee"], expires_after_ms: 86_400_000 },
      });
    });

    it("treats missing usage as none and ignores usage of other limits", () => {
      expect(decide(refund(), { limitUsage: { "order.cancel#limits[0]": usage(100, 100000) } }).decision).toBe("allow");
    });

    it("counts a request without an amount as zero against an amount limit", () => {
      expect(decide(refund({ customer: { id: "c", verified: true } }, { amount: undefined }), { limitUsage: { [perAgent]: usage(1, 2000) } })).toMatchObject({
        decision: "hold",
        reasons: [{ code: "tier_requires_approval" }],
      });
    });

    it("requires customer.id for a customer-scoped limit, only when limits are reached", () => {
      const anonymous = refund({ customer: { verified: true } });
      expect(() => decide(anonymous)).toThrow(EngineInputError);
      try {
        decide(anonymous);
      } catch (error) {
        expect(error).toMatchObject({
          code: "customer_id_required",
          path: "customer.id",
          message: "customer.id is required: Issue a refund (refund.issue) has a per-customer limit (customer limit: 2 per 30d)",
        });
      }
      expect(() => decide({ action: "shipment.reroute", customer: { id: "" } })).toThrow(EngineInputError);
      // Decided before limits, so no customer is needed.
      expect(codes(refund({ customer: undefined, intent: "legal_dispute" }))).toEqual(["intent_requires_human"]);
      expect(codes({ action: "refund.issue" }, { paused: { scope: "all", reason: "x" } })).toEqual(["paused"]);
    });

    it("does not require customer.id for agent or global limits", () => {
      const agentOnly = compileExample((document) => {
        document.actions[2]!.limits = [{ scope: "agent", window: "1h", max_count: 1 }, { scope: "global", window: "1d", max_count: 1 }];
      });
      expect(decide(refund({ customer: undefined }), {}, agentOnly).decision).toBe("allow");
    });
  });

  describe("rule 9: step-up", () => {
    it("asks for verification when the tier has step_up and the customer is not verified", () => {
      for (const customer of [undefined, { verified: false }]) {
        expect(decide({ action: "account.recover", intent: "account_access", customer })).toEqual({
          decision: "step_up",
          status: "needs_step_up",
          authority: "execute",
          tier: "critical",
          owner: "security",
          reasons: [
            {
              code: "step_up_required",
              rule: "risk_tiers.critical",
              message: "Tier critical requires a verified customer: verify the customer, then retry with customer.verified: true",
            },
          ],
          approval: null,
          policy_version: 7,
          review_sampled: false,
        });
      }
    });

    it("moves on to approval once the customer is verified", () => {
      expect(decide({ action: "account.recover", customer: { verified: true } }).decision).toBe("hold");
    });
  });

  describe("rule 10: human approval", () => {
    it("holds for the tier's approvers", () => {
      expect(decide(refund({}, { amount: "120.00" }))).toEqual({
        decision: "hold",
        status: "pending_approval",
        authority: "execute",
        tier: "high",
        owner: "finance-ops",
        reasons: [{ code: "tier_requires_approval", rule: "risk_tiers.high", message: "Tier high requires 1 approval by supervisor" }],
        approval: { required: 1, roles: ["supervisor"], expires_after_ms: 14_400_000 },
        policy_version: 7,
        review_sampled: false,
      });
    });

    it("names several approvers and roles", () => {
      expect(decide({ action: "account.recover", customer: { verified: true } })).toMatchObject({
        reasons: [{ code: "tier_requires_approval", rule: "risk_tiers.critical", message: "Tier critical requires 2 approvals by supervisor or committee" }],
        approval: { required: 2, roles: ["supervisor", "committee"], expires_after_ms: 86_400_000 },
      });
    });
  });

  describe("rule 11: allow and review sampling", () => {
    const adjust: DecisionRequest = { action: "inventory.adjust", intent: "shipping_error", data_sources: ["inventory"] };

    it("samples allowed decisions below the tier's sample rate", () => {
      expect(decide(adjust, { sampleDraw: 0.04 })).toMatchObject({
        decision: "allow",
        tier: "medium",
        review_sampled: true,
        reasons: [
          {
            code: "allowed",
            rule: "actions.inventory.adjust.risk[0]",
            message: "Adjust the inventory log (inventory.adjust) is allowed at tier medium; picked for quality review (tier medium samples 5% of decisions)",
          },
        ],
      });
      expect(decide(adjust, { sampleDraw: 0.05 }).review_sampled).toBe(false);
      expect(decide(adjust, { sampleDraw: 0.5 }).review_sampled).toBe(false);
    });

    it("never samples on a tier without review_sample, nor decisions other than allow", () => {
      expect(decide(refund(), { sampleDraw: 0 }).review_sampled).toBe(false);
      expect(decide(refund({}, { amount: 300 }), { sampleDraw: 0 }).review_sampled).toBe(false);
    });
  });
});

describe("preEvaluate", () => {
  const input = { sampleDraw: 0.5 };

  it("decides outright when no usage is needed", () => {
    expect(preEvaluate(policy, { action: "return.label" }, input)).toEqual({ status: "decided", result: decide({ action: "return.label" }, input) });
    expect(preEvaluate(policy, refund({ intent: "legal_dispute" }), input)).toMatchObject({
      status: "decided",
      result: { decision: "escalate" },
    });
    expect(preEvaluate(policy, refund(), { ...input, paused: { scope: "all", reason: "x" } })).toMatchObject({
      status: "decided",
      result: { decision: "deny" },
    });
  });

  it("asks for the usage of exactly the action's limits", () => {
    expect(preEvaluate(policy, refund(), input)).toEqual({
      status: "needs_usage",
      tier: "low",
      limits: [
        {
          id: "refund.issue#limits[0]",
          action: "refund.issue",
          scope: "customer",
          window: "30d",
          windowMs: 2_592_000_000,
          maxCount: 2,
          maxAmount: null,
          onExceed: "hold",
          label: "customer limit: 2 per 30d",
          customerId: "cus_8841",
        },
        {
          id: "refund.issue#limits[1]",
          action: "refund.issue",
          scope: "agent",
          window: "1h",
          windowMs: 3_600_000,
          maxCount: null,
          maxAmount: new Decimal(2000),
          onExceed: "deny",
          label: "agent limit: 2000 USD per 1h",
          customerId: null,
        },
      ],
    });
  });

  it("reports a missing customer id instead of throwing", () => {
    const result = preEvaluate(policy, refund({ customer: { verified: true } }), input);
    expect(result.status).toBe("invalid");
    expect(result.status === "invalid" && result.error).toBeInstanceOf(EngineInputError);
  });
});

describe("limitsToCheck", () => {
  it("lists the requested action's limits, and none for an unknown action", () => {
    expect(limitsToCheck(policy, refund()).map((limit) => [limit.id, limit.customerId])).toEqual([
      ["refund.issue#limits[0]", "cus_8841"],
      ["refund.issue#limits[1]", null],
    ]);
    expect(limitsToCheck(policy, { action: "nope" })).toEqual([]);
    expect(limitsToCheck(policy, { action: "return.label" })).toEqual([]);
  });
});

describe("findUnknownDataSources", () => {
  it("lists requested sources the policy does not define, with their paths", () => {
    expect(findUnknownDataSources(policy, { action: "x", data_sources: ["orders", "crm", "profile", "ledger"] })).toEqual([
      { path: "data_sources[1]", message: 'Unknown data source "crm"' },
      { path: "data_sources[3]", message: 'Unknown data source "ledger"' },
    ]);
    expect(findUnknownDataSources(policy, { action: "x" })).toEqual([]);
  });
});
