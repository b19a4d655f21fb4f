import { getPrisma } from "@/lib/db/prisma";
import { downloadRoute } from "@/lib/api/download-route";
import { exportHistoryCsv } from "@/lib/history/export-history-csv";
import { readHistoryParams } from "@/lib/history/history-filters";

export const dynamic = "force-dynamic";

/** The explorer's filtered set as CSV, streamed: same parameters as /history, every page of them. */
export const GET = downloadRoute(async (actor, search) => {
  const { stream, filename } = await exportHistoryCsv(getPrisma(), actor, readHistoryParams(search));
  return { body: stream, contentType: "text/csv; charset=utf-8", fileName: filename };
});
