import { consoleJsonRoute } from "@/lib/api/console-route";
import { getDashboard } from "@/lib/dashboards/get-dashboard";
import { parseDashboardQuery } from "@/lib/dashboards/schemas";
import { getPool } from "@/lib/db/pool";

export const dynamic = "force-dynamic";

/** GET /api/console/dashboards?range=24h|7d|30d|90d&action=&agent=&tier= : every chart of the dashboards page. */
export const GET = consoleJsonRoute("dashboards:read", ({ search }) => getDashboard(getPool(), parseDashboardQuery(search)));
