import { AppError } from "@/lib/errors";
import { Decimal, normalizeAmount, toAmount } from "@/lib/engine/money";
import type { Action, Limit, PolicyDocument, RiskBand } from "@/lib/policy/document-schema";
import { isPlainObject } from "@/lib/policy/conditions";

/**
 * The one change a recommendation proposes to one action, precise enough to apply to whatever
 * policy is in force when someone accepts it. `from` is what the rule saw; the change still
 * applies if the policy moved since, as long as it still goes the same way.
 */
export type Proposal =
  | {
      kind: "band_threshold";
      action: string;
      /** Index of the risk band whose amount bound moves. */
      band: number;
      field: "amount" | "params.amount";
      operator: "lt" | "lte";
      from: string;
      to: string;
    }
  | { kind: "authority"; action: string; from: Action["authority"]; to: Action["authority"] }
  | { kind: "limit_count"; action: string; limit: number; from: number; to: number }
  | { kind: "limit_amount"; action: string; limit: number; from: string; to: string }
  | { kind: "limit_on_exceed"; action: string; limit: number; from: Limit["on_exceed"]; to: Limit["on_exceed"] };

/** A stable identity for "the same recommendation": same rule, action, agent and change. */
export function proposalKey(proposal: Proposal): string {
  switch (proposal.kind) {
    case "band_threshold":
      return `risk[${proposal.band}].${proposal.field}.${proposal.operator}:${proposal.from}->${proposal.to}`;
    case "authority":
      return `authority:${proposal.from}->${proposal.to}`;
    case "limit_count":
      return `limits[${proposal.limit}].max_count:${proposal.from}->${proposal.to}`;
    case "limit_amount":
      return `limits[${proposal.limit}].max_amount:${proposal.from}->${proposal.to}`;
    case "limit_on_exceed":
      return `limits[${proposal.limit}].on_exceed:${proposal.from}->${proposal.to}`;
  }
}

/** An action's amount band as the threshold rules read it: `{ amount: { lte: 50 } }` and nothing else. */
export interface AmountBound {
  field: "amount" | "params.amount";
  operator: "lt" | "lte";
  value: Decimal;
}

export function amountBound(band: RiskBand | undefined): AmountBound | null {
  const condition = band?.if;
  if (!condition) return null;
  const keys = Object.keys(condition);
  const field = keys[0];
  if (keys.length !== 1 || (field !== "amount" && field !== "params.amount")) return null;
  const test = condition[field];
  if (!isPlainObject(test)) return null;
  const operators = Object.keys(test);
  const operator = operators[0];
  if (operators.length !== 1 || (operator !== "lt" && operator !== "lte")) return null;
  const value = toAmount((test as Record<string, unknown>)[operator]);
  return value ? { field, operator, value } : null;
}

const AUTHORITY_ORDER: readonly Action["authority"][] = ["say", "recommend", "execute"];

function stale(message: string): never {
  throw new AppError("conflict", `${message} The rules will look again at their next run.`);
}

/**
 * The action as it reads after the proposal, ready for `editDraft` (upsert in the actions
 * section). Throws `conflict` when the policy changed so much that the proposal no longer
 * makes sense (the band or limit is gone, or the change already happened).
 */
/**
 * An amount as the document writes it: a number, the way people write thresholds, when a double
 * holds it digit for digit; otherwise its exact decimal string (never rounded through a float).
 */
function documentAmount(value: Decimal): number | string {
  const asNumber = value.toNumber();
  return new Decimal(asNumber).eq(value) ? asNumber : normalizeAmount(value);
}

export function applyProposal(document: PolicyDocument, proposal: Proposal): Action {
  const action = document.actions.find((a) => a.key === proposal.action);
  if (!action) stale(`The action ${proposal.action} is no longer in the policy.`);
  const next: Action = structuredClone(action);

  switch (proposal.kind) {
    case "band_threshold": {
      const bound = amountBound(action.risk[proposal.band]);
      if (!bound || bound.field !== proposal.field || bound.operator !== proposal.operator) stale(`${action.label}'s risk bands changed since this was recommended.`);
      const to = new Decimal(proposal.to);
      const raising = to.gt(new Decimal(proposal.from));
      if (raising ? !bound.value.lt(to) : !bound.value.gt(to)) stale(`${action.label}'s threshold is already ${bound.value.toFixed()}.`);
      const following = amountBound(action.risk[proposal.band + 1]);
      if (raising && following && !to.lt(following.value)) stale(`${action.label}'s next band now ends at ${following.value.toFixed()}.`);
      next.risk[proposal.band] = { ...action.risk[proposal.band]!, if: { [proposal.field]: { [proposal.operator]: documentAmount(to) } } };
      return next;
    }
    case "authority": {
      const loosens = AUTHORITY_ORDER.indexOf(proposal.to) > AUTHORITY_ORDER.indexOf(proposal.from);
      const current = AUTHORITY_ORDER.indexOf(action.authority);
      const target = AUTHORITY_ORDER.indexOf(proposal.to);
      if (loosens ? current >= target : current <= target) stale(`${action.label}'s authority is already ${action.authority}.`);
      next.authority = proposal.to;
      return next;
    }
    case "limit_count":
    case "limit_amount":
    case "limit_on_exceed": {
      const limit = action.limits[proposal.limit];
      if (!limit || limit.scope !== "customer") stale(`${action.label}'s per-customer limit changed since this was recommended.`);
      const changed: Limit = { ...limit };
      if (proposal.kind === "limit_count") {
        if (limit.max_count === undefined || limit.max_count <= proposal.to) stale(`${action.label}'s per-customer limit is already ${limit.max_count ?? "without a count"}.`);
        changed.max_count = proposal.to;
      } else if (proposal.kind === "limit_amount") {
        const current = toAmount(limit.max_amount);
        if (!current || !current.gt(new Decimal(proposal.to))) stale(`${action.label}'s per-customer amount cap is already ${limit.max_amount ?? "unset"}.`);
        changed.max_amount = documentAmount(new Decimal(proposal.to));
      } else {
        if (limit.on_exceed === proposal.to) stale(`${action.label}'s per-customer limit already ${proposal.to === "deny" ? "denies" : "holds"}.`);
        changed.on_exceed = proposal.to;
      }
      next.limits = action.limits.map((existing, index) => (index === proposal.limit ? changed : existing));
      return next;
    }
  }
}
