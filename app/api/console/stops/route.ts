import { consoleJsonRoute } from "@/lib/api/console-route";
import { getPrisma } from "@/lib/db/prisma";
import { listActiveStops } from "@/lib/stop-switches/queries";

export const dynamic = "force-dynamic";

/** GET /api/console/stops: the stops in force, for the banner every console page shows (any signed-in person). */
export const GET = consoleJsonRoute("stop:read", async () => ({ stops: await listActiveStops(getPrisma()) }));
