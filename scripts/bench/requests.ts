import type { DecisionRequest } from "@/lib/engine";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import type { Random } from "./random";

// Decision requests an agent might send against a policy: every action (including forbidden and
// unknown ones), intents that fit the action, do not fit, are handled by people or are unknown,
// verified and unverified customers, amounts across and exactly on the risk bands, data sources
// in and out of scope, and some currency mismatches.

export interface RequestMixOptions {
  /** Customers are drawn from cus_1 … cus_<customers>. */
  customers: number;
  /** Also send data sources the policy does not define (the API answers those with 422). */
  undefinedDataSources: boolean;
}

const UNKNOWN_ACTIONS = ["gift_card.issue", "account.delete", "subscription.pause"];
const UNKNOWN_INTENT = "warranty_claim";
const UNDEFINED_DATA_SOURCE = "crm_notes";
const CHANNELS = ["chat", "email", "voice"];
const SEGMENTS = ["vip", "standard", "new"];

export function generateRequest(random: Random, document: PolicyDocument, options: RequestMixOptions): DecisionRequest {
  const known = document.actions.map((action) => action.key);
  const forbidden = document.forbidden.map((entry) => entry.action);
  const actionKey = random.weighted<string>([
    [random.pick(known), 80],
    ["refund.issue", known.includes("refund.issue") ? 8 : 0],
    [forbidden.length > 0 ? random.pick(forbidden) : random.pick(UNKNOWN_ACTIONS), 6],
    [random.pick(UNKNOWN_ACTIONS), 6],
  ]);
  const action = document.actions.find((candidate) => candidate.key === actionKey);

  const request: DecisionRequest = { action: actionKey };

  const fitting = document.intents.filter((intent) => intent.actions.length === 0 || intent.actions.includes(actionKey)).map((i) => i.key);
  const intent = random.weighted<string | null>([
    [null, 35],
    [fitting.length > 0 ? random.pick(fitting) : null, 50],
    [random.pick(document.intents.map((i) => i.key)), 12],
    [UNKNOWN_INTENT, 3],
  ]);
  if (intent !== null) request.intent = intent;

  const verified = random.weighted<boolean | null>([
    [true, 45],
    [false, 40],
    [null, 15],
  ]);
  request.customer = { id: `cus_${random.int(1, options.customers)}` };
  if (verified !== null) request.customer.verified = verified;
  if (random.chance(0.3)) request.customer.segment = random.pick(SEGMENTS);

  const params: NonNullable<DecisionRequest["params"]> = { order_id: `ord_${random.int(1000, 99_999)}` };
  const amount = random.weighted<string | null>([
    [random.amount(0.5, 49.99), 30],
    ["50.00", 4],
    [random.amount(50.01, 499.99), 30],
    ["500.00", 4],
    [random.amount(500.01, 5000), 17],
    [null, 15],
  ]);
  if (amount !== null) params.amount = random.chance(0.2) ? Number(amount) : amount;
  const currency = random.weighted<string | null>([
    [document.currency, 75],
    [null, 17],
    ["EUR", 5],
    ["GBP", 3],
  ]);
  if (currency !== null) params.currency = currency;
  request.params = params;

  // Mostly a subset of the action's own sources; sometimes one outside its scope.
  const inScope = action?.data_sources ?? [];
  const sources = inScope.filter(() => random.chance(0.6));
  const outOfScope = document.data_sources.map((source) => source.key).filter((key) => !inScope.includes(key));
  if (outOfScope.length > 0 && random.chance(0.1)) sources.push(random.pick(outOfScope));
  if (options.undefinedDataSources && random.chance(0.02)) sources.push(UNDEFINED_DATA_SOURCE);
  if (sources.length > 0) request.data_sources = sources;

  request.context = {
    conversation_id: `conv_${random.int(1, 1_000_000)}`,
    channel: random.pick(CHANNELS),
    confidence: random.int(50, 100) / 100,
  };
  return request;
}
