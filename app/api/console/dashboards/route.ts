import { getDashboard } from "@/lib/dashboards/get-dashboard";
import { parseDashboardQuery } from "@/lib/dashboards/schemas";
import { serveDashboardRoute } from "@/lib/dashboards/serve-dashboard-route";

export const dynamic = "force-dynamic";

/** GET /api/console/dashboards?range=24h|7d|30d|90d&action=&agent=&tier= : every chart of the dashboards page. */
export function GET(request: Request) {
  return serveDashboardRoute(request, (db, params) => getDashboard(db, parseDashboardQuery(params)));
}
