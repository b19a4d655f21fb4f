import { randomUUID } from "node:crypto";
import type { TestDatabase } from "./database";

// Handmade decision histories for the earned-autonomy tests: exactly the rows the rules read
// (decisions, their approvals and outcomes), written straight to the tables so a test states
// its numbers instead of hoping a generator produces them.

export interface HistoryRow {
  action: string;
  agentId: string;
  decision: "allow" | "hold" | "deny";
  /** Final status: approved/rejected/expired/pending_approval for holds; executed/failed/reverted after either. */
  status: string;
  amount?: string | null;
  tier?: string | null;
  customerId?: string | null;
  reasonCodes?: string[];
  reasons?: { code: string; rule: string; message: string }[];
  createdAt: Date;
  /** Seconds from creation to the approval decision (holds). */
  decidedAfter?: number;
  /** When the failure or reversal was reported (defaults to an hour after creation). */
  outcomeAt?: Date;
}

let serial = 0;

export async function insertHistory(t: TestDatabase, rows: HistoryRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    const batch = rows.slice(start, start + 500).map((row) => {
      const id = `dec_test${String(++serial).padStart(8, "0")}${randomUUID().slice(0, 8)}`;
      const codes = row.reasonCodes ?? (row.decision === "hold" ? ["tier_requires_approval"] : row.decision === "deny" ? ["limit_exceeded"] : ["allowed"]);
      return { ...row, id, codes };
    });
    await t.query(
      `INSERT INTO decisions (id, agent_id, action, customer_id, amount, currency, request, decision, status, tier, reasons, reason_codes, action_digest, counts_to_limits, created_at, updated_at)
       SELECT x.id, x.agent_id::uuid, x.action, x.customer_id, x.amount::numeric, 'USD', '{}'::jsonb, x.decision::"DecisionKind", x.status::"DecisionStatus", x.tier,
              x.reasons::jsonb, x.codes, md5(x.id), false, x.created_at::timestamptz, x.created_at::timestamptz
         FROM json_to_recordset($1::json) AS x(id text, agent_id text, action text, customer_id text, amount text, decision text, status text, tier text, reasons text, codes text[], created_at text)`,
      [
        JSON.stringify(
          batch.map((r) => ({
            id: r.id,
            agent_id: r.agentId,
            action: r.action,
            customer_id: r.customerId ?? null,
            amount: r.amount ?? null,
            decision: r.decision,
            status: r.status,
            tier: r.tier ?? null,
            reasons: JSON.stringify(r.reasons ?? r.codes.map((code) => ({ code, rule: `actions.${r.action}`, message: code }))),
            codes: r.codes,
            created_at: r.createdAt.toISOString(),
          })),
        ),
      ],
    );
    const holds = batch.filter((r) => r.decision === "hold");
    if (holds.length) {
      await t.query(
        `INSERT INTO approvals (id, decision_id, required, roles, status, expires_at, decided_at, created_at)
         SELECT gen_random_uuid(), x.id, 1, '{supervisor}'::"Role"[], x.status::"ApprovalStatus", x.created_at::timestamptz + interval '4 hours',
                CASE WHEN x.status = 'pending' THEN NULL ELSE x.created_at::timestamptz + make_interval(secs => x.after) END, x.created_at::timestamptz
           FROM json_to_recordset($1::json) AS x(id text, status text, created_at text, after float8)`,
        [
          JSON.stringify(
            holds.map((r) => ({
              id: r.id,
              status: r.status === "pending_approval" ? "pending" : r.status === "rejected" || r.status === "expired" ? r.status : "approved",
              created_at: r.createdAt.toISOString(),
              after: r.status === "expired" ? 4 * 3600 : (r.decidedAfter ?? 300),
            })),
          ),
        ],
      );
    }
    const outcomes = batch.flatMap((r) => {
      const at = r.outcomeAt ?? new Date(r.createdAt.getTime() + 3_600_000);
      if (r.status === "executed") return [{ id: r.id, status: "executed", at: new Date(r.createdAt.getTime() + 1_800_000) }];
      if (r.status === "failed") return [{ id: r.id, status: "failed", at }];
      if (r.status === "reverted") return [{ id: r.id, status: "executed", at: new Date(r.createdAt.getTime() + 1_800_000) }, { id: r.id, status: "reverted", at }];
      return [];
    });
    if (outcomes.length) {
      await t.query(
        `INSERT INTO outcomes (id, decision_id, status, created_at)
         SELECT gen_random_uuid(), x.id, x.status::"OutcomeStatus", x.at::timestamptz FROM json_to_recordset($1::json) AS x(id text, status text, at text)`,
        [JSON.stringify(outcomes.map((o) => ({ ...o, at: o.at.toISOString() })))],
      );
    }
  }
}

/** `count` held refunds spread over (from, to], approved except `rejected` of them, created over the last `days` days. */
export function heldRefunds(input: { agentId: string; from: number; to: number; count: number; rejected: number; now: Date; days?: number }): HistoryRow[] {
  const days = input.days ?? 20;
  return Array.from({ length: input.count }, (_, i) => {
    // Evenly spread amounts: (from, to] in cents, never exactly `from`.
    const cents = Math.round((input.from + ((i + 1) * (input.to - input.from)) / input.count) * 100);
    return {
      action: "refund.issue",
      agentId: input.agentId,
      decision: "hold" as const,
      status: i < input.rejected ? "rejected" : "executed",
      amount: (cents / 100).toFixed(2),
      tier: "high",
      customerId: `cus_${i % 97}`,
      createdAt: new Date(input.now.getTime() - 3_600_000 - ((i * 7_919) % (days * 86_400)) * 1000),
      decidedAfter: 120 + (i % 10) * 60,
    };
  });
}
