import { ROLE_LABELS } from "@/lib/auth/permissions";
import { canonicalJson } from "../engine/canonical";
import { normalizeAmount, toAmount, type Decimal } from "../engine/money";
import { isPlainObject } from "./conditions";
import { describeCondition, describeControls, describeParams, describeToolName } from "./describe";
import {
  AUTHORITIES,
  FALLBACK_TIER,
  LIMIT_SCOPES,
  type Action,
  type Condition,
  type DataSource,
  type Forbidden,
  type Intent,
  type Limit,
  type Owner,
  type PolicyDocument,
  type RiskBand,
  type RiskTier,
  toolMappingKey,
  type ToolMapping,
} from "./document-schema";
import { parseDuration } from "./duration";
import { POLICY_SECTIONS, sectionsChanged, type SectionKey } from "./sections";

export type ChangeKind = "added" | "removed" | "changed";

/** Whether a change gives agents more autonomy or weakens a control (`loosens`), the reverse, or neither. */
export type ChangeSeverity = "loosens" | "tightens" | "neutral";

/**
 * The part of an item a change is about, so rules (review requirements, the UI) can act on
 * the change without parsing its sentence. `item` is a whole item added or removed; `layout`
 * is an edit that changes no rule (items reordered, "50" written as "50.00").
 */
export type ChangeField =
  | "item"
  | "layout"
  | "label"
  | "authority"
  | "owner"
  | "data_sources"
  | "risk"
  | "limits"
  | "order"
  | "controls"
  | "approval"
  | "sample_rate"
  | "name"
  | "contact"
  | "remediation"
  | "pii"
  | "handling"
  | "actions"
  | "reason"
  | "currency"
  | "action"
  | "customer_id"
  | "params";

export interface Change {
  kind: ChangeKind;
  /** Who or what the sentence is about, as people call it: "Issue a refund", "Critical". */
  subject: string;
  /** The whole sentence, e.g. "Issue a refund: low tier raised from $50 to $100". */
  text: string;
  severity: ChangeSeverity;
  /** The changed item's key (action, tier, owner, data source or intent key, forbidden action, "server/tool"), or the section key. */
  key: string;
  field: ChangeField;
}

export interface SectionDiff {
  section: SectionKey;
  label: string;
  changes: Change[];
}

/** Only sections with at least one change are listed, in POLICY_SECTIONS order. */
export interface PolicyDiff {
  sections: SectionDiff[];
  empty: boolean;
}

/**
 * What a draft changes against the published version, section by section, in sentences a
 * non-engineer reads. `before` is null for the first version: every item reads as added.
 * Items are matched by key; risk bands and limits, which have none, by position after
 * setting aside the ones left untouched.
 */
export function diffPolicy(before: PolicyDocument | null, after: PolicyDocument): PolicyDiff {
  const context: DiffContext = { before: before ?? emptyLike(after), after };
  const touched = before ? new Set(sectionsChanged(before, after)) : null;
  const sections: SectionDiff[] = [];
  for (const { key, label } of POLICY_SECTIONS) {
    const changes = SECTION_DIFFS[key](context, before === null);
    // A textual edit that changes no rule still shows, so the diff is empty exactly when the document is unchanged.
    if (changes.length === 0 && touched?.has(key)) {
      changes.push({ kind: "changed", subject: label, text: `${label}: reordered or reformatted; no rule changed`, severity: "neutral", key, field: "layout" });
    }
    if (changes.length > 0) sections.push({ section: key, label, changes });
  }
  return { sections, empty: sections.length === 0 };
}

interface DiffContext {
  before: PolicyDocument;
  after: PolicyDocument;
}

type SectionDiffer = (context: DiffContext, firstVersion: boolean) => Change[];

const SECTION_DIFFS: Record<SectionKey, SectionDiffer> = {
  actions: diffActions,
  risk_tiers: diffRiskTiers,
  owners: diffOwners,
  data_sources: diffDataSources,
  intents: diffIntents,
  forbidden: diffForbidden,
  tools: diffTools,
  settings: diffSettings,
};

function emptyLike(document: PolicyDocument): PolicyDocument {
  return { ...document, risk_tiers: [], owners: [], data_sources: [], actions: [], forbidden: [], intents: [], tools: [] };
}

// ---------------------------------------------------------------------------------------------
// Words shared by the sections

const CURRENCY_SYMBOLS: Record<string, string> = { USD: "$", EUR: "€", GBP: "£" };

/** "$1,250.50" for USD, EUR and GBP; "CHF 50" for other currencies. */
export function formatAmount(value: unknown, currency: string): string {
  const amount = toAmount(value);
  const digits = amount ? groupThousands(normalizeAmount(amount)) : String(value);
  const symbol = CURRENCY_SYMBOLS[currency];
  return symbol ? `${symbol}${digits}` : `${currency} ${digits}`;
}

function groupThousands(digits: string): string {
  const [whole = "", fraction] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  // "$1,250.50", not "$1,250.5": a lone tenth reads as a typo in a money amount.
  return fraction === undefined ? grouped : `${grouped}.${fraction.padEnd(2, "0")}`;
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function listWords(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1) ?? ""}`;
}

function quoted(text: string): string {
  return `"${text}"`;
}

/** Orders by strictness: a positive comparison means `to` is stricter than `from`. */
function direction(delta: number, stricterWhenPositive: boolean): ChangeSeverity {
  if (delta === 0) return "neutral";
  return delta > 0 === stricterWhenPositive ? "tightens" : "loosens";
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Items of two lists matched by key: pairs in `after` order, then what only one side has. */
function matchByKey<T>(before: readonly T[], after: readonly T[], keyOf: (item: T) => string) {
  const previous = new Map(before.map((item) => [keyOf(item), item]));
  const current = new Set(after.map(keyOf));
  const pairs: { key: string; before: T | undefined; after: T }[] = after.map((item) => ({ key: keyOf(item), before: previous.get(keyOf(item)), after: item }));
  const removed = before.filter((item) => !current.has(keyOf(item)));
  return { pairs, removed };
}

function actionLabel(context: DiffContext, key: string): string {
  return (context.after.actions.find((action) => action.key === key) ?? context.before.actions.find((action) => action.key === key))?.label ?? key;
}

function dataSourceLabel(context: DiffContext, key: string): string {
  const find = (document: PolicyDocument) => document.data_sources.find((source) => source.key === key);
  return (find(context.after) ?? find(context.before))?.label ?? key;
}

function ownerName(document: PolicyDocument, key: string): string {
  return document.owners.find((owner) => owner.key === key)?.name ?? key;
}

// ---------------------------------------------------------------------------------------------
// Tiers and risk bands

/**
 * Compares two tiers by position in risk_tiers (low → critical), preferring the new order;
 * positive when `to` is higher. Null when either tier is unknown to both versions.
 */
function compareTiers(context: DiffContext, from: string, to: string): number | null {
  for (const document of [context.after, context.before]) {
    const keys = document.risk_tiers.map((tier) => tier.key);
    const a = keys.indexOf(from);
    const b = keys.indexOf(to);
    if (a >= 0 && b >= 0) return b - a;
  }
  return null;
}

/**
 * Severity of requests moving from one tier to any of several (the engine picks one we
 * cannot tell without the request): stricter or looser only when every destination agrees.
 */
function moveSeverity(context: DiffContext, from: readonly string[], to: readonly string[]): ChangeSeverity {
  const verdicts = new Set<ChangeSeverity>();
  for (const a of from) {
    for (const b of to) {
      const delta = compareTiers(context, a, b);
      verdicts.add(delta === null ? "neutral" : direction(delta, true));
    }
  }
  const [only] = verdicts;
  return verdicts.size === 1 && only ? only : "neutral";
}

/** The tiers a request may land in when it skips to the bands from `start` on: up to the unconditional band, else the fallback. */
function laterTiers(bands: readonly RiskBand[], start: number): string[] {
  const tiers: string[] = [];
  for (const band of bands.slice(start)) {
    tiers.push(band.tier);
    if (!band.if) return tiers;
  }
  return [...tiers, FALLBACK_TIER];
}

const AMOUNT_FIELDS = ["amount", "params.amount"];
const THRESHOLD_OPERATORS = ["lt", "lte", "gt", "gte"] as const;
type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** A copy of the condition with every amount operand replaced by `map(operand)`, nested conditions included. */
function mapAmounts(condition: Condition, map: (operand: unknown) => unknown): Condition {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(condition)) {
    if ((key === "all" || key === "any") && Array.isArray(value)) out[key] = value.map((item) => mapAmounts(item as Condition, map));
    else if (key === "not" && isPlainObject(value)) out[key] = mapAmounts(value as Condition, map);
    else if (AMOUNT_FIELDS.includes(key)) {
      out[key] = isPlainObject(value)
        ? Object.fromEntries(Object.entries(value).map(([op, operand]) => [op, Array.isArray(operand) ? operand.map(map) : map(operand)]))
        : map(value);
    } else out[key] = value;
  }
  return out as Condition;
}

/** Amounts compare as decimals, so 50, "50" and "50.00" are the same band. */
function normalizedCondition(condition: Condition | undefined): Condition | null {
  if (!condition) return null;
  return mapAmounts(condition, (operand) => {
    const amount = toAmount(operand);
    return amount ? normalizeAmount(amount) : operand;
  });
}

function bandIdentity(band: RiskBand): string {
  return canonicalJson({ if: normalizedCondition(band.if), tier: band.tier });
}

/** "amounts ≤ $500", "requests where channel is chat", "all other requests" ("every request" for a lone fallback band). */
function bandScope(condition: Condition | undefined, currency: string, first = false): string {
  if (!condition) return first ? "every request" : "all other requests";
  const words = describeCondition(mapAmounts(condition, (operand) => formatAmount(operand, currency)));
  return words.startsWith("amount ") ? `amounts ${words.slice("amount ".length)}` : `requests where ${words}`;
}

function describeBands(bands: readonly RiskBand[], currency: string): string {
  const parts = bands.map((band, index) => `${bandScope(band.if, currency, index === 0)} → ${band.tier}`);
  const last = bands.at(-1);
  if (!last || last.if) parts.push(`${bands.length ? "all other requests" : "every request"} → ${FALLBACK_TIER}`);
  return parts.join(", ");
}

interface ThresholdChange {
  operator: ThresholdOperator;
  from: Decimal;
  to: Decimal;
  /** The rest of the condition, when the band tests more than the amount. */
  rest: Condition | null;
}

/**
 * Recognises the common edit to a band: the same condition but one amount bound moved
 * (`amount ≤ 50` → `amount ≤ 100`). Only top-level amount tests count.
 */
function thresholdChange(before: Condition | undefined, after: Condition | undefined): ThresholdChange | null {
  if (!before || !after) return null;
  const keys = Object.keys(after);
  if (!sameJson(Object.keys(before).sort(), [...keys].sort())) return null;
  let found: ThresholdChange | null = null;
  for (const key of keys) {
    const a: unknown = before[key];
    const b: unknown = after[key];
    if (sameJson(normalizedCondition({ [key]: a } as Condition), normalizedCondition({ [key]: b } as Condition))) continue;
    if (found || !AMOUNT_FIELDS.includes(key) || !isPlainObject(a) || !isPlainObject(b)) return null;
    if (!sameJson(Object.keys(a).sort(), Object.keys(b).sort())) return null;
    for (const operator of Object.keys(b)) {
      const from = toAmount(a[operator]);
      const to = toAmount(b[operator]);
      if (from && to && from.equals(to)) continue;
      if (found || !from || !to || !(THRESHOLD_OPERATORS as readonly string[]).includes(operator)) return null;
      const rest = Object.fromEntries(Object.entries(after).filter(([other]) => other !== key)) as Condition;
      found = { operator: operator as ThresholdOperator, from, to, rest: Object.keys(rest).length ? rest : null };
    }
  }
  return found;
}

/** Longest common subsequence of identities: the pairs of indexes left untouched, in order. */
function unchangedPairs(before: readonly string[], after: readonly string[]): [number, number][] {
  const lengths = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      const row = lengths[i]!;
      row[j] = before[i] === after[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, row[j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) pairs.push([i++, j++]);
    else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

type Alignment<T> =
  | { kind: "changed"; before: T; beforeIndex: number; after: T; afterIndex: number }
  | { kind: "removed"; before: T; beforeIndex: number }
  | { kind: "added"; after: T; afterIndex: number };

/**
 * Aligns two keyless lists: untouched items anchor, and between anchors the remaining items
 * pair up (by `affinity` first, then by position) as edits; the rest were added or removed.
 */
function alignLists<T>(before: readonly T[], after: readonly T[], identity: (item: T) => string, affinity?: (a: T, b: T) => boolean): Alignment<T>[] {
  const anchors = [...unchangedPairs(before.map(identity), after.map(identity)), [before.length, after.length] as [number, number]];
  const out: Alignment<T>[] = [];
  let i = 0;
  let j = 0;
  for (const [anchorBefore, anchorAfter] of anchors) {
    const left = range(i, anchorBefore);
    const right = range(j, anchorAfter);
    const paired: [number, number][] = [];
    if (affinity) {
      for (const b of [...left]) {
        const match = right.find((a) => affinity(before[b]!, after[a]!));
        if (match === undefined) continue;
        paired.push([b, match]);
        left.splice(left.indexOf(b), 1);
        right.splice(right.indexOf(match), 1);
      }
    }
    while (left.length && right.length) paired.push([left.shift()!, right.shift()!]);
    for (const [b, a] of paired) out.push({ kind: "changed", before: before[b]!, beforeIndex: b, after: after[a]!, afterIndex: a });
    for (const b of left) out.push({ kind: "removed", before: before[b]!, beforeIndex: b });
    for (const a of right) out.push({ kind: "added", after: after[a]!, afterIndex: a });
    i = anchorBefore + 1;
    j = anchorAfter + 1;
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}

function diffBands(context: DiffContext, action: Action, before: readonly RiskBand[], after: readonly RiskBand[]): Change[] {
  const label = action.label;
  const oldCurrency = context.before.currency;
  const newCurrency = context.after.currency;
  const change = (text: string, severity: ChangeSeverity, kind: ChangeKind = "changed"): Change => ({
    kind,
    subject: label,
    text: `${label}: ${text}`,
    severity,
    key: action.key,
    field: "risk",
  });

  const oldIds = before.map(bandIdentity);
  const newIds = after.map(bandIdentity);
  if (sameJson(oldIds, newIds)) return [];
  // The same bands in another order: first-match-wins makes this a real change whose effect depends on the request.
  if (sameJson([...oldIds].sort(), [...newIds].sort())) {
    return [change(`risk bands reordered, now ${describeBands(after, newCurrency)}`, "neutral")];
  }

  const changes: Change[] = [];
  for (const step of alignLists(before, after, bandIdentity)) {
    if (step.kind === "added") {
      const severity = moveSeverity(context, laterTiers(after, step.afterIndex + 1), [step.after.tier]);
      changes.push(change(`new band puts ${bandScope(step.after.if, newCurrency, step.afterIndex === 0)} in ${step.after.tier} tier`, severity, "added"));
      continue;
    }
    if (step.kind === "removed") {
      const severity = moveSeverity(context, [step.before.tier], laterTiers(before, step.beforeIndex + 1));
      changes.push(change(`removed the band that put ${bandScope(step.before.if, oldCurrency, step.beforeIndex === 0)} in ${step.before.tier} tier`, severity, "removed"));
      continue;
    }
    const { before: old, after: current } = step;
    const sameCondition = sameJson(normalizedCondition(old.if), normalizedCondition(current.if));
    const oldScope = bandScope(old.if, oldCurrency, step.beforeIndex === 0);
    const newScope = bandScope(current.if, newCurrency, step.afterIndex === 0);
    if (old.tier === current.tier) {
      const threshold = thresholdChange(old.if, current.if);
      if (threshold) {
        const raised = threshold.to.greaterThan(threshold.from);
        // Raising an upper bound (or lowering a lower bound) widens the band: requests join it from the bands below.
        const widens = raised === (threshold.operator === "lt" || threshold.operator === "lte");
        const others = laterTiers(after, step.afterIndex + 1);
        const severity = widens ? moveSeverity(context, others, [current.tier]) : moveSeverity(context, [current.tier], others);
        const when = threshold.rest ? ` when ${describeCondition(threshold.rest)}` : "";
        changes.push(
          change(
            `${current.tier} tier ${raised ? "raised" : "lowered"} from ${formatAmount(threshold.from, oldCurrency)} to ${formatAmount(threshold.to, newCurrency)}${when}`,
            severity,
          ),
        );
      } else {
        changes.push(change(`${current.tier} tier now covers ${newScope} instead of ${oldScope}`, "neutral"));
      }
    } else if (sameCondition) {
      const severity = moveSeverity(context, [old.tier], [current.tier]);
      changes.push(change(`${newScope} moved from ${old.tier} to ${current.tier} tier`, severity));
    } else {
      changes.push(change(`${oldScope} in ${old.tier} tier replaced by ${newScope} in ${current.tier} tier`, "neutral"));
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Limits

const SCOPE_WORDS: Record<Limit["scope"], string> = { customer: "per customer", agent: "per agent", global: "in total" };

/** Like describeLimit, with the currency's symbol: "2 times per customer per 30d, then hold". */
function describeLimitWords(limit: Limit, currency: string): string {
  const caps: string[] = [];
  if (limit.max_count !== undefined) caps.push(`${limit.max_count} ${limit.max_count === 1 ? "time" : "times"}`);
  if (limit.max_amount !== undefined) caps.push(formatAmount(limit.max_amount, currency));
  return `${caps.join(" and ")} ${SCOPE_WORDS[limit.scope]} per ${limit.window}, then ${limit.on_exceed}`;
}

function limitIdentity(limit: Limit): string {
  const amount = limit.max_amount === undefined ? null : toAmount(limit.max_amount);
  return canonicalJson({ ...limit, max_amount: amount ? normalizeAmount(amount) : (limit.max_amount ?? null) });
}

function diffLimits(context: DiffContext, action: Action, before: readonly Limit[], after: readonly Limit[]): Change[] {
  const label = action.label;
  const oldCurrency = context.before.currency;
  const newCurrency = context.after.currency;
  const change = (text: string, severity: ChangeSeverity, kind: ChangeKind = "changed"): Change => ({
    kind,
    subject: label,
    text: `${label}: ${text}`,
    severity,
    key: action.key,
    field: "limits",
  });
  const changes: Change[] = [];
  const sameScope = (a: Limit, b: Limit) => a.scope === b.scope;
  for (const step of alignLists(before, after, limitIdentity, sameScope)) {
    if (step.kind === "added") {
      changes.push(change(`new limit of ${describeLimitWords(step.after, newCurrency)}`, "tightens", "added"));
      continue;
    }
    if (step.kind === "removed") {
      changes.push(change(`limit of ${describeLimitWords(step.before, oldCurrency)} removed`, "loosens", "removed"));
      continue;
    }
    const { before: old, after: current } = step;
    const lead = `${current.scope} limit`;
    if (old.scope !== current.scope) {
      // A wider pool fills sooner: global counts every agent's decisions, customer only one customer's.
      const delta = LIMIT_SCOPES.indexOf(current.scope) - LIMIT_SCOPES.indexOf(old.scope);
      changes.push(change(`limit now counted ${SCOPE_WORDS[current.scope]} instead of ${SCOPE_WORDS[old.scope]}`, direction(delta, true)));
    }
    if (old.window !== current.window) {
      const delta = (parseDuration(current.window) ?? 0) - (parseDuration(old.window) ?? 0);
      changes.push(change(`${lead} window changed from ${old.window} to ${current.window}`, direction(delta, true)));
    }
    if (old.max_count !== current.max_count) {
      if (old.max_count === undefined) {
        changes.push(change(`${lead} now also caps at ${current.max_count} times per ${current.window}`, "tightens"));
      } else if (current.max_count === undefined) {
        changes.push(change(`${lead} no longer caps how many times per ${current.window}`, "loosens"));
      } else {
        const raised = current.max_count > old.max_count;
        changes.push(change(`${lead} ${raised ? "raised" : "lowered"} from ${old.max_count} to ${current.max_count} per ${current.window}`, raised ? "loosens" : "tightens"));
      }
    }
    const oldAmount = old.max_amount === undefined ? null : toAmount(old.max_amount);
    const newAmount = current.max_amount === undefined ? null : toAmount(current.max_amount);
    if (!oldAmount && newAmount) {
      changes.push(change(`${lead} now also caps the total at ${formatAmount(newAmount, newCurrency)} per ${current.window}`, "tightens"));
    } else if (oldAmount && !newAmount) {
      changes.push(change(`${lead} no longer caps the total amount per ${current.window}`, "loosens"));
    } else if (oldAmount && newAmount && !oldAmount.equals(newAmount)) {
      const raised = newAmount.greaterThan(oldAmount);
      changes.push(
        change(
          `${lead} ${raised ? "raised" : "lowered"} from ${formatAmount(oldAmount, oldCurrency)} to ${formatAmount(newAmount, newCurrency)} per ${current.window}`,
          raised ? "loosens" : "tightens",
        ),
      );
    }
    if (old.on_exceed !== current.on_exceed) {
      changes.push(
        current.on_exceed === "deny"
          ? change(`${lead} now denies instead of holding`, "tightens")
          : change(`${lead} now holds instead of denying`, "loosens"),
      );
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Sections

function diffActions(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey(context.before.actions, context.after.actions, (action) => action.key);
  const changes: Change[] = [];
  for (const { key, before, after } of pairs) {
    const label = after.label;
    const change = (field: ChangeField, text: string, severity: ChangeSeverity): Change => ({ kind: "changed", subject: label, text, severity, key, field });
    if (!before) {
      changes.push({ kind: "added", subject: label, text: describeNewAction(context, after), severity: "loosens", key, field: "item" });
      continue;
    }
    if (before.label !== after.label) changes.push(change("label", `${before.label} is now called ${after.label}`, "neutral"));
    if (before.authority !== after.authority) {
      const delta = AUTHORITIES.indexOf(after.authority) - AUTHORITIES.indexOf(before.authority);
      const verb = delta > 0 ? "raised" : "lowered";
      changes.push(change("authority", `${label}: authority ${verb} from ${before.authority} to ${after.authority}`, direction(delta, false)));
    }
    if (before.owner !== after.owner) {
      changes.push(change("owner", `${label}: owner changed from ${ownerName(context.before, before.owner)} to ${ownerName(context.after, after.owner)}`, "neutral"));
    }
    for (const source of after.data_sources.filter((source) => !before.data_sources.includes(source))) {
      changes.push(change("data_sources", `${label}: may now read ${dataSourceLabel(context, source)}`, "loosens"));
    }
    for (const source of before.data_sources.filter((source) => !after.data_sources.includes(source))) {
      changes.push(change("data_sources", `${label}: may no longer read ${dataSourceLabel(context, source)}`, "tightens"));
    }
    changes.push(...diffBands(context, after, before.risk, after.risk));
    changes.push(...diffLimits(context, after, before.limits, after.limits));
  }
  for (const action of removed) {
    changes.push({
      kind: "removed",
      subject: action.label,
      text: `${action.label} (${action.key}) removed: agents can no longer take it`,
      severity: "tightens",
      key: action.key,
      field: "item",
    });
  }
  return changes;
}

function describeNewAction(context: DiffContext, action: Action): string {
  const currency = context.after.currency;
  const parts = [`authority ${action.authority}`, `owned by ${ownerName(context.after, action.owner)}`];
  parts.push(action.data_sources.length ? `reads ${listWords(action.data_sources.map((source) => dataSourceLabel(context, source)))}` : "reads no data source");
  parts.push(`risk: ${describeBands(action.risk, currency)}`);
  if (action.limits.length) parts.push(`limits: ${action.limits.map((limit) => describeLimitWords(limit, currency)).join("; ")}`);
  return `${action.label} (${action.key}) added: ${parts.join("; ")}`;
}

const CONTROL_WORDS = {
  step_up: { on: "now requires step-up verification", off: "no longer requires step-up verification" },
  human_approval: { on: "now requires human approval", off: "no longer requires human approval" },
  review_sample: { on: "now samples allowed decisions for review", off: "no longer samples decisions for review" },
} as const;

function diffRiskTiers(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey(context.before.risk_tiers, context.after.risk_tiers, (tier) => tier.key);
  const changes: Change[] = [];
  const kept = (tiers: readonly RiskTier[], others: readonly RiskTier[]) =>
    tiers.filter((tier) => others.some((other) => other.key === tier.key)).map((tier) => tier.key);
  if (!sameJson(kept(context.before.risk_tiers, context.after.risk_tiers), kept(context.after.risk_tiers, context.before.risk_tiers))) {
    changes.push({
      kind: "changed",
      subject: "Risk tiers",
      text: `Tiers reordered, lowest to highest: ${context.after.risk_tiers.map((tier) => tier.label).join(", ")}`,
      severity: "neutral",
      key: "risk_tiers",
      field: "order",
    });
  }
  for (const { key, before, after } of pairs) {
    const label = after.label;
    const change = (field: ChangeField, text: string, severity: ChangeSeverity): Change => ({ kind: "changed", subject: label, text, severity, key, field });
    if (!before) {
      changes.push({ kind: "added", subject: label, text: `New tier ${label} (${key}): ${describeControls(after)}`, severity: "neutral", key, field: "item" });
      continue;
    }
    if (before.label !== after.label) changes.push(change("label", `Tier ${key} renamed from ${before.label} to ${after.label}`, "neutral"));
    for (const control of after.controls.filter((control) => !before.controls.includes(control))) {
      const detail = control === "human_approval" || control === "review_sample" ? ` (${describeControls({ ...after, controls: [control] })})` : "";
      changes.push(change("controls", `${label} ${CONTROL_WORDS[control].on}${detail}`, "tightens"));
    }
    for (const control of before.controls.filter((control) => !after.controls.includes(control))) {
      changes.push(change("controls", `${label} ${CONTROL_WORDS[control].off}`, "loosens"));
    }
    if (before.approval && after.approval) {
      const old = before.approval;
      const current = after.approval;
      if (old.approvers !== current.approvers) {
        const raised = current.approvers > old.approvers;
        changes.push(change("approval", `${label}: approvals required ${raised ? "raised" : "lowered"} from ${old.approvers} to ${current.approvers}`, raised ? "tightens" : "loosens"));
      }
      // More roles that may approve make an approval easier to get.
      for (const role of current.roles.filter((role) => !old.roles.includes(role))) {
        changes.push(change("approval", `${label}: ${ROLE_LABELS[role]} may now approve`, "loosens"));
      }
      for (const role of old.roles.filter((role) => !current.roles.includes(role))) {
        changes.push(change("approval", `${label}: ${ROLE_LABELS[role]} may no longer approve`, "tightens"));
      }
      if (old.expires_after !== current.expires_after) {
        changes.push(change("approval", `${label}: approval requests now expire after ${current.expires_after} instead of ${old.expires_after}`, "neutral"));
      }
    }
    if (before.sample_rate !== undefined && after.sample_rate !== undefined && before.sample_rate !== after.sample_rate) {
      const raised = after.sample_rate > before.sample_rate;
      changes.push(
        change("sample_rate", `${label}: review sample ${raised ? "raised" : "lowered"} from ${percent(before.sample_rate)} to ${percent(after.sample_rate)}`, raised ? "tightens" : "loosens"),
      );
    }
  }
  for (const tier of removed) {
    changes.push({ kind: "removed", subject: tier.label, text: `Tier ${tier.label} (${tier.key}) removed`, severity: "neutral", key: tier.key, field: "item" });
  }
  return changes;
}

function diffOwners(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey<Owner>(context.before.owners, context.after.owners, (owner) => owner.key);
  const changes: Change[] = [];
  for (const { key, before, after } of pairs) {
    const name = after.name;
    const change = (field: ChangeField, text: string): Change => ({ kind: "changed", subject: name, text, severity: "neutral", key, field });
    if (!before) {
      changes.push({ kind: "added", subject: name, text: `New owner ${name} (${key}), contact ${after.contact}`, severity: "neutral", key, field: "item" });
      continue;
    }
    if (before.name !== after.name) changes.push(change("name", `Owner ${key} renamed from ${before.name} to ${name}`));
    if (before.contact !== after.contact) changes.push(change("contact", `${name}: contact changed from ${before.contact} to ${after.contact}`));
    if (before.remediation !== after.remediation) changes.push(change("remediation", `${name}: remediation now reads ${quoted(after.remediation)}`));
  }
  for (const owner of removed) {
    changes.push({ kind: "removed", subject: owner.name, text: `Owner ${owner.name} (${owner.key}) removed`, severity: "neutral", key: owner.key, field: "item" });
  }
  return changes;
}

function diffDataSources(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey<DataSource>(context.before.data_sources, context.after.data_sources, (source) => source.key);
  const changes: Change[] = [];
  for (const { key, before, after } of pairs) {
    const label = after.label;
    if (!before) {
      const pii = after.pii ? ", marked as personal data" : "";
      changes.push({ kind: "added", subject: label, text: `New data source ${label} (${key})${pii}`, severity: "neutral", key, field: "item" });
      continue;
    }
    if (before.label !== after.label) {
      changes.push({ kind: "changed", subject: label, text: `Data source ${key} renamed from ${before.label} to ${label}`, severity: "neutral", key, field: "label" });
    }
    if (before.pii !== after.pii) {
      changes.push({
        kind: "changed",
        subject: label,
        text: after.pii ? `${label} is now marked as personal data` : `${label} is no longer marked as personal data`,
        severity: after.pii ? "tightens" : "loosens",
        key,
        field: "pii",
      });
    }
  }
  for (const source of removed) {
    changes.push({ kind: "removed", subject: source.label, text: `Data source ${source.label} (${source.key}) removed`, severity: "neutral", key: source.key, field: "item" });
  }
  return changes;
}

function diffIntents(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey<Intent>(context.before.intents, context.after.intents, (intent) => intent.key);
  const changes: Change[] = [];
  const labels = (keys: readonly string[]) => listWords(keys.map((key) => actionLabel(context, key)));
  for (const { key, before, after } of pairs) {
    const label = after.label;
    const change = (field: ChangeField, text: string, severity: ChangeSeverity): Change => ({ kind: "changed", subject: label, text, severity, key, field });
    if (!before) {
      const handling = after.handling === "autonomous" ? "agents may handle it on their own" : "always goes to a human";
      const allowed = after.actions.length ? `allows ${labels(after.actions)}` : "allows any action";
      // A new intent only frees agents when it is autonomous: unknown intents already escalate.
      const severity = after.handling === "autonomous" ? "loosens" : "neutral";
      changes.push({ kind: "added", subject: label, text: `New intent ${label} (${key}): ${handling}; ${allowed}`, severity, key, field: "item" });
      changes.push(...diffIntentAuthority(context, undefined, after));
      continue;
    }
    if (before.label !== after.label) changes.push(change("label", `Intent ${key} renamed from ${before.label} to ${label}`, "neutral"));
    if (before.handling !== after.handling) {
      changes.push(
        after.handling === "autonomous"
          ? change("handling", `${label} may now be handled by agents on their own instead of always going to a human`, "loosens")
          : change("handling", `${label} now always goes to a human`, "tightens"),
      );
    }
    changes.push(...diffIntentAuthority(context, before, after));
    // An empty list means any action, so emptying the list widens it.
    if (before.actions.length > 0 && after.actions.length === 0) {
      changes.push(change("actions", `${label}: now allows any action`, "loosens"));
    } else if (before.actions.length === 0 && after.actions.length > 0) {
      changes.push(change("actions", `${label}: now allows only ${labels(after.actions)} instead of any action`, "tightens"));
    } else {
      for (const action of after.actions.filter((action) => !before.actions.includes(action))) {
        changes.push(change("actions", `${label}: now allows ${actionLabel(context, action)}`, "loosens"));
      }
      for (const action of before.actions.filter((action) => !after.actions.includes(action))) {
        changes.push(change("actions", `${label}: no longer allows ${actionLabel(context, action)}`, "tightens"));
      }
    }
  }
  for (const intent of removed) {
    changes.push({
      kind: "removed",
      subject: intent.label,
      text: `Intent ${intent.label} (${intent.key}) removed: requests with it now escalate to a human`,
      severity: intent.handling === "autonomous" ? "tightens" : "neutral",
      key: intent.key,
      field: "item",
    });
  }
  return changes;
}

const AUTHORITY_WORDS: Record<Action["authority"], string> = { say: "say-only", recommend: "recommend-only", execute: "execute" };

/**
 * The authorities an intent sets per action (rule 5), one sentence per action whose override
 * changed, with what applied before: the intent's previous override or the action's own. A new
 * intent's override is measured against the action's own authority, since requests with an
 * unknown intent escalate anyway but the override is what agents will get.
 */
function diffIntentAuthority(context: DiffContext, before: Intent | undefined, after: Intent): Change[] {
  const label = after.label;
  const own = (document: PolicyDocument, action: string) => document.actions.find((candidate) => candidate.key === action)?.authority;
  const previous = before?.authority ?? {};
  const current = after.authority ?? {};
  const keys = [...new Set([...Object.keys(current), ...Object.keys(previous)])];
  const changes: Change[] = [];
  for (const action of keys) {
    const was = previous[action];
    const now = current[action];
    if (was === now) continue;
    const ownAfter = own(context.after, action);
    const ownBefore = before ? (own(context.before, action) ?? ownAfter) : ownAfter;
    const from = was ?? ownBefore;
    const to = now ?? ownAfter;
    const name = actionLabel(context, action);
    let text: string;
    if (now === undefined) text = `${label}: ${name} back to the action's own authority, ${ownAfter ?? "none (the action is gone)"} (was ${was} for this intent)`;
    else if (!before) text = `${label}: ${name} ${AUTHORITY_WORDS[now]} for this intent (the action's own is ${ownAfter ?? "not set"})`;
    else text = `${label}: ${name} now ${AUTHORITY_WORDS[now]} (was ${was ? `${was} for this intent` : `${ownBefore ?? "not set"}, the action's own`})`;
    const severity = from && to ? direction(AUTHORITIES.indexOf(to) - AUTHORITIES.indexOf(from), false) : "neutral";
    changes.push({ kind: before ? "changed" : "added", subject: label, text, severity, key: after.key, field: "authority" });
  }
  return changes;
}

function diffForbidden(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey<Forbidden>(context.before.forbidden, context.after.forbidden, (entry) => entry.action);
  const changes: Change[] = [];
  for (const { key, before, after } of pairs) {
    if (!before) {
      changes.push({ kind: "added", subject: key, text: `${key} is now forbidden: ${after.reason}`, severity: "tightens", key, field: "item" });
    } else if (before.reason !== after.reason) {
      changes.push({ kind: "changed", subject: key, text: `${key}: reason for forbidding it now reads ${quoted(after.reason)}`, severity: "neutral", key, field: "reason" });
    }
  }
  for (const entry of removed) {
    changes.push({ kind: "removed", subject: entry.action, text: `${entry.action} is no longer forbidden`, severity: "loosens", key: entry.action, field: "item" });
  }
  return changes;
}

/** An action as people call it, saying when every call to it is denied by the forbidden list. */
function mappedActionWords(context: DiffContext, document: PolicyDocument, key: string): string {
  const label = actionLabel(context, key);
  return document.forbidden.some((entry) => entry.action === key) ? `${label}, which is forbidden (every call is denied)` : label;
}

function isForbidden(document: PolicyDocument, key: string): boolean {
  return document.forbidden.some((entry) => entry.action === key);
}

/**
 * Which MCP tool is which action. Mapping a tool makes it visible to agents and callable under
 * its action's rules (loosens); unmapping hides it and denies its calls (tightens). A customer
 * path adds the gateway's check that the arguments and the conversation name the same customer.
 */
function diffTools(context: DiffContext): Change[] {
  const { pairs, removed } = matchByKey<ToolMapping>(context.before.tools ?? [], context.after.tools ?? [], toolMappingKey);
  const changes: Change[] = [];
  const sources = (keys: readonly string[]) => listWords(keys.map((key) => dataSourceLabel(context, key)));
  for (const { key, before, after } of pairs) {
    const subject = describeToolName(after);
    const change = (field: ChangeField, text: string, severity: ChangeSeverity = "neutral"): Change => ({ kind: "changed", subject, text: `${subject} ${text}`, severity, key, field });
    if (!before) {
      const parts = [after.customer_id ? `reads the customer from ${after.customer_id}` : "takes the customer from the conversation"];
      const params = Object.keys(after.params);
      if (params.length) parts.push(`params ${describeParams(after.params)}`);
      parts.push(after.data_sources.length ? `reads ${sources(after.data_sources)}` : "reads no data source");
      const severity = isForbidden(context.after, after.action) ? "neutral" : "loosens";
      changes.push({ kind: "added", subject, text: `${subject} now counts as ${mappedActionWords(context, context.after, after.action)}: ${parts.join("; ")}`, severity, key, field: "item" });
      continue;
    }
    if (before.action !== after.action) {
      const fromForbidden = isForbidden(context.before, before.action);
      const toForbidden = isForbidden(context.after, after.action);
      const severity = toForbidden && !fromForbidden ? "tightens" : fromForbidden && !toForbidden ? "loosens" : "neutral";
      changes.push(change("action", `now counts as ${mappedActionWords(context, context.after, after.action)} instead of ${actionLabel(context, before.action)}`, severity));
    }
    if (before.customer_id !== after.customer_id) {
      if (!before.customer_id) changes.push(change("customer_id", `now reads the customer from ${after.customer_id} instead of only from the conversation`, "tightens"));
      else if (!after.customer_id) changes.push(change("customer_id", `no longer reads the customer from its arguments (was ${before.customer_id}): only the conversation names the customer`, "loosens"));
      else changes.push(change("customer_id", `reads the customer from ${after.customer_id} instead of ${before.customer_id}`));
    }
    for (const [name, path] of Object.entries(after.params)) {
      const old = before.params[name];
      if (old === undefined) changes.push(change("params", `now passes param ${name} from ${path}`));
      else if (old !== path) changes.push(change("params", `reads param ${name} from ${path} instead of ${old}`));
    }
    for (const name of Object.keys(before.params).filter((name) => !Object.hasOwn(after.params, name))) {
      changes.push(change("params", `no longer passes param ${name} (was ${before.params[name]})`));
    }
    for (const source of after.data_sources.filter((source) => !before.data_sources.includes(source))) {
      changes.push(change("data_sources", `now reads ${dataSourceLabel(context, source)}`));
    }
    for (const source of before.data_sources.filter((source) => !after.data_sources.includes(source))) {
      changes.push(change("data_sources", `no longer reads ${dataSourceLabel(context, source)}`));
    }
  }
  for (const mapping of removed) {
    const subject = describeToolName(mapping);
    changes.push({
      kind: "removed",
      subject,
      text: `${subject} no longer mapped (was ${actionLabel(context, mapping.action)}): agents no longer see it, and a call to it is denied`,
      severity: "tightens",
      key: toolMappingKey(mapping),
      field: "item",
    });
  }
  return changes;
}

function diffSettings(context: DiffContext, firstVersion: boolean): Change[] {
  const { before, after } = context;
  const subject = "Policy";
  if (firstVersion) {
    return [
      { kind: "added", subject, text: `Policy named ${quoted(after.name)}`, severity: "neutral", key: "settings", field: "name" },
      { kind: "added", subject, text: `Amounts are in ${after.currency}`, severity: "neutral", key: "settings", field: "currency" },
    ];
  }
  const changes: Change[] = [];
  if (before.name !== after.name) {
    changes.push({ kind: "changed", subject, text: `Policy renamed from ${quoted(before.name)} to ${quoted(after.name)}`, severity: "neutral", key: "settings", field: "name" });
  }
  if (before.currency !== after.currency) {
    changes.push({
      kind: "changed",
      subject,
      text: `Currency changed from ${before.currency} to ${after.currency}: every amount threshold and limit is now read in ${after.currency}`,
      severity: "neutral",
      key: "settings",
      field: "currency",
    });
  }
  return changes;
}
