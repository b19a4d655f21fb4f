import { canonicalJson, type CompiledPolicy } from "@/lib/engine";
import { FALLBACK_TIER } from "@/lib/policy/document-schema";

// Which actions a draft can decide differently from the policy in force. The replay evaluates
// both policies only for these; every other request gets the same decision and tier from both
// (the same rules over the same history), so it is counted unchanged after one evaluation.
// Over-reporting only costs time; missing an action would hide a change, so every comparison
// below treats anything it does not know to be cosmetic (labels, owners, reason texts) as rules.

/**
 * The action keys whose decision or tier can differ between the two policies for some request.
 * An action key in neither policy's actions nor forbidden list is denied as unknown by both.
 * `inForce` null (nothing published yet) makes every action of the draft differ.
 */
export function actionsThatMayDiffer(inForce: CompiledPolicy | null, draft: CompiledPolicy): Set<string> {
  const keys = new Set<string>([...draft.actions.keys(), ...draft.forbidden.keys()]);
  if (!inForce) return keys;
  for (const key of inForce.actions.keys()) keys.add(key);
  for (const key of inForce.forbidden.keys()) keys.add(key);

  const differ = new Set<string>();
  const global = inForce.currency !== draft.currency;
  for (const key of keys) if (global || actionMayDiffer(inForce, draft, key)) differ.add(key);
  return spreadOverSharedLimits(differ, [inForce, draft]);
}

function actionMayDiffer(a: CompiledPolicy, b: CompiledPolicy, key: string): boolean {
  const forbiddenA = a.forbidden.has(key);
  if (forbiddenA !== b.forbidden.has(key)) return true;
  // Forbidden in both: denied by both before anything else is read.
  if (forbiddenA) return false;

  const actionA = documentAction(a, key);
  const actionB = documentAction(b, key);
  if (!actionA || !actionB) return actionA !== actionB;
  if (rules(actionA, ["label", "owner"]) !== rules(actionB, ["label", "owner"])) return true;

  // The tiers its bands name, and the fallback tier every unmatched request gets.
  const tiers = new Set<string>([FALLBACK_TIER]);
  for (const band of [...actionA.risk, ...actionB.risk]) tiers.add(band.tier);
  for (const tier of tiers) if (tierRules(a, tier) !== tierRules(b, tier)) return true;

  // Any intent a request may name: whether it exists, how it is handled, whether it covers this action.
  const intents = new Set<string>([...a.intents.keys(), ...b.intents.keys()]);
  for (const intent of intents) if (intentRules(a, intent, key) !== intentRules(b, intent, key)) return true;
  return false;
}

type DocumentAction = CompiledPolicy["document"]["actions"][number];

function documentAction(policy: CompiledPolicy, key: string): DocumentAction | undefined {
  return policy.actions.has(key) ? policy.document.actions.find((action) => action.key === key) : undefined;
}

function rules(item: object, cosmetic: string[]): string {
  return canonicalJson(Object.fromEntries(Object.entries(item).filter(([field]) => !cosmetic.includes(field))));
}

function tierRules(policy: CompiledPolicy, key: string): string {
  const tier = policy.document.risk_tiers.find((t) => t.key === key);
  return tier ? rules(tier, ["label"]) : "absent";
}

// An unknown intent, one handled by people, and one that does not list the action all escalate
// the request before the action's own rules are read: they are one outcome. One that lets the
// request through decides by the authority it sets for this action (its other overrides are
// other actions' business), or by the action's own, compared with the action's rules above.
function intentRules(policy: CompiledPolicy, key: string, action: string): string {
  const intent = policy.document.intents.find((i) => i.key === key);
  const continues = intent !== undefined && intent.handling === "autonomous" && (intent.actions.length === 0 || intent.actions.includes(action));
  if (!continues) return "escalates";
  const authority = intent.authority && Object.hasOwn(intent.authority, action) ? intent.authority[action] : "own";
  return `continues:${rules(intent, ["label", "actions", "handling", "authority"])}:${authority}`;
}

/**
 * A limit counts the decisions of every action that carries it (the replay keys usage windows
 * by limit id): when one of those actions may differ, its usage may too, and with it every
 * other action's decisions under that limit.
 */
function spreadOverSharedLimits(differ: Set<string>, policies: CompiledPolicy[]): Set<string> {
  const byLimit = new Map<string, Set<string>>();
  for (const policy of policies) {
    for (const action of policy.actions.values()) {
      for (const limit of action.limits) {
        let actions = byLimit.get(limit.id);
        if (!actions) byLimit.set(limit.id, (actions = new Set()));
        actions.add(action.key);
      }
    }
  }
  const shared = [...byLimit.values()].filter((actions) => actions.size > 1);
  for (let grew = true; grew; ) {
    grew = false;
    for (const actions of shared) {
      if (![...actions].some((key) => differ.has(key))) continue;
      for (const key of actions) {
        if (!differ.has(key)) {
          differ.add(key);
          grew = true;
        }
      }
    }
  }
  return differ;
}
