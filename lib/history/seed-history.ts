import type { DecisionColumns } from "@/lib/decisions/decision-writer";
import type pg from "pg";
import { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { auditInsertFromArray, buildAuditRow, writeAudit, type AuditEvent, type AuditRow } from "@/lib/audit/record-audit";
import { roleForVote } from "@/lib/approvals/approval-roles";
import {
  actionDigest,
  compilePolicy,
  Decimal,
  evaluate,
  normalizeAmount,
  preEvaluate,
  type CompiledPolicy,
  type DecisionRequest,
  type DecisionResult,
  type LimitCheck,
  type LimitUsage,
} from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { drawFromId } from "@/lib/ids";
import type { Role } from "@/lib/policy/roles";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import { parseOrThrow } from "@/lib/validation";
import { refreshRollups } from "./rollups";

// `mandate seed history`: a demo history written by the live rules. Every request goes through the
// real engine on the published policy, with limit usage kept in memory exactly as the usage query
// counts it; holds get human approvals, executed actions get outcomes, and every row gets the
// audit entry the live code path would have written, hashed the same way. Everything comes from
// one seeded PRNG, so the same seed, size and end time give the same history.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_HISTORY = { days: 90, decisions: 50_000, seed: 42, agents: 4 } as const;

export const seedHistoryOptionsSchema = z.object({
  days: z.coerce.number({ message: "Give --days as a whole number" }).int("Give --days as a whole number").min(1, "At least 1 day").max(3650, "At most 3650 days").default(DEFAULT_HISTORY.days),
  decisions: z.coerce
    .number({ message: "Give --decisions as a whole number" })
    .int("Give --decisions as a whole number")
    .min(1, "At least 1 decision")
    .max(20_000_000, "At most 20,000,000 decisions")
    .default(DEFAULT_HISTORY.decisions),
  seed: z.coerce.number({ message: "Give --seed as a whole number" }).int("Give --seed as a whole number").min(0).max(4_294_967_295).default(DEFAULT_HISTORY.seed),
  agents: z.coerce.number({ message: "Give --agents as a whole number" }).int("Give --agents as a whole number").min(1, "At least 1 agent").max(50, "At most 50 agents").default(DEFAULT_HISTORY.agents),
});
export type SeedHistoryOptions = z.infer<typeof seedHistoryOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

export interface Random {
  next(): number;
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  normal(): number;
  /** Log-normal with the given median and shape (sigma of the underlying normal). */
  lognormal(median: number, sigma: number): number;
  /** `length` characters of base64url. */
  token(length: number): string;
  uuid(): string;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX = "0123456789abcdef";

/** sfc32 seeded through splitmix32: fast, well mixed, and the same sequence on every platform. */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4_294_967_296;
  };
  for (let i = 0; i < 12; i++) next();
  const normal = () => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    token: (length) => {
      let out = "";
      for (let i = 0; i < length; i++) out += BASE64URL[Math.floor(next() * 64)];
      return out;
    },
    uuid: () => {
      let hex = "";
      for (let i = 0; i < 32; i++) hex += HEX[Math.floor(next() * 16)];
      const variant = HEX[8 + Math.floor(next() * 4)];
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.next() * total;
  for (const [value, weight] of entries) {
    draw -= weight;
    if (draw < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

// ---------------------------------------------------------------------------------------------
// The world the history happens in

export interface HistoryAgent {
  id: string;
  name: string;
}

export interface HistoryPerson {
  id: string;
  email: string;
  name: string;
  roles: readonly Role[];
  /** Rubber-stampers approve about 99% of what they see within seconds. */
  style: "careful" | "rubber_stamp";
}

export interface HistoryWorld {
  policy: CompiledPolicy;
  policyVersionId: string;
  agents: readonly HistoryAgent[];
  /** People who decide held actions (supervisor or committee). */
  approvers: readonly HistoryPerson[];
  /** People who work review cases. */
  reviewers: readonly HistoryPerson[];
}

export interface HistoryPlan {
  days: number;
  decisions: number;
  seed: number;
  /** The history ends here (exclusive); nothing after it has happened yet. */
  end: Date;
}

export type IncidentKind = "carrier_outage" | "refund_abuse" | "agent_regression";

export interface Incident {
  kind: IncidentKind;
  start: number;
  end: number;
  /** The misbehaving agent of an agent regression. */
  agent: HistoryAgent | null;
}

const INCIDENT_VOLUME: Record<IncidentKind, number> = { carrier_outage: 2.6, refund_abuse: 1.4, agent_regression: 1.5 };

// ---------------------------------------------------------------------------------------------
// Rows, shaped as the columns they are inserted into

export interface DecisionRow extends DecisionColumns {
  policy_version_id: string | null;
  request: DecisionRequest;
  decision: DecisionResult["decision"];
  reasons: { code: string; message: string; rule: string }[];
  updated_at: string;
}

export interface ApprovalRow {
  id: string;
  decision_id: string;
  required: number;
  roles: string[];
  status: "pending" | "approved" | "rejected" | "expired";
  expires_at: string;
  decided_at: string | null;
  created_at: string;
}

export interface VoteRow {
  id: string;
  approval_id: string;
  user_id: string;
  verdict: "approve" | "reject";
  role: Role;
  reason: string;
  created_at: string;
}

export interface OutcomeRow {
  id: string;
  decision_id: string;
  status: "executed" | "failed" | "reverted";
  action_digest: string | null;
  external_ref: string | null;
  detail: Record<string, unknown> | null;
  created_at: string;
}

export interface ReviewRow {
  id: string;
  source: string;
  reason: string;
  detail: string | null;
  decision_id: string | null;
  agent_id: string | null;
  action: string | null;
  tier: string | null;
  conversation_id: string | null;
  status: "open" | "in_review" | "resolved" | "dismissed";
  labels: string[];
  assignee_id: string | null;
  resolution: string | null;
  resolved_by_id: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export type { AuditRow } from "@/lib/audit/record-audit";

/** One decision with everything that followed from it before the history's end. */
export interface GeneratedDecision {
  decision: DecisionRow;
  approval: ApprovalRow | null;
  votes: VoteRow[];
  outcomes: OutcomeRow[];
  reviews: ReviewRow[];
  audits: AuditRow[];
}

type AuditActor = Pick<Actor, "type" | "id" | "label">;

const SYSTEM: AuditActor = { type: "system", id: null, label: "system" };

/** The audit row the live code path writes for this event (lib/audit's one format). */
function auditRow(actor: AuditActor, event: AuditEvent, at: number): AuditRow {
  // The history's data are plain JSON values built here: no round trip needed.
  return buildAuditRow(actor, event, new Date(at), { plainJson: true });
}

const iso = (at: number) => new Date(at).toISOString();

// ---------------------------------------------------------------------------------------------
// Calendar: how many decisions each hour gets

// UTC hour of day: night lows, a late-morning and an evening peak.
const HOUR_OF_DAY = [0.22, 0.16, 0.12, 0.1, 0.11, 0.17, 0.32, 0.58, 0.84, 1.0, 1.12, 1.2, 1.24, 1.18, 1.08, 1.02, 0.98, 0.95, 0.97, 1.04, 1.0, 0.82, 0.6, 0.38];
// Sunday first, as Date#getUTCDay counts.
const DAY_OF_WEEK = [0.58, 1.1, 1.06, 1.02, 1.0, 0.95, 0.66];

interface HourSlot {
  start: number;
  end: number;
  count: number;
  incident: Incident | null;
}

function planIncidents(random: Random, start: number, days: number, agents: readonly HistoryAgent[]): Incident[] {
  const count = days >= 14 ? 3 : days >= 4 ? 2 : days >= 2 ? 1 : 0;
  const kinds: IncidentKind[] = ["carrier_outage", "refund_abuse", "agent_regression"];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const dayOffsets: number[] = [];
  // One incident inside the last week, so the 7-day view has one to show.
  if (count > 0) dayOffsets.push(days >= 10 ? random.int(days - 7, days - 2) : random.int(0, Math.max(0, days - 2)));
  while (dayOffsets.length < count) {
    const day = random.int(1, Math.max(1, days - 9));
    if (!dayOffsets.some((d) => Math.abs(d - day) < 3)) dayOffsets.push(day);
    else if (days < 20) dayOffsets.push(Math.min(days - 1, day + dayOffsets.length * 2));
  }
  const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
  return dayOffsets.slice(0, count).map((offset, i) => {
    const from = firstDay + (offset + 1) * DAY_MS + random.int(8, 15) * HOUR_MS;
    return { kind: kinds[i]!, start: from, end: from + random.int(3, 8) * HOUR_MS, agent: kinds[i] === "agent_regression" ? random.pick(agents) : null };
  });
}

function planHours(random: Random, start: number, end: number, total: number, incidents: readonly Incident[]): HourSlot[] {
  const slots: (HourSlot & { weight: number })[] = [];
  const dayNoise = new Map<number, number>();
  for (let hour = Math.floor(start / HOUR_MS) * HOUR_MS; hour < end; hour += HOUR_MS) {
    const from = Math.max(hour, start);
    const to = Math.min(hour + HOUR_MS, end);
    const day = Math.floor(hour / DAY_MS);
    if (!dayNoise.has(day)) dayNoise.set(day, Math.exp(0.08 * random.normal()));
    const at = new Date(hour);
    const incident = incidents.find((i) => hour >= i.start && hour < i.end) ?? null;
    // A gentle growth over the period: adoption rises.
    const trend = 0.85 + 0.3 * ((hour - start) / Math.max(1, end - start));
    const weight =
      HOUR_OF_DAY[at.getUTCHours()]! * DAY_OF_WEEK[at.getUTCDay()]! * dayNoise.get(day)! * Math.exp(0.1 * random.normal()) * trend *
      (incident ? INCIDENT_VOLUME[incident.kind] : 1) * ((to - from) / HOUR_MS);
    slots.push({ start: from, end: to, count: 0, incident, weight });
  }
  // Largest remainder: the counts add up to exactly `total`.
  const sum = slots.reduce((acc, s) => acc + s.weight, 0);
  let assigned = 0;
  const remainders = slots.map((slot, index) => {
    const exact = (slot.weight / sum) * total;
    slot.count = Math.floor(exact);
    assigned += slot.count;
    return { index, fraction: exact - slot.count };
  });
  remainders.sort((x, y) => y.fraction - x.fraction || x.index - y.index);
  for (let i = 0; i < total - assigned; i++) slots[remainders[i % remainders.length]!.index]!.count++;
  return slots;
}

// ---------------------------------------------------------------------------------------------
// What agents ask for (tuned to the Northwind example policy; other policies still evaluate, the
// actions they do not define are simply denied as unknown)

interface Scenario {
  random: Random;
  customer: string;
  verified: boolean;
  incident: Incident | null;
}

type Build = (s: Scenario) => DecisionRequest;

const CHANNELS = [
  ["chat", 0.62],
  ["email", 0.28],
  ["voice", 0.1],
] as const;

function context(s: Scenario, summary: string): NonNullable<DecisionRequest["context"]> {
  const r = s.random;
  return {
    conversation_id: `conv_${r.token(12)}`,
    channel: weighted(r, CHANNELS),
    confidence: Math.round((0.99 - 0.42 * r.next() ** 3) * 100) / 100,
    summary,
  };
}

const money = (cents: number) => (cents / 100).toFixed(2);
const clampCents = (value: number, min: number, max: number) => Math.round(Math.min(max, Math.max(min, value)) * 100);
const orderId = (r: Random) => `ord_${r.int(100_000, 999_999)}`;

function refundCents(s: Scenario): number {
  const r = s.random;
  const outage = s.incident?.kind === "carrier_outage";
  const band = weighted(r, [
    ["small", outage ? 0.55 : 0.8],
    ["medium", outage ? 0.41 : 0.18],
    ["large", outage ? 0.04 : 0.02],
  ] as const);
  if (band === "small") return clampCents(r.lognormal(22, 0.55), 3, 50);
  if (band === "medium") return clampCents(r.lognormal(130, 0.6), 50.01, 500);
  return clampCents(r.lognormal(850, 0.45), 500.01, 4000);
}

function refund(intent: string, summaries: readonly string[], extra: Partial<DecisionRequest> = {}): Build {
  return (s) => ({
    action: "refund.issue",
    intent,
    customer: { id: s.customer, verified: s.verified },
    params: { amount: money(refundCents(s)), currency: "USD", order_id: orderId(s.random) },
    data_sources: ["orders", "payments"],
    context: context(s, s.random.pick(summaries)),
    ...extra,
  });
}

interface Template {
  key: string;
  weight: number;
  build: Build;
}

const TEMPLATES: Template[] = [
  {
    key: "return_label",
    weight: 210,
    build: (s) => ({
      action: "return.label",
      intent: "return_request",
      customer: { id: s.customer, verified: s.verified },
      params: { order_id: orderId(s.random), carrier: s.random.pick(["ups", "dhl", "usps"]) },
      data_sources: ["orders"],
      context: context(s, s.random.pick(["Wrong size, wants to return the jacket", "Item arrived damaged", "Changed their mind within 30 days"])),
    }),
  },
  {
    key: "reroute",
    weight: 150,
    build: (s) => ({
      action: "shipment.reroute",
      intent: "shipping_error",
      customer: { id: s.customer, verified: s.verified },
      params: { order_id: orderId(s.random), to_postcode: String(s.random.int(10_000, 99_999)) },
      data_sources: ["orders", "shipments"],
      context: context(s, s.random.pick(["Parcel sent to the customer's old address", "Customer moved last week", "Carrier cannot reach the address"])),
    }),
  },
  { key: "refund_shipping", weight: 68, build: refund("shipping_error", ["Parcel arrived a week late", "Shipping fee charged twice", "Parcel lost by the carrier"]) },
  { key: "refund_return", weight: 42, build: refund("return_request", ["Returned item received at the warehouse", "Return label used, refund due"]) },
  { key: "refund_billing", weight: 28, build: refund("billing_dispute", ["Charged for a cancelled order", "Promo code not applied"]) },
  {
    key: "cancel",
    weight: 82,
    build: (s) => ({
      action: "order.cancel",
      customer: { id: s.customer, verified: s.verified },
      params: { amount: money(clampCents(s.random.lognormal(85, 0.8), 5, 2500)), currency: "USD", order_id: orderId(s.random) },
      data_sources: ["orders"],
      context: context(s, s.random.pick(["Ordered twice by mistake", "Wants to cancel before shipping"])),
    }),
  },
  {
    key: "inventory",
    weight: 62,
    build: (s) => ({
      action: "inventory.adjust",
      intent: "shipping_error",
      customer: { id: s.customer, verified: s.verified },
      params: { sku: `SKU-${s.random.int(1000, 9999)}`, delta: -s.random.int(1, 3) },
      data_sources: ["inventory"],
      context: context(s, "Damaged item written off the inventory log"),
    }),
  },
  {
    // Telling the status is say-only: agents rarely ask to act on it, and are denied when they do.
    key: "status",
    weight: 4,
    build: (s) => ({ action: "order.status", intent: "shipping_error", customer: { id: s.customer }, data_sources: ["orders", "shipments"], context: context(s, "Where is my parcel?") }),
  },
  {
    key: "billing_adjust",
    weight: 38,
    build: (s) => ({
      action: "billing.adjust",
      intent: "billing_dispute",
      customer: { id: s.customer, verified: s.verified },
      params: { amount: money(clampCents(s.random.lognormal(40, 0.7), 1, 900)), currency: "USD" },
      data_sources: ["payments"],
      context: context(s, "Disputes a charge on the last invoice"),
    }),
  },
  {
    key: "account_recover",
    weight: 28,
    build: (s) => ({
      action: "account.recover",
      intent: "account_access",
      customer: { id: s.customer, verified: s.random.chance(0.45) },
      data_sources: ["profile"],
      context: context(s, "Locked out after a password reset"),
    }),
  },
  {
    key: "legal",
    weight: 14,
    build: (s) => ({ action: "order.cancel", intent: "legal_dispute", customer: { id: s.customer }, context: context(s, "Customer's lawyer asks to void the order") }),
  },
  {
    key: "cancel_wrong_intent",
    weight: 8,
    build: (s) => ({ action: "order.cancel", intent: "shipping_error", customer: { id: s.customer }, params: { amount: money(clampCents(s.random.lognormal(60, 0.6), 5, 800)), currency: "USD" }, context: context(s, "Parcel late, customer wants to cancel") }),
  },
  {
    key: "unknown_intent",
    weight: 5,
    build: (s) => ({ action: "return.label", intent: "warranty_claim", customer: { id: s.customer }, context: context(s, "Boots fell apart after 13 months") }),
  },
  {
    key: "data_scope",
    weight: 7,
    build: refund("shipping_error", ["Refund the shipping fee"], { data_sources: ["orders", "payments", "profile"] }),
  },
  {
    key: "currency",
    weight: 6,
    build: (s) => ({ ...refund("return_request", ["Customer paid in euros"])(s), params: { amount: money(clampCents(s.random.lognormal(35, 0.5), 3, 400)), currency: "EUR" } }),
  },
  { key: "forbidden_contract", weight: 3, build: (s) => ({ action: "contract.negotiate", intent: "billing_dispute", customer: { id: s.customer }, context: context(s, "Wants a custom annual contract") }) },
  { key: "forbidden_credentials", weight: 2, build: (s) => ({ action: "credentials.disclose", intent: "account_access", customer: { id: s.customer }, context: context(s, "Asks for the account password") }) },
  { key: "unknown_action", weight: 3, build: (s) => ({ action: "loyalty.points.grant", intent: "billing_dispute", customer: { id: s.customer }, context: context(s, "Asks for bonus points") }) },
];

// Each agent has its own mix; unnamed extra agents use the default.
const AGENT_NAMES = ["chat-assistant", "email-assistant", "returns-bot", "billing-bot"];
const AGENT_SHARE = [0.34, 0.26, 0.22, 0.18];
const AGENT_AFFINITY: Record<string, Partial<Record<string, number>>> = {
  "email-assistant": { return_label: 1.3, cancel: 1.3, account_recover: 0.5 },
  "returns-bot": { return_label: 3, refund_return: 3, reroute: 0.3, billing_adjust: 0.1, account_recover: 0.1, inventory: 0.3 },
  "billing-bot": { billing_adjust: 4, refund_billing: 4, cancel: 1.5, return_label: 0.2, reroute: 0.2, account_recover: 0.2 },
};
const INCIDENT_MIX: Record<IncidentKind, Partial<Record<string, number>>> = {
  carrier_outage: { reroute: 3, refund_shipping: 4, inventory: 2 },
  refund_abuse: { refund_shipping: 1.5, refund_return: 1.5, refund_billing: 1.5 },
  agent_regression: { data_scope: 40, unknown_intent: 25, forbidden_contract: 20, forbidden_credentials: 20, status: 5, unknown_action: 15 },
};

const ABUSE_SUMMARIES = ["Item never arrived (again)", "Wants another goodwill refund", "Claims the order was damaged"];

// ---------------------------------------------------------------------------------------------
// Limits, counted in memory exactly as lib/decisions/create-decision.ts counts them in SQL:
// decisions of the limit's action that count toward limits, created inside the window.

interface LedgerEntry {
  at: number;
  /** When the decision started counting: at creation when allowed, at approval when held. */
  effectiveAt: number;
  cents: number;
}

class LimitLedger {
  private readonly entries = new Map<string, LedgerEntry[]>();
  private readonly windows = new Map<string, number>();

  constructor(policy: CompiledPolicy) {
    for (const action of policy.actions.values()) {
      for (const limit of action.limits) {
        const kind = `${limit.action}|${limit.scope}`;
        this.windows.set(kind, Math.max(this.windows.get(kind) ?? 0, limit.windowMs));
      }
    }
  }

  private key(action: string, scope: string, subject: string) {
    return `${action}|${scope}|${subject}`;
  }

  usage(limits: readonly LimitCheck[], agentId: string, at: number): Record<string, LimitUsage> {
    const usage: Record<string, LimitUsage> = {};
    for (const limit of limits) {
      const subject = limit.scope === "customer" ? (limit.customerId ?? "") : limit.scope === "agent" ? agentId : "";
      const list = this.entries.get(this.key(limit.action, limit.scope, subject)) ?? [];
      let count = 0;
      let cents = 0;
      for (const entry of list) {
        if (entry.at > at - limit.windowMs && entry.effectiveAt <= at) {
          count++;
          cents += entry.cents;
        }
      }
      usage[limit.id] = { count, amount: new Decimal(cents).div(100) };
    }
    return usage;
  }

  record(action: string, customerId: string | null, agentId: string, entry: LedgerEntry): void {
    for (const [scope, subject] of [["customer", customerId ?? ""], ["agent", agentId], ["global", ""]] as const) {
      const window = this.windows.get(`${action}|${scope}`);
      if (window === undefined) continue;
      const key = this.key(action, scope, subject);
      let list = this.entries.get(key);
      if (!list) this.entries.set(key, (list = []));
      list.push(entry);
      // Entries arrive in creation order: drop those no window can see any more.
      let drop = 0;
      while (drop < list.length && list[drop]!.at <= entry.at - window) drop++;
      if (drop > 0) list.splice(0, drop);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// People

const APPROVE_REASONS = ["Order history checks out", "Carrier confirmed the delay", "Within goodwill guidelines", "Customer verified by phone", "Amount matches the order"];
const RUBBER_STAMP_REASONS = ["ok", "Approved", "fine", "lgtm"];
const REJECT_REASONS = ["Third refund this month for this customer", "Amount not supported by the order", "Looks like an abuse pattern", "Customer identity not confirmed"];

function isNight(at: number): boolean {
  const hour = new Date(at).getUTCHours();
  return hour < 7 || hour >= 21;
}

function isWeekend(at: number): boolean {
  const day = new Date(at).getUTCDay();
  return day === 0 || day === 6;
}

/** Seconds until this person decides an item shown to them at `at`. */
function decisionLatency(random: Random, person: HistoryPerson, at: number): number {
  if (person.style === "rubber_stamp") return Math.max(0.8, random.lognormal(3, 0.35));
  const offHours = (isNight(at) ? 5 : 1) * (isWeekend(at) ? 2 : 1);
  return Math.max(4, random.lognormal(150, 1.1) * offHours);
}

const REVIEW_LABELS_BY_SOURCE: Record<string, readonly string[]> = {
  limit_breach: ["customer_abuse"],
  approval_rejected: ["customer_abuse", "fraud", "correct"],
  hold_expired: ["policy_gap"],
  outcome_failed: ["data_issue", "agent_error"],
  outcome_reverted: ["agent_error", "policy_gap"],
  sample: ["correct"],
  agent: ["policy_gap", "correct"],
};
const RESOLUTIONS: Record<string, readonly string[]> = {
  limit_breach: ["Customer flagged for repeated refund requests", "Limit worked as intended"],
  approval_rejected: ["Rejection confirmed with the customer", "Customer contacted, no further action"],
  hold_expired: ["Shift had no supervisor on call; roster fixed", "Handled manually with the customer"],
  outcome_failed: ["Retried through the payment gateway", "Carrier API outage, retried later"],
  outcome_reverted: ["Refund reversed after the customer kept the goods", "Duplicate action undone"],
  sample: ["Decision was right", "Agent followed the policy"],
  agent: ["Answered the customer directly", "Policy clarified for the agent"],
};
const AGENT_FLAGS = ["Customer disputes the policy answer", "Customer threatened a chargeback", "Unclear which order the customer means", "Customer asked for a supervisor"];
const FAILURES = ["Payment gateway timeout", "Carrier API refused the change", "Order already shipped"];
const REVERSALS = ["Customer kept the goods", "Duplicate refund", "Chargeback won by the customer"];

// ---------------------------------------------------------------------------------------------
// The generator

interface FollowUp {
  due: number;
  request: DecisionRequest;
  agent: HistoryAgent;
  abusive: boolean;
}

export interface HistoryGenerator {
  start: Date;
  end: Date;
  incidents: Incident[];
  decisions(): Generator<GeneratedDecision>;
}

/**
 * The history as a stream of decisions in creation order, each with what followed from it up to
 * `plan.end`. Pure: no database, no clock; the same world and plan give the same stream.
 */
export function createHistoryGenerator(world: HistoryWorld, plan: HistoryPlan): HistoryGenerator {
  if (world.agents.length === 0) throw new Error("createHistoryGenerator needs at least one agent");
  const random = createRandom(plan.seed);
  const end = plan.end.getTime();
  const start = end - plan.days * DAY_MS;
  const incidents = planIncidents(random, start, plan.days, world.agents);
  const hours = planHours(random, start, end, plan.decisions, incidents);
  const { policy } = world;
  const ledger = new LimitLedger(policy);
  const customers = Math.min(250_000, Math.max(200, Math.round(plan.decisions / 6)));
  const abusers = Array.from({ length: 6 }, (_, i) => `cus_${900_001 + i}`);
  const agentShares = world.agents.map((agent, i) => [agent, AGENT_SHARE[i] ?? 0.1] as const);
  const mixes = new Map<string, (readonly [Template, number])[]>();

  const mixFor = (agent: HistoryAgent, incident: Incident | null) => {
    const regression = incident?.kind === "agent_regression" && incident.agent?.id !== agent.id ? null : incident;
    const key = `${agent.id}|${regression?.kind ?? ""}`;
    let mix = mixes.get(key);
    if (!mix) {
      const affinity = AGENT_AFFINITY[agent.name] ?? {};
      const shift = regression ? INCIDENT_MIX[regression.kind] : {};
      mix = TEMPLATES.map((t) => [t, t.weight * (affinity[t.key] ?? 1) * (shift[t.key] ?? 1)] as const);
      mixes.set(key, mix);
    }
    return mix;
  };

  const pickCustomer = () => `cus_${100_000 + Math.floor(customers * random.next() ** 1.6)}`;

  function* decisions(): Generator<GeneratedDecision> {
    const followUps: FollowUp[] = [];
    let previous = start;
    for (const hour of hours) {
      const times = Array.from({ length: hour.count }, () => hour.start + Math.floor(random.next() * (hour.end - hour.start))).sort((a, b) => a - b);
      for (const slot of times) {
        // A customer verified after a step-up comes back: the retry takes this slot.
        const due = followUps.length > 0 && followUps[0]!.due <= slot ? followUps.shift()! : null;
        const at = Math.max(previous, due ? due.due : slot);
        previous = at;
        let request: DecisionRequest;
        let agent: HistoryAgent;
        let abusive = false;
        if (due) {
          ({ request, agent, abusive } = due);
        } else {
          agent = weighted(random, agentShares);
          abusive = random.chance(hour.incident?.kind === "refund_abuse" ? 0.1 : 0.004);
          const scenario: Scenario = { random, customer: abusive ? random.pick(abusers) : pickCustomer(), verified: abusive || random.chance(0.7), incident: hour.incident };
          if (abusive) {
            request = refund(random.pick(["billing_dispute", "return_request"]), ABUSE_SUMMARIES)(scenario);
            request.params = { ...request.params, amount: money(random.int(3500, 4999)) };
          } else {
            request = weighted(random, mixFor(agent, hour.incident)).build(scenario);
          }
        }
        const generated = decide(at, request, agent, abusive);
        if (generated.decision.decision === "step_up" && random.chance(0.7)) {
          const retry: FollowUp = { due: at + random.lognormal(150_000, 0.6), request: { ...request, customer: { ...request.customer, verified: true } }, agent, abusive };
          const index = followUps.findIndex((f) => f.due > retry.due);
          followUps.splice(index === -1 ? followUps.length : index, 0, retry);
        }
        yield generated;
      }
    }
  }

  function decide(at: number, request: DecisionRequest, agent: HistoryAgent, abusive: boolean): GeneratedDecision {
    const id = `dec_${at.toString(36).padStart(9, "0")}${random.token(16)}`;
    const base = { paused: null, sampleDraw: drawFromId(id), agentName: agent.name };
    const pre = preEvaluate(policy, request, base);
    if (pre.status === "invalid") throw new Error(`history request is invalid: ${pre.error.message}`);
    const result = pre.status === "decided" ? pre.result : evaluate(policy, request, { ...base, limitUsage: ledger.usage(pre.limits, agent.id, at) });

    const amountText = request.params?.amount === undefined ? null : normalizeAmount(new Decimal(String(request.params.amount)));
    const cents = amountText === null ? 0 : Math.round(Number(amountText) * 100);
    const customerId = request.customer?.id ?? null;
    const codes = result.reasons.map((r) => r.code);
    const digest = actionDigest({ action: request.action, customerId, params: request.params ?? {} });
    const policyVersion = result.policy_version || null;
    const agentActor: AuditActor = { type: "agent", id: agent.id, label: agent.name };

    const out: GeneratedDecision = {
      decision: {
        id,
        agent_id: agent.id,
        policy_version_id: policyVersion ? world.policyVersionId : null,
        policy_version: policyVersion,
        action: request.action,
        intent: request.intent ?? null,
        customer_id: customerId,
        amount: amountText,
        currency: request.params?.currency ?? null,
        channel: request.context?.channel ?? null,
        confidence: request.context?.confidence ?? null,
        conversation_id: request.context?.conversation_id ?? null,
        request,
        decision: result.decision,
        status: result.status,
        authority: result.authority,
        tier: result.tier,
        owner: result.owner,
        reasons: result.reasons.map(({ code, message, rule }) => ({ code, message, rule })),
        reason_codes: codes,
        action_digest: digest,
        review_sampled: result.review_sampled,
        counts_to_limits: result.decision === "allow",
        created_at: iso(at),
        updated_at: iso(at),
      },
      approval: null,
      votes: [],
      outcomes: [],
      reviews: [],
      audits: [
        auditRow(
          agentActor,
          {
            action: "decision.create",
            subjectType: "decision",
            subjectId: id,
            data: {
              action: request.action,
              decision: result.decision,
              status: result.status,
              tier: result.tier,
              reasons: codes,
              policy_version: policyVersion,
              customer_id: customerId,
              amount: amountText,
              action_digest: digest,
              idempotency_key: null,
            },
          },
          at,
        ),
      ],
    };
    const row = out.decision;
    const setStatus = (status: string, when: number) => {
      row.status = status;
      row.updated_at = iso(when);
    };

    const limitBreach = codes.includes("limit_exceeded");
    if (limitBreach) openReview(out, "limit_breach", result.reasons.find((r) => r.code === "limit_exceeded")!.message, at);
    else if (result.review_sampled) openReview(out, "sample", "Sampled for quality review", at);

    if (result.decision === "allow") {
      ledger.record(request.action, customerId, agent.id, { at, effectiveAt: at, cents });
      reportOutcome(out, at, agentActor);
    } else if (result.decision === "hold") {
      const decided = holdForApproval(out, result, at, { abusive, limitBreach, cents });
      if (decided?.status === "approved") {
        setStatus("approved", decided.at);
        row.counts_to_limits = true;
        ledger.record(request.action, customerId, agent.id, { at, effectiveAt: decided.at, cents });
        reportOutcome(out, decided.at, agentActor);
      } else if (decided) {
        setStatus(decided.status, decided.at);
      }
    }

    if (random.chance(0.0025)) {
      const flaggedAt = at + random.lognormal(120_000, 0.8);
      if (flaggedAt < end) {
        const reason = random.pick(AGENT_FLAGS);
        const review = openReview(out, "agent", reason, flaggedAt);
        out.audits.push(auditRow(agentActor, { action: "review.open", subjectType: "review_case", subjectId: review.id, data: { reason, decision_id: id } }, flaggedAt));
      }
    }
    return out;
  }

  function openReview(out: GeneratedDecision, source: string, reason: string, at: number): ReviewRow {
    const d = out.decision;
    const review: ReviewRow = {
      id: `rev_${Math.floor(at).toString(36).padStart(9, "0")}${random.token(16)}`,
      source,
      reason,
      detail: null,
      decision_id: d.id,
      agent_id: d.agent_id,
      action: d.action,
      tier: d.tier,
      conversation_id: d.conversation_id,
      status: "open",
      labels: [],
      assignee_id: null,
      resolution: null,
      resolved_by_id: null,
      resolved_at: null,
      created_at: iso(at),
      updated_at: iso(at),
    };
    out.reviews.push(review);
    if (world.reviewers.length === 0) return review;
    // Picked up after a few hours, closed a few hours later; what is still in flight at the end stays open.
    const reviewer = random.pick(world.reviewers);
    const assignedAt = at + random.lognormal(3 * HOUR_MS, 1);
    const closedAt = assignedAt + random.lognormal(4 * HOUR_MS, 1.2);
    const actor: AuditActor = { type: "user", id: reviewer.id, label: reviewer.email };
    if (assignedAt >= end) return review;
    review.status = "in_review";
    review.assignee_id = reviewer.id;
    review.updated_at = iso(assignedAt);
    out.audits.push(auditRow(actor, { action: "review.assign", subjectType: "review_case", subjectId: review.id, data: { from: null, to: reviewer.id, status: "in_review" } }, assignedAt));
    if (closedAt >= end) return review;
    const dismiss = random.chance(source === "sample" ? 0.55 : source === "agent" ? 0.3 : 0.15);
    const outcome = random.pick(RESOLUTIONS[source] ?? ["Handled"]);
    review.status = dismiss ? "dismissed" : "resolved";
    review.labels = dismiss ? [] : [random.pick(REVIEW_LABELS_BY_SOURCE[source] ?? ["correct"])];
    review.resolution = outcome;
    review.resolved_by_id = reviewer.id;
    review.resolved_at = iso(closedAt);
    review.updated_at = iso(closedAt);
    out.audits.push(
      auditRow(actor, { action: dismiss ? "review.dismiss" : "review.resolve", subjectType: "review_case", subjectId: review.id, data: { outcome, labels: review.labels, from: "in_review" } }, closedAt),
    );
    return review;
  }

  function holdForApproval(
    out: GeneratedDecision,
    result: DecisionResult,
    at: number,
    facts: { abusive: boolean; limitBreach: boolean; cents: number },
  ): { status: "approved" | "rejected" | "expired"; at: number } | null {
    const d = out.decision;
    const required = result.approval?.required ?? 1;
    const roles = (result.approval?.roles ?? ["supervisor"]) as Role[];
    const expiresAt = at + (result.approval?.expires_after_ms ?? 4 * HOUR_MS);
    const approval: ApprovalRow = { id: random.uuid(), decision_id: d.id, required, roles, status: "pending", expires_at: iso(expiresAt), decided_at: null, created_at: iso(at) };
    out.approval = approval;

    const votes: { role: Role }[] = [];
    const voted = new Set<string>();
    // Now and then an item sits unnoticed in a busy queue: most expiries come from these.
    const overlooked = random.chance(0.03) ? 40 : 1;
    let clock = at;
    for (let i = 0; i < required; i++) {
      // Off hours only the careful on-call people look at the queue.
      const onShift = world.approvers.filter((p) => !voted.has(p.id) && roleForVote({ required, roles }, votes, p.roles).ok && (p.style === "careful" || !(isNight(clock) || isWeekend(clock))));
      if (onShift.length === 0) break;
      const person = weighted(random, onShift.map((p) => [p, p.style === "rubber_stamp" ? 1.4 : 1] as const));
      const voteAt = clock + decisionLatency(random, person, clock) * (person.style === "careful" ? overlooked : 1) * 1000;
      if (voteAt >= expiresAt || voteAt >= end) break;
      let approveChance = 0.9;
      if (facts.abusive) approveChance = 0.12;
      else if (facts.limitBreach) approveChance = 0.55;
      else if (d.tier === "critical") approveChance = 0.8;
      // Held refunds just above the auto-approve threshold are nearly always approved in the demo
      // company, which is the evidence the earned-autonomy rules look for.
      else if (d.action === "refund.issue" && facts.cents <= 20_000) approveChance = 0.997;
      if (facts.cents > 30_000) approveChance *= 0.9;
      const verdict = random.chance(person.style === "rubber_stamp" ? 0.99 : approveChance) ? "approve" : "reject";
      const role = (roleForVote({ required, roles }, votes, person.roles) as { ok: true; role: Role }).role;
      const reason = verdict === "reject" ? random.pick(REJECT_REASONS) : random.pick(person.style === "rubber_stamp" ? RUBBER_STAMP_REASONS : APPROVE_REASONS);
      const status = verdict === "reject" ? "rejected" : votes.length + 1 >= required ? "approved" : "pending";
      out.votes.push({ id: random.uuid(), approval_id: approval.id, user_id: person.id, verdict, role, reason, created_at: iso(voteAt) });
      out.audits.push(
        auditRow({ type: "user", id: person.id, label: person.email }, { action: `approval.${verdict}`, subjectType: "decision", subjectId: d.id, data: { approval_id: approval.id, role, reason, result: status } }, voteAt),
      );
      voted.add(person.id);
      votes.push({ role });
      clock = voteAt;
      if (status === "rejected") {
        openReview(out, "approval_rejected", `Rejected by ${person.name}: ${reason}`, voteAt);
        return settle("rejected", voteAt);
      }
      if (status === "approved") return settle("approved", voteAt);
    }
    // Nobody decided in time: the sweeper expires it within a second of its deadline.
    const sweptAt = expiresAt + random.int(50, 1200);
    if (sweptAt >= end) return null;
    out.audits.push(auditRow(SYSTEM, { action: "approval.expire", subjectType: "decision", subjectId: d.id, data: { approval_id: approval.id } }, sweptAt));
    openReview(out, "hold_expired", "Nobody decided the held action before it expired", sweptAt);
    return settle("expired", sweptAt);

    function settle(status: "approved" | "rejected" | "expired", when: number) {
      approval.status = status;
      approval.decided_at = iso(when);
      return { status, at: when };
    }
  }

  function reportOutcome(out: GeneratedDecision, from: number, agent: AuditActor): void {
    const d = out.decision;
    // Some agents never report back.
    if (random.chance(0.02)) return;
    const executedAt = from + Math.max(500, random.lognormal(6_000, 0.8));
    if (executedAt >= end) return;
    const isRefund = d.action === "refund.issue";
    // The agents get better over the period: failures and reversals fall from 1.25x the usual rate
    // at the start to 0.75x at the end. So the last week is quieter than the weeks before it, and
    // what the rules call a spike in the demo is an incident, never the usual noise of a busy week.
    const learning = 1.25 - (0.5 * (from - start)) / (end - start);
    const setStatus = (status: OutcomeRow["status"], at: number) => {
      d.status = status;
      d.updated_at = iso(at);
    };
    if (random.chance(0.003 * learning)) {
      const detail = { error: random.pick(FAILURES) };
      out.outcomes.push({ id: random.uuid(), decision_id: d.id, status: "failed", action_digest: d.action_digest, external_ref: null, detail, created_at: iso(executedAt) });
      out.audits.push(auditRow(agent, { action: "outcome.failed", subjectType: "decision", subjectId: d.id, data: { external_ref: null, detail } }, executedAt));
      openReview(out, "outcome_failed", "The agent reported the action failed", executedAt);
      setStatus("failed", executedAt);
      return;
    }
    const ref = `${isRefund ? "re" : "op"}_${random.token(10)}`;
    out.outcomes.push({ id: random.uuid(), decision_id: d.id, status: "executed", action_digest: d.action_digest, external_ref: ref, detail: null, created_at: iso(executedAt) });
    out.audits.push(auditRow(agent, { action: "outcome.executed", subjectType: "decision", subjectId: d.id, data: { external_ref: ref, detail: null } }, executedAt));
    setStatus("executed", executedAt);
    if (!random.chance((isRefund ? 0.011 : 0.002) * learning)) return;
    if (isRefund && out.approval && Number(d.amount) <= 200) return;
    const revertedAt = executedAt + random.lognormal(8 * HOUR_MS, 1);
    if (revertedAt >= end) return;
    const detail = { reason: random.pick(REVERSALS) };
    out.outcomes.push({ id: random.uuid(), decision_id: d.id, status: "reverted", action_digest: null, external_ref: ref, detail, created_at: iso(revertedAt) });
    out.audits.push(auditRow(agent, { action: "outcome.reverted", subjectType: "decision", subjectId: d.id, data: { external_ref: ref, detail } }, revertedAt));
    openReview(out, "outcome_reverted", "The agent reported the action reverted", revertedAt);
    setStatus("reverted", revertedAt);
  }

  return { start: new Date(start), end: new Date(end), incidents, decisions };
}

// ---------------------------------------------------------------------------------------------
// Writing it

// Synthetic people who decide held items in the demo history. They have no password (they cannot
// sign in); two of them rubber-stamp, so the rubber-stamp watch has someone to flag.
export const HISTORY_PEOPLE: { email: string; name: string; roles: Role[]; style: HistoryPerson["style"] }[] = [
  { email: "supervisor3@northwind.example", name: "Rex Supervisor", roles: ["supervisor"], style: "rubber_stamp" },
  { email: "supervisor4@northwind.example", name: "Priya Supervisor", roles: ["supervisor"], style: "careful" },
  { email: "committee3@northwind.example", name: "Quinn Committee", roles: ["committee"], style: "rubber_stamp" },
];

async function insertAudit(client: pg.PoolClient, actor: Actor, event: AuditEvent): Promise<void> {
  await writeAudit(client, actor, event);
}

/** The published policy, the agents and the people the history needs, created when missing. */
async function prepareWorld(client: pg.PoolClient, actor: Actor, agentCount: number): Promise<HistoryWorld> {
  const { rows: versions } = await client.query<{ id: string; version: number; document: unknown }>(`SELECT id, version, document FROM policy_versions ORDER BY version DESC LIMIT 1`);
  const head = versions[0];
  if (!head) throw new AppError("conflict", "No policy is published yet: load the demo first (mandate seed demo) or publish a policy.");
  const validated = validatePolicyDocument(head.document);
  if (!validated.ok) throw new AppError("conflict", `The published policy version ${head.version} does not validate.`);
  const policy = compilePolicy(validated.document, head.version);

  const names = Array.from({ length: agentCount }, (_, i) => AGENT_NAMES[i] ?? `agent-${i + 1}`);
  for (const name of names) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO agents (id, name, description, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, "Demo history agent (no API key)"],
    );
    if (rows[0]) await insertAudit(client, actor, { action: "agent.create", subjectType: "agent", subjectId: rows[0].id, data: { name, demo: true } });
  }
  const { rows: agents } = await client.query<HistoryAgent>(`SELECT id::text AS id, name FROM agents WHERE name = ANY($1::text[])`, [names]);
  agents.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));

  for (const person of HISTORY_PEOPLE) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (id, email, name, roles, updated_at) VALUES (gen_random_uuid(), $1, $2, $3::"Role"[], now()) ON CONFLICT (email) DO NOTHING RETURNING id`,
      [person.email, person.name, person.roles],
    );
    if (rows[0]) await insertAudit(client, actor, { action: "user.create", subjectType: "user", subjectId: rows[0].id, data: { email: person.email, roles: person.roles, demo: true } });
  }
  const { rows: people } = await client.query<{ id: string; email: string; name: string; roles: Role[] }>(
    `SELECT id::text AS id, email, name, roles::text[] AS roles FROM users WHERE NOT disabled AND roles && '{supervisor,committee,cx_lead}'::"Role"[] ORDER BY email`,
  );
  const style = (email: string) => HISTORY_PEOPLE.find((p) => p.email === email)?.style ?? "careful";
  const everyone = people.map((p) => ({ ...p, style: style(p.email) }));
  return {
    policy,
    policyVersionId: head.id,
    agents,
    approvers: everyone.filter((p) => p.roles.includes("supervisor") || p.roles.includes("committee")),
    reviewers: everyone.filter((p) => p.style === "careful"),
  };
}

// One statement per batch: rows travel as one JSON parameter per table and PostgreSQL unpacks them
// (json_to_recordset), which needs no COPY support and no per-row round trip. Foreign keys are
// checked at the end of the statement, as in lib/decisions/create-decision.ts.
const INSERT_BATCH = `WITH d AS (
    INSERT INTO decisions (id, agent_id, policy_version_id, policy_version, action, intent, customer_id, amount, currency, channel, confidence, conversation_id,
      request, decision, status, authority, tier, owner, reasons, reason_codes, action_digest, review_sampled, counts_to_limits, created_at, updated_at)
    SELECT * FROM json_to_recordset($1::json) AS x(id text, agent_id uuid, policy_version_id uuid, policy_version int, action text, intent text, customer_id text,
      amount numeric, currency text, channel text, confidence float8, conversation_id text, request jsonb, decision "DecisionKind", status "DecisionStatus",
      authority text, tier text, owner text, reasons jsonb, reason_codes text[], action_digest text, review_sampled bool, counts_to_limits bool,
      created_at timestamptz, updated_at timestamptz)
  ), a AS (
    INSERT INTO approvals (id, decision_id, required, roles, status, expires_at, decided_at, created_at)
    SELECT * FROM json_to_recordset($2::json) AS x(id uuid, decision_id text, required int, roles "Role"[], status "ApprovalStatus", expires_at timestamptz,
      decided_at timestamptz, created_at timestamptz)
  ), v AS (
    INSERT INTO approval_votes (id, approval_id, user_id, verdict, role, reason, created_at)
    SELECT * FROM json_to_recordset($3::json) AS x(id uuid, approval_id uuid, user_id uuid, verdict "ReviewVerdict", role "Role", reason text, created_at timestamptz)
  ), o AS (
    INSERT INTO outcomes (id, decision_id, status, action_digest, external_ref, detail, created_at)
    SELECT * FROM json_to_recordset($4::json) AS x(id uuid, decision_id text, status "OutcomeStatus", action_digest text, external_ref text, detail jsonb, created_at timestamptz)
  ), r AS (
    INSERT INTO review_cases (id, source, reason, detail, decision_id, agent_id, action, tier, conversation_id, status, labels, assignee_id, resolution,
      resolved_by_id, resolved_at, created_at, updated_at)
    SELECT * FROM json_to_recordset($5::json) AS x(id text, source "ReviewSource", reason text, detail text, decision_id text, agent_id uuid, action text, tier text,
      conversation_id text, status "ReviewStatus", labels text[], assignee_id uuid, resolution text, resolved_by_id uuid, resolved_at timestamptz,
      created_at timestamptz, updated_at timestamptz)
  ), e AS (
    ${auditInsertFromArray("$6")}
  )
  SELECT 1`;

interface Batch {
  decisions: DecisionRow[];
  approvals: ApprovalRow[];
  votes: VoteRow[];
  outcomes: OutcomeRow[];
  reviews: ReviewRow[];
  audits: AuditRow[];
}

const emptyBatch = (): Batch => ({ decisions: [], approvals: [], votes: [], outcomes: [], reviews: [], audits: [] });

async function writeBatch(client: pg.PoolClient, batch: Batch): Promise<void> {
  await client.query(INSERT_BATCH, [batch.decisions, batch.approvals, batch.votes, batch.outcomes, batch.reviews, batch.audits].map((rows) => JSON.stringify(rows)));
}

/** Audit entries wait here until the stream passes their time, so entry ids follow occurred_at. */
class AuditQueue {
  private readonly heap: { at: number; seq: number; row: AuditRow }[] = [];
  private seq = 0;

  get size() {
    return this.heap.length;
  }

  push(row: AuditRow): void {
    const item = { at: Date.parse(row.occurred_at), seq: this.seq++, row };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Every entry at or before `until`, oldest first. */
  drain(until: number): AuditRow[] {
    const out: AuditRow[] = [];
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at <= until) {
      out.push(heap[0]!.row);
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return out;
  }

  private less(a: { at: number; seq: number }, b: { at: number; seq: number }) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

export interface HistorySummary {
  from: string;
  to: string;
  seed: number;
  decisions: number;
  byDecision: Record<string, number>;
  approvals: Record<"approved" | "rejected" | "expired" | "pending", number>;
  outcomes: Record<"executed" | "failed" | "reverted", number>;
  reviewCases: number;
  auditEntries: number;
  agents: string[];
  rubberStampers: string[];
  incidents: { kind: IncidentKind; from: string; to: string; agent: string | null }[];
  seconds: { generate: number; rollups: number; total: number };
}

/**
 * Writes a generated history (see createHistoryGenerator) into the database in large batches and
 * rebuilds the dashboard rollups over its period. Needs a published policy; creates the history's
 * agents and synthetic approvers when missing. `onProgress` gets (written, total) after each batch.
 */
export async function seedHistory(
  pool: pg.Pool,
  actor: Actor,
  input: z.input<typeof seedHistoryOptionsSchema> & { end?: Date; batchSize?: number; onProgress?: (written: number, total: number) => void },
): Promise<HistorySummary> {
  const options = parseOrThrow(seedHistoryOptionsSchema, { days: input.days, decisions: input.decisions, seed: input.seed, agents: input.agents });
  const began = performance.now();
  const batchSize = input.batchSize ?? 4000;
  const client = await pool.connect();
  const summary: HistorySummary = {
    from: "",
    to: "",
    seed: options.seed,
    decisions: 0,
    byDecision: {},
    approvals: { approved: 0, rejected: 0, expired: 0, pending: 0 },
    outcomes: { executed: 0, failed: 0, reverted: 0 },
    reviewCases: 0,
    auditEntries: 0,
    agents: [],
    rubberStampers: [],
    incidents: [],
    seconds: { generate: 0, rollups: 0, total: 0 },
  };
  let generator: HistoryGenerator;
  try {
    await client.query("BEGIN");
    const world = await prepareWorld(client, actor, options.agents);
    await client.query("COMMIT");
    generator = createHistoryGenerator(world, { ...options, end: input.end ?? new Date() });
    summary.from = generator.start.toISOString();
    summary.to = generator.end.toISOString();
    summary.agents = world.agents.map((a) => a.name);
    summary.rubberStampers = world.approvers.filter((p) => p.style === "rubber_stamp").map((p) => p.email);
    summary.incidents = generator.incidents.map((i) => ({ kind: i.kind, from: iso(i.start), to: iso(i.end), agent: i.agent?.name ?? null }));

    // A demo load, not evidence of anything yet: a crash mid-load may lose the last batches.
    await client.query("SET synchronous_commit = off");
    const audits = new AuditQueue();
    let batch = emptyBatch();
    let writing: Promise<void> = Promise.resolve();
    const flush = async (until: number) => {
      batch.audits = audits.drain(until);
      summary.auditEntries += batch.audits.length;
      const full = batch;
      batch = emptyBatch();
      await writing;
      writing = writeBatch(client, full);
      // Awaited at the next flush; until then a failure must not count as unhandled.
      writing.catch(() => {});
      summary.decisions += full.decisions.length;
      input.onProgress?.(summary.decisions, options.decisions);
    };
    let sinceYield = 0;
    for (const item of generator.decisions()) {
      const d = item.decision;
      batch.decisions.push(d);
      if (item.approval) batch.approvals.push(item.approval);
      batch.votes.push(...item.votes);
      batch.outcomes.push(...item.outcomes);
      batch.reviews.push(...item.reviews);
      for (const audit of item.audits) audits.push(audit);
      summary.byDecision[d.decision] = (summary.byDecision[d.decision] ?? 0) + 1;
      if (item.approval) summary.approvals[item.approval.status]++;
      for (const outcome of item.outcomes) summary.outcomes[outcome.status]++;
      summary.reviewCases += item.reviews.length;
      if (batch.decisions.length >= batchSize) await flush(Date.parse(d.created_at));
      // Let the socket move the previous batch while this one is generated: JavaScript and
      // PostgreSQL then work at the same time, one core each.
      if (++sinceYield === 250) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await flush(Number.POSITIVE_INFINITY);
    await writing;
    await client.query("RESET synchronous_commit");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    // The connection may still carry the session setting: do not hand it back to the pool.
    client.release(error as Error);
    throw error;
  }
  client.release();
  summary.seconds.generate = Math.round(performance.now() - began) / 1000;
  const rollupsBegan = performance.now();
  // Fresh statistics for what was just loaded: the planner reads them for the history explorer's
  // filters and the rollups' range scans, and autovacuum may take minutes to get to it.
  await pool.query(`ANALYZE decisions, audit_entries, approvals, approval_votes, outcomes, review_cases`);
  await refreshRollups(pool, { from: generator.start, wait: true });
  summary.seconds.rollups = Math.round(performance.now() - rollupsBegan) / 1000;
  summary.seconds.total = Math.round(performance.now() - began) / 1000;
  return summary;
}

/** The summary `mandate seed history` prints. */
export function formatHistorySummary(summary: HistorySummary): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const when = (text: string) => text.slice(0, 16).replace("T", " ");
  const lines = [
    `Generated ${n(summary.decisions)} decisions from ${when(summary.from)} to ${when(summary.to)} UTC (seed ${summary.seed}) in ${summary.seconds.total}s, dashboards rollups included (${summary.seconds.rollups}s).`,
    `  decisions: ${Object.entries(summary.byDecision).map(([decision, count]) => `${decision} ${n(count)}`).join(", ")}`,
    `  approvals: ${Object.entries(summary.approvals).map(([status, count]) => `${status} ${n(count)}`).join(", ")}`,
    `  outcomes: ${Object.entries(summary.outcomes).map(([status, count]) => `${status} ${n(count)}`).join(", ")}`,
    `  review cases ${n(summary.reviewCases)}, audit entries ${n(summary.auditEntries)}`,
    `  agents: ${summary.agents.join(", ")}`,
  ];
  if (summary.rubberStampers.length) lines.push(`  rubber-stampers for the watch to flag: ${summary.rubberStampers.join(", ")}`);
  for (const incident of summary.incidents) {
    lines.push(`  incident: ${incident.kind.replaceAll("_", " ")} ${when(incident.from)}–${incident.to.slice(11, 16)} UTC${incident.agent ? ` (${incident.agent})` : ""}`);
  }
  return lines.join("\n");
}
