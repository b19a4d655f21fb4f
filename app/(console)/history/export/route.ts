import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError } from "@/lib/errors";
import { exportHistoryCsv } from "@/lib/history/export-history-csv";
import { readHistoryParams } from "@/lib/history/history-filters";

export const dynamic = "force-dynamic";

/** The explorer's filtered set as CSV, streamed: same parameters as /history, every page of them. */
export async function GET(request: Request) {
  const actor = await getSessionActor();
  if (!actor) return new Response("Sign in first.", { status: 401 });
  try {
    const { stream, filename } = await exportHistoryCsv(getPrisma(), actor, readHistoryParams(new URL(request.url).searchParams));
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    const detail = (error.errors ?? []).map((e) => `${e.path}: ${e.message}\n`).join("");
    return new Response(`${error.message}\n${detail}`, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
