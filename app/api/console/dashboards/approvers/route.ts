import { consoleJsonRoute } from "@/lib/api/console-route";
import { getApproverStats } from "@/lib/dashboards/get-approver-stats";
import { parseApproverStatsQuery } from "@/lib/dashboards/schemas";
import { getPool } from "@/lib/db/pool";

export const dynamic = "force-dynamic";

/** GET /api/console/dashboards/approvers?range= : the rubber-stamp watch, per approver. */
export const GET = consoleJsonRoute("dashboards:read", ({ search }) => getApproverStats(getPool(), parseApproverStatsQuery(search)));
