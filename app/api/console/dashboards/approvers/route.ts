import { getApproverStats } from "@/lib/dashboards/get-approver-stats";
import { parseApproverStatsQuery } from "@/lib/dashboards/schemas";
import { serveDashboardRoute } from "@/lib/dashboards/serve-dashboard-route";

export const dynamic = "force-dynamic";

/** GET /api/console/dashboards/approvers?range= : the rubber-stamp watch, per approver. */
export function GET(request: Request) {
  return serveDashboardRoute(request, (db, params) => getApproverStats(db, parseApproverStatsQuery(params)));
}
