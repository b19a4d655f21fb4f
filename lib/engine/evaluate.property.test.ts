import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../policy/document-schema";
import { exampleDocument } from "../policy/fixtures/example-policy";
import { compilePolicy } from "./compile";
import { EngineInputError, evaluate, preEvaluate, type DecisionRequest, type EvaluationInput } from "./evaluate";
import { Decimal } from "./money";

const document = exampleDocument();
const policy = compilePolicy(document as PolicyDocument, 3);

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const actionKeys = [...document.actions.map((action) => action.key), ...(document.forbidden ?? []).map((entry) => entry.action)];
const intentKeys = (document.intents ?? []).map((intent) => intent.key);
const sourceKeys = (document.data_sources ?? []).map((source) => source.key);
const limitIds = [...policy.actions.values()].flatMap((action) => action.limits.map((limit) => limit.id));

const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 8 }))
  .map(([whole, fraction, digits]) => (digits === 0 ? whole.toString() : `${whole}.${String(fraction).padStart(8, "0").slice(0, digits)}`));

const amount = fc.oneof(
  decimalText,
  fc.integer({ min: 0, max: 10_000 }).map((cents) => (cents / 100).toFixed(2)),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  pick(["50", "50.00", "500", "500.00000001", "0"]),
  // The API rejects these; the engine must still decide without throwing.
  fc.string(),
  pick([-1, Number.NaN, "1e3", "1234567890123456789012345678901234567890"]),
);

const request: fc.Arbitrary<DecisionRequest> = fc.record(
  {
    action: fc.oneof(
      { arbitrary: pick(actionKeys), weight: 8 },
      { arbitrary: fc.string(), weight: 1 },
      { arbitrary: pick(["__proto__", "constructor", "toString"]), weight: 1 },
    ),
    intent: fc.oneof({ arbitrary: pick(intentKeys), weight: 4 }, { arbitrary: fc.string(), weight: 1 }),
    customer: fc.record(
      { id: fc.oneof(fc.string({ minLength: 1 }), fc.constant("")), verified: fc.boolean(), segment: pick(["vip", "standard"]) },
      { requiredKeys: [] },
    ),
    params: fc.record(
      { amount, currency: pick(["USD", "EUR", "usd"]), order_id: fc.string(), quantity: fc.integer() },
      { requiredKeys: [] },
    ),
    data_sources: fc.array(fc.oneof({ arbitrary: pick(sourceKeys), weight: 6 }, { arbitrary: fc.string(), weight: 1 }), { maxLength: 3 }),
    context: fc.record({ channel: pick(["chat", "email", "voice"]), confidence: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["action"] },
);

const input: fc.Arbitrary<EvaluationInput> = fc.record({
  paused: fc.oneof(
    { arbitrary: fc.constant(null), weight: 9 },
    { arbitrary: fc.record({ scope: pick(["all", "agent", "action"] as const), reason: fc.string() }), weight: 1 },
  ),
  limitUsage: fc.dictionary(
    fc.oneof(pick(limitIds), fc.string()),
    fc.record({ count: fc.nat(5), amount: decimalText.map((text) => new Decimal(text)) }),
  ),
  sampleDraw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  agentName: fc.option(fc.string(), { nil: undefined }),
});

const STATUS = { allow: "allowed", deny: "denied", hold: "pending_approval", step_up: "needs_step_up", escalate: "escalated" } as const;

function needsCustomerId(candidate: DecisionRequest): boolean {
  const limits = policy.actions.get(candidate.action)?.limits ?? [];
  return limits.some((limit) => limit.scope === "customer") && !candidate.customer?.id;
}

/** Checks one evaluation; returns the decision, or null for the documented input error. */
function checkDecision(candidate: DecisionRequest, given: EvaluationInput): string | null {
  let result;
  try {
    result = evaluate(policy, candidate, given);
  } catch (error) {
    // The one documented input error, and only when it applies.
    expect(error).toBeInstanceOf(EngineInputError);
    expect(needsCustomerId(candidate)).toBe(true);
    return null;
  }
  expect(Object.keys(STATUS)).toContain(result.decision);
  expect(result.status).toBe(STATUS[result.decision]);
  expect(result.reasons.length).toBeGreaterThan(0);
  for (const reason of result.reasons) {
    expect(reason.code).not.toBe("");
    expect(reason.message).not.toBe("");
    expect(reason.rule).not.toBe("");
  }
  expect(result.policy_version).toBe(3);
  expect(result.approval !== null).toBe(result.decision === "hold");
  if (result.review_sampled) expect(result.decision).toBe("allow");
  if (["allow", "hold", "step_up"].includes(result.decision)) expect(policy.tiers.has(result.tier ?? "")).toBe(true);

  expect(evaluate(policy, candidate, given)).toEqual(result);

  const pre = preEvaluate(policy, candidate, given);
  if (pre.status === "decided") expect(pre.result).toEqual(result);
  else expect(pre.status).toBe("needs_usage");
  return result.decision;
}

/** Autonomous intents that list the action and leave it the action's own authority (execute here). */
function intentsAllowing(action: string): string[] {
  return (document.intents ?? [])
    .filter((intent) => intent.handling === "autonomous" && (intent.actions ?? []).includes(action) && intent.authority?.[action] === undefined)
    .map((intent) => intent.key);
}

// Requests that pass rules 0–6, so tiers, limits, step-up, approval and sampling get exercised.
const executable = [...policy.actions.values()].filter((action) => action.authority === "execute");
const inScopeRequest: fc.Arbitrary<DecisionRequest> = pick(executable).chain((action) =>
  fc.record({
    action: fc.constant(action.key),
    intent: pick([undefined, ...intentsAllowing(action.key)]),
    customer: fc.record({ id: fc.string({ minLength: 1 }), verified: fc.boolean() }),
    params: fc.record({ amount, currency: fc.constant("USD") }, { requiredKeys: [] }),
    data_sources: fc.subarray([...action.dataSources]),
  }),
);

const inScopeInput: fc.Arbitrary<EvaluationInput> = fc.record({
  paused: fc.constant(null),
  limitUsage: fc.dictionary(
    pick(limitIds),
    fc.record({ count: fc.nat(3), amount: fc.integer({ min: 0, max: 2500 }).map((value) => new Decimal(value)) }),
  ),
  sampleDraw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe("evaluate against the example policy (property)", () => {
  // 2000 runs take over 5 s on a loaded two-core machine.
  it("always decides, with a reason, deterministically", () => {
    fc.assert(
      fc.property(request, input, (candidate, given) => {
        checkDecision(candidate, given);
      }),
      { numRuns: 2000 },
    );
  }, 60_000);

  it("reaches every outcome for requests within scope", () => {
    const seen = new Set<string | null>();
    fc.assert(
      fc.property(inScopeRequest, inScopeInput, (candidate, given) => {
        seen.add(checkDecision(candidate, given));
      }),
      { numRuns: 1000 },
    );
    expect([...seen].sort()).toEqual(["allow", "deny", "hold", "step_up"]);
  });

  it("only stops short of a decision for a missing customer id", () => {
    fc.assert(
      fc.property(request, input, (candidate, given) => {
        const pre = preEvaluate(policy, candidate, given);
        if (pre.status === "invalid") {
          expect(pre.error.code).toBe("customer_id_required");
          expect(needsCustomerId(candidate)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

const AUTHORITY_ORDER = ["say", "recommend", "execute"] as const;
const authorityOf = pick(AUTHORITY_ORDER);

// An autonomous intent, one of the actions it allows, and an authority the intent sets for it.
const override = pick((document.intents ?? []).filter((intent) => intent.handling === "autonomous")).chain((intent) =>
  fc.record({
    intent: fc.constant(intent.key),
    action: pick(intent.actions?.length ? intent.actions : document.actions.map((action) => action.key)),
    authority: authorityOf,
    own: authorityOf,
    named: fc.boolean(),
  }),
);

describe("authority per intent (property)", () => {
  it("uses the intent's override when the request names that intent, else the action's own, and says which", () => {
    fc.assert(
      fc.property(override, ({ intent, action, authority, own, named }) => {
        const edited = exampleDocument();
        edited.actions.find((candidate) => candidate.key === action)!.authority = own;
        // Another intent's override never applies to this request.
        for (const other of edited.intents ?? []) other.authority = other.key === intent ? { [action]: authority } : {};
        const compiled = compilePolicy(edited as PolicyDocument, 5);
        const result = evaluate(compiled, { action, intent: named ? intent : undefined, customer: { id: "cus_1", verified: true }, params: { amount: "10", currency: "USD" } }, { limitUsage: {}, sampleDraw: 0.5 });
        const expected = named ? authority : own;
        expect(result.authority).toBe(expected);
        const [reason] = result.reasons;
        if (expected === "execute") {
          expect(reason?.code).not.toMatch(/^authority_/);
        } else {
          expect(reason?.code).toBe(expected === "say" ? "authority_say_only" : "authority_recommend_only");
          expect(reason?.rule).toBe(named ? `intents.${intent}.authority[${JSON.stringify(action)}]` : `actions.${action}.authority`);
          expect(reason?.message.includes(`for the intent "`)).toBe(named);
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
