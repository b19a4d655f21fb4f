import { performance } from "node:perf_hooks";
import examplePolicy from "@/lib/demo/example-policy.json";
import {
  compilePolicy,
  Decimal,
  evaluate,
  limitsToCheck,
  preEvaluate,
  toAmount,
  type CompiledPolicy,
  type Decision,
  type DecisionRequest,
  type DecisionResult,
  type LimitUsage,
  type StopSwitch,
} from "@/lib/engine";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { CEDAR_VERSION, createCedarAuthorizer, translatePolicy, type CedarCall } from "./cedar";
import { createRandom, type Random } from "./random";
import { generateRequest } from "./requests";
import type { Target } from "./targets";

export interface EngineBenchOptions {
  requests?: number;
  seed?: number;
  /** Timed rounds; each times our engine and Cedar back to back so load from elsewhere hits both alike. */
  rounds?: number;
}

export interface EngineBenchResult {
  requests: number;
  seed: number;
  policy: string;
  mix: Record<Decision, number>;
  ours: { decisionsPerSecond: number; nsPerDecision: number; samples: number[] };
  cedar: { version: string; api: string; policies: number; decisionsPerSecond: number; nsPerDecision: number; samples: number[]; evaluationErrors: number };
  ratio: number;
  agreement: { compared: number; mismatches: number; examples: Mismatch[] };
  targets: Target[];
}

interface Mismatch {
  index: number;
  ours: string;
  reasons: string[];
  cedar: "allow" | "deny";
  request: DecisionRequest;
  usage: Record<string, { count: number; amount: string }>;
  paused: boolean;
}

interface BenchCase {
  request: DecisionRequest;
  usage: Record<string, LimitUsage>;
  paused: StopSwitch | null;
  sampleDraw: number;
}

export const RATIO_TARGET = 10;

export function loadExamplePolicy(): PolicyDocument {
  const validated = validatePolicyDocument(examplePolicy);
  if (!validated.ok) throw new Error(`The example policy is invalid: ${JSON.stringify(validated.errors)}`);
  return validated.document;
}

/** Seeded requests with the limit usage and stop switches a server would have loaded for them. */
export function generateCases(document: PolicyDocument, policy: CompiledPolicy, count: number, seed: number): BenchCase[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const request = generateRequest(random, document, { customers: 5_000, undefinedDataSources: true });
    const requested = toAmount(request.params?.amount) ?? new Decimal(0);
    const usage = Object.fromEntries(limitsToCheck(policy, request).map((limit) => [limit.id, randomUsage(random, limit.maxAmount, requested)]));
    const paused: StopSwitch | null = random.chance(0.02) ? { scope: random.pick(["all", "agent", "action"] as const), reason: "Incident drill" } : null;
    return { request, usage, paused, sampleDraw: random.next() };
  });
}

function randomUsage(random: Random, maxAmount: Decimal | null, requested: Decimal): LimitUsage {
  const count = random.weighted<number>([
    [0, 50],
    [1, 25],
    [2, 15],
    [random.int(3, 9), 10],
  ]);
  // Now and then exactly at, or a cent past, the amount cap: the boundary a translation gets wrong.
  const headroom = maxAmount?.minus(requested);
  if (headroom && headroom.gte(0.01) && random.chance(0.15)) {
    return { count, amount: random.chance(0.5) ? headroom : headroom.plus(0.01) };
  }
  return { count, amount: new Decimal(count === 0 ? "0" : random.amount(0, 2200)) };
}

/** What the decision endpoint does with the engine: preEvaluate, then evaluate with the usage. */
function decide(policy: CompiledPolicy, item: BenchCase): DecisionResult {
  const base = { paused: item.paused, sampleDraw: item.sampleDraw };
  const pre = preEvaluate(policy, item.request, base);
  if (pre.status === "decided") return pre.result;
  if (pre.status === "invalid") throw pre.error;
  return evaluate(policy, item.request, { ...base, limitUsage: item.usage });
}

export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const count = options.requests ?? 10_000;
  const seed = options.seed ?? 20261121;
  const rounds = options.rounds ?? 7;

  const document = loadExamplePolicy();
  const policy = compilePolicy(document, 1);
  const cases = generateCases(document, policy, count, seed);

  const translation = translatePolicy(document);
  const authorizer = createCedarAuthorizer(translation);
  // Cedar gets its requests ready-made, so its timing is the authorizer alone (favours Cedar).
  const calls: CedarCall[] = cases.map((item) => translation.toCedarRequest(item.request, item.usage, item.paused));

  // Agreement on every request, before any timing.
  const mix: Record<Decision, number> = { allow: 0, deny: 0, hold: 0, step_up: 0, escalate: 0 };
  const mismatches: Mismatch[] = [];
  let mismatchCount = 0;
  for (const [index, item] of cases.entries()) {
    const ours = decide(policy, item);
    mix[ours.decision] += 1;
    const cedarAllows = authorizer.isAllowed(calls[index]!);
    if ((ours.decision === "allow") !== cedarAllows) {
      mismatchCount += 1;
      if (mismatches.length < 5) {
        mismatches.push({
          index,
          ours: ours.decision,
          reasons: ours.reasons.map((reason) => reason.code),
          cedar: cedarAllows ? "allow" : "deny",
          request: item.request,
          usage: Object.fromEntries(Object.entries(item.usage).map(([id, used]) => [id, { count: used.count, amount: used.amount.toFixed() }])),
          paused: item.paused !== null,
        });
      }
    }
  }

  const timeOurs = () => {
    let allowed = 0;
    const start = performance.now();
    for (const item of cases) if (decide(policy, item).decision === "allow") allowed += 1;
    return { ms: performance.now() - start, allowed };
  };
  const timeCedar = () => {
    let allowed = 0;
    const start = performance.now();
    for (const call of calls) if (authorizer.isAllowed(call)) allowed += 1;
    return { ms: performance.now() - start, allowed };
  };

  // Warm-up: let V8 optimise both paths before measuring.
  for (let i = 0; i < 5; i += 1) timeOurs();
  timeCedar();

  const oursRates: number[] = [];
  const cedarRates: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Our pass takes a few milliseconds; three per round keep timer and GC noise down.
    for (let pass = 0; pass < 3; pass += 1) oursRates.push(count / (timeOurs().ms / 1000));
    cedarRates.push(count / (timeCedar().ms / 1000));
    await new Promise((resolve) => setImmediate(resolve));
  }

  const oursRate = median(oursRates);
  const cedarRate = median(cedarRates);
  const ratio = oursRate / cedarRate;
  const cedarErrors = authorizer.errors();
  if (cedarErrors.count > 0) console.error(`cedar: ${cedarErrors.count} evaluations with errors, last: ${cedarErrors.last}`);

  return {
    requests: count,
    seed,
    policy: document.name,
    mix,
    ours: { decisionsPerSecond: Math.round(oursRate), nsPerDecision: Math.round(1e9 / oursRate), samples: oursRates.map(Math.round) },
    cedar: {
      version: CEDAR_VERSION,
      api: "preparsePolicySet + statefulIsAuthorized",
      policies: Object.keys(translation.policies).length,
      decisionsPerSecond: Math.round(cedarRate),
      nsPerDecision: Math.round(1e9 / cedarRate),
      samples: cedarRates.map(Math.round),
      evaluationErrors: cedarErrors.count,
    },
    ratio: round2(ratio),
    agreement: { compared: count, mismatches: mismatchCount, examples: mismatches },
    targets: [
      { name: "engine ≥ 10× cedar-wasm", target: `≥ ${RATIO_TARGET}×`, value: `${round2(ratio)}×`, pass: ratio >= RATIO_TARGET },
      { name: "engine and Cedar agree on allow", target: "0 mismatches", value: `${mismatchCount} mismatches`, pass: mismatchCount === 0 && cedarErrors.count === 0 },
    ],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
