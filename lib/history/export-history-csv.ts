import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { formatCsvRow, trimAmount, type CsvCell } from "./csv-format";
import { parseHistoryQuery, type HistoryParams, type HistoryQuery } from "./history-filters";
import { iterateHistory, type HistoryRow } from "./queries";
import { componentLogger } from "@/lib/logger";

export const HISTORY_CSV_COLUMNS = [
  "id", "created_at", "agent", "action", "intent", "decision", "status", "tier", "owner", "authority",
  "amount", "currency", "customer_id", "channel", "conversation_id", "policy_version", "reason_codes", "summary",
] as const;

export const EXPORT_BATCH_SIZE = 5000;

function cells(row: HistoryRow): CsvCell[] {
  return [
    row.id, row.createdAt, row.agent, row.action, row.intent, row.decision, row.status, row.tier, row.owner, row.authority,
    row.amount === null ? null : { raw: trimAmount(row.amount) }, row.currency, row.customerId, row.channel, row.conversationId, row.policyVersion, row.reasonCodes.join(";"), row.summary,
  ];
}

/**
 * The filtered history as a CSV byte stream: a header, then one keyset batch per pull, so memory
 * stays at one batch and a slow download slows the database reads instead of piling up rows.
 * Rows created after `asOf` are left out, so the file is the set as it stood when asked for.
 */
export function createHistoryCsvStream(db: Db, query: HistoryQuery, options: { now: Date; asOf: Date; batchSize?: number }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = iterateHistory(db, { ...query, cursor: undefined }, { now: options.now, asOf: options.asOf, batchSize: options.batchSize ?? EXPORT_BATCH_SIZE });
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(formatCsvRow(HISTORY_CSV_COLUMNS)));
        return;
      }
      try {
        const next = await batches.next();
        if (next.done) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value.map((row) => formatCsvRow(cells(row))).join("")));
      } catch (error) {
        // Headers are gone already: aborting the body is the only way to tell the client the file is incomplete.
        componentLogger("history").error({ err: error }, "history export failed");
        controller.error(new Error("The export stopped early."));
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}

export function historyCsvFilename(at: Date): string {
  return `mandate-history-${at.toISOString().slice(0, 19).replaceAll(":", "")}Z.csv`;
}

/**
 * Starts an export for a person: authorized, validated with the explorer's schema, and recorded
 * in the audit log (a bulk read of customer data is evidence too) before the first byte goes out.
 */
export async function exportHistoryCsv(db: Db, actor: Actor, params: HistoryParams, now = new Date()): Promise<{ stream: ReadableStream<Uint8Array>; filename: string }> {
  authorize(actor, "history:read");
  const query = parseHistoryQuery(params);
  const filters: HistoryParams = { ...params };
  delete filters.cursor;
  await db.$transaction((tx) => recordAudit(tx, actor, { action: "history.export", subjectType: "decision_history", data: { filters, as_of: now.toISOString() } }));
  return { stream: createHistoryCsvStream(db, query, { now, asOf: now }), filename: historyCsvFilename(now) };
}
