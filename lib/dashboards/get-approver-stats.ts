import { dailyTable } from "@/lib/history/rollups";
import { addHistogram, queryRows, type DashboardDb } from "./get-dashboard";
import { latencyPercentile } from "./latency-buckets";
import type { ApproverStatsQuery } from "./schemas";
import { computeTimeFrame } from "./time-frame";
import type { ApproverStats } from "./types";

// Guarding the guards: an approver who approves nearly everything within seconds is not reviewing.

export const RUBBER_STAMP = {
  /** Flag above this share of approvals… */
  approvalRate: 0.95,
  /** …when the median time to decide is under this many seconds (a histogram bound, so exact)… */
  medianSeconds: 10,
  /** …over at least this many decisions, so three quick approvals on a quiet day flag nobody. */
  minDecided: 10,
} as const;

/**
 * Per approver over the range: items decided, approval rate and median seconds from the item
 * entering the queue to their vote, flagged as a rubber stamp past the thresholds above. Reads the
 * approver rollups (votes by person, verdict and time-to-decide bucket); the median is interpolated
 * inside its histogram bucket, and whether it is under 10 s is exact because 10 s is a bucket bound.
 */
export async function getApproverStats(db: DashboardDb, query: ApproverStatsQuery, now = new Date()): Promise<ApproverStats> {
  const frame = computeTimeFrame(query.range, now);
  const table = frame.granularity === "hour" ? "approver_rollups" : dailyTable("approver_rollups");
  const rows = await queryRows<{ user_id: string; name: string; email: string; roles: string[]; verdict: string; count: number; latency_histogram: Record<string, number> }>(
    db,
    `SELECT r.user_id::text AS user_id, u.name, u.email, u.roles::text[] AS roles, r.verdict::text AS verdict, r.count, r.latency_histogram
       FROM ${table} r JOIN users u ON u.id = r.user_id
      WHERE r.bucket >= $1`,
    [frame.from],
  );
  const people = new Map<string, { name: string; email: string; roles: string[]; decided: number; approved: number; histogram: Map<number, number> }>();
  for (const row of rows) {
    let person = people.get(row.user_id);
    if (!person) people.set(row.user_id, (person = { name: row.name, email: row.email, roles: row.roles, decided: 0, approved: 0, histogram: new Map() }));
    person.decided += row.count;
    if (row.verdict === "approve") person.approved += row.count;
    addHistogram(person.histogram, row.latency_histogram);
  }
  const approvers = [...people.entries()]
    .map(([userId, p]) => {
      const approvalRate = p.decided > 0 ? p.approved / p.decided : 0;
      const median = latencyPercentile(p.histogram, 0.5) ?? 0;
      return {
        userId,
        name: p.name,
        email: p.email,
        roles: p.roles,
        decided: p.decided,
        approved: p.approved,
        rejected: p.decided - p.approved,
        approvalRate: Math.round(approvalRate * 10_000) / 10_000,
        medianSeconds: Math.round(median * 10) / 10,
        flagged: p.decided >= RUBBER_STAMP.minDecided && approvalRate > RUBBER_STAMP.approvalRate && median < RUBBER_STAMP.medianSeconds,
      };
    })
    .sort((a, b) => b.decided - a.decided || a.email.localeCompare(b.email));
  return {
    range: query.range,
    from: frame.from.toISOString(),
    to: frame.to.toISOString(),
    thresholds: { ...RUBBER_STAMP },
    approvers,
    table: {
      columns: [
        { key: "name", label: "Approver", kind: "text" },
        { key: "decided", label: "Decided", kind: "count" },
        { key: "approvalRate", label: "Approval rate", kind: "percent" },
        { key: "medianSeconds", label: "Median time to decide", kind: "seconds" },
        { key: "flagged", label: "Rubber stamp?", kind: "text" },
      ],
      rows: approvers.map((a) => ({ name: a.name, decided: a.decided, approvalRate: a.approvalRate, medianSeconds: a.medianSeconds, flagged: a.flagged ? "flagged" : "" })),
    },
  };
}
