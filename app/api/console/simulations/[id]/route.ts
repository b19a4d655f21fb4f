import { consoleJsonRoute } from "@/lib/api/console-route";
import { getPrisma } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { getSimulationRunSummary } from "@/lib/simulation/queries";
import { isUuid } from "@/lib/validation";

export const dynamic = "force-dynamic";

/** A simulation's progress and, once completed, its impact: what the Simulate card polls every second. */
export const GET = consoleJsonRoute<{ id: string }>("policy:read", async ({ params }) => {
  const run = isUuid(params.id) ? await getSimulationRunSummary(getPrisma(), params.id) : null;
  if (!run) throw new AppError("not_found", "No such simulation.");
  return run;
});
