import { beforeAll, describe, expect, it } from "vitest";
import { checkEntryMac } from "@/lib/audit/entry-format";
import { buildAuditContent, hashAuditContent } from "@/lib/audit/record-audit";
import { getKeyStore } from "@/lib/keys/current-key-store";
import examplePolicy from "@/lib/demo/example-policy.json";
import { compilePolicy } from "@/lib/engine";
import type { PolicyDocument } from "@/lib/policy/document-schema";
import { createHistoryGenerator, createRandom, seedHistoryOptionsSchema, type GeneratedDecision, type HistoryWorld } from "./seed-history";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const WORLD: HistoryWorld = {
  policy: compilePolicy(examplePolicy as unknown as PolicyDocument, 1),
  policyVersionId: uuid(1),
  agents: ["chat-assistant", "email-assistant", "returns-bot", "billing-bot"].map((name, i) => ({ id: uuid(10 + i), name })),
  approvers: [
    { id: uuid(20), email: "supervisor@northwind.example", name: "Supervisor", roles: ["supervisor"], style: "careful" },
    { id: uuid(21), email: "supervisor2@northwind.example", name: "Supervisor 2", roles: ["supervisor"], style: "careful" },
    { id: uuid(22), email: "supervisor3@northwind.example", name: "Supervisor 3", roles: ["supervisor"], style: "rubber_stamp" },
    { id: uuid(23), email: "committee@northwind.example", name: "Committee", roles: ["committee"], style: "careful" },
    { id: uuid(24), email: "committee3@northwind.example", name: "Committee 3", roles: ["committee"], style: "rubber_stamp" },
  ],
  reviewers: [{ id: uuid(30), email: "cx@northwind.example", name: "CX lead", roles: ["cx_lead"], style: "careful" }],
};
const END = new Date("2026-11-20T15:00:00.000Z");

function take(seed: number, count: number, decisions = 5_000): GeneratedDecision[] {
  const out: GeneratedDecision[] = [];
  for (const item of createHistoryGenerator(WORLD, { days: 30, decisions, seed, end: END }).decisions()) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

describe("createRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});

describe("seed history options", () => {
  it("defaults to 50,000 decisions over 90 days, seed 42, 4 agents", () => {
    expect(seedHistoryOptionsSchema.parse({})).toEqual({ days: 90, decisions: 50_000, seed: 42, agents: 4 });
  });

  it("refuses what is not a sensible size", () => {
    for (const bad of [{ days: "0" }, { days: "1.5" }, { decisions: "many" }, { agents: "0" }, { seed: "-1" }]) {
      expect(seedHistoryOptionsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("the generated history is reproducible", () => {
  it("gives the same first decisions, with everything that followed, for the same seed and end", () => {
    // Audit entries carry a random nonce (and so a different hash and MAC) each time: not part of the history.
    const stable = (items: GeneratedDecision[]) => items.map((i) => ({ ...i, audits: i.audits.map(({ nonce: _n, hash: _h, mac: _m, ...rest }) => rest) })); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect(stable(take(42, 300))).toEqual(stable(take(42, 300)));
  });

  it("gives a different history for another seed", () => {
    const a = take(42, 50).map((d) => d.decision.id);
    const b = take(43, 50).map((d) => d.decision.id);
    expect(a).not.toEqual(b);
  });
});

describe("the generated history's shape", () => {
  const DECISIONS = 24_000;
  let items: GeneratedDecision[];
  let generator: ReturnType<typeof createHistoryGenerator>;

  beforeAll(() => {
    generator = createHistoryGenerator(WORLD, { days: 28, decisions: DECISIONS, seed: 42, end: END });
    items = [...generator.decisions()];
  }, 60_000);

  it("has exactly the requested number of decisions, in time order, inside the period", () => {
    expect(items).toHaveLength(DECISIONS);
    const times = items.map((i) => Date.parse(i.decision.created_at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]!).toBeGreaterThanOrEqual(generator.start.getTime());
    expect(times[times.length - 1]!).toBeLessThan(END.getTime());
  });

  it("follows a daily and a weekly rhythm", () => {
    const byHour = new Array<number>(24).fill(0);
    const byWeekday = new Array<number>(7).fill(0);
    for (const item of items) {
      const at = new Date(item.decision.created_at);
      byHour[at.getUTCHours()]!++;
      byWeekday[at.getUTCDay()]!++;
    }
    expect(byHour[3]! * 4).toBeLessThan(byHour[12]!);
    const weekend = (byWeekday[0]! + byWeekday[6]!) / 2;
    const weekday = (byWeekday[2]! + byWeekday[3]! + byWeekday[4]!) / 3;
    expect(weekend).toBeLessThan(weekday * 0.8);
  });

  it("has incidents whose hours are busier than usual", () => {
    expect(generator.incidents).toHaveLength(3);
    const outage = generator.incidents.find((i) => i.kind === "carrier_outage")!;
    const during = items.filter((i) => Date.parse(i.decision.created_at) >= outage.start && Date.parse(i.decision.created_at) < outage.end).length;
    const perHour = during / ((outage.end - outage.start) / 3_600_000);
    expect(perHour).toBeGreaterThan((DECISIONS / (28 * 24)) * 1.5);
  });

  it("lets the engine decide: every kind of decision occurs, mostly allowed", () => {
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.decision.decision] = (counts[item.decision.decision] ?? 0) + 1;
    for (const kind of ["allow", "deny", "hold", "step_up", "escalate"]) expect(counts[kind], kind).toBeGreaterThan(0);
    expect(counts.allow! / DECISIONS).toBeGreaterThan(0.6);
    expect(items.some((i) => i.decision.reason_codes.includes("limit_exceeded"))).toBe(true);
    expect(items.some((i) => i.decision.reason_codes.includes("forbidden"))).toBe(true);
  });

  it("never lets a customer past the refund limit, counting approvals from when they were given (as the live usage query does)", () => {
    // refund.issue: at most 2 per customer per 30 days, counted while allowed or approved.
    const counted: { customer: string; at: number; from: number }[] = [];
    for (const item of items) {
      const d = item.decision;
      if (d.action !== "refund.issue" || !d.customer_id) continue;
      const at = Date.parse(d.created_at);
      if (d.decision === "allow") {
        const used = counted.filter((c) => c.customer === d.customer_id && c.at > at - 30 * 86_400_000 && c.from <= at).length;
        expect(used, d.id).toBeLessThan(2);
      }
      const approvedAt = item.approval?.status === "approved" ? Date.parse(item.approval.decided_at!) : null;
      if (d.decision === "allow" || approvedAt !== null) counted.push({ customer: d.customer_id, at, from: approvedAt ?? at });
    }
  });

  it("holds get approvals decided by people with human latency, and rubber-stampers stand out", () => {
    const held = items.filter((i) => i.decision.decision === "hold");
    expect(held.every((i) => i.approval !== null)).toBe(true);
    const statuses = new Set(held.map((i) => i.approval!.status));
    for (const status of ["approved", "rejected", "expired"]) expect(statuses.has(status as never), status).toBe(true);
    const byVoter = new Map<string, { seconds: number[]; approved: number }>();
    for (const item of held) {
      for (const vote of item.votes) {
        const stats = byVoter.get(vote.user_id) ?? { seconds: [], approved: 0 };
        stats.seconds.push((Date.parse(vote.created_at) - Date.parse(item.approval!.created_at)) / 1000);
        if (vote.verdict === "approve") stats.approved++;
        byVoter.set(vote.user_id, stats);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const rubber = byVoter.get(uuid(22))!;
    expect(rubber.approved / rubber.seconds.length).toBeGreaterThan(0.95);
    expect(median(rubber.seconds)).toBeLessThan(5);
    const careful = byVoter.get(uuid(20))!;
    expect(careful.approved / careful.seconds.length).toBeLessThan(0.95);
    expect(median(careful.seconds)).toBeGreaterThan(60);
  });

  it("reverts or fails about 1–2% of executed refunds, each with a review case", () => {
    const refunds = items.filter((i) => i.decision.action === "refund.issue" && i.outcomes.length > 0);
    const bad = refunds.filter((i) => i.outcomes.some((o) => o.status !== "executed"));
    expect(bad.length / refunds.length).toBeGreaterThan(0.005);
    expect(bad.length / refunds.length).toBeLessThan(0.03);
    for (const item of bad) expect(item.reviews.some((r) => r.source === "outcome_failed" || r.source === "outcome_reverted")).toBe(true);
  });

  it("hashes and MACs every audit entry exactly as the live code path does", () => {
    const keys = getKeyStore();
    for (const item of items.slice(0, 3000)) {
      for (const row of item.audits) {
        const content = {
          ...buildAuditContent({ type: row.actor_type, id: row.actor_id, label: row.actor_label } as never, { action: row.action, subjectType: row.subject_type, subjectId: row.subject_id, data: row.data as Record<string, unknown> }, new Date(row.occurred_at)),
          nonce: row.nonce,
        };
        expect(row.hash).toBe(hashAuditContent(content));
        expect(checkEntryMac((id) => keys.macKey(id), row.hash, row.mac)).toBe("valid");
      }
    }
  });
});
