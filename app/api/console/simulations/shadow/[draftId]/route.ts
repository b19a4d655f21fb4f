import { consoleJsonRoute } from "@/lib/api/console-route";
import { getPrisma } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { getShadowSummary } from "@/lib/simulation/queries";
import { isUuid } from "@/lib/validation";

export const dynamic = "force-dynamic";

/** A draft's shadow counts and latest differing decisions: what the Shadow card polls. */
export const GET = consoleJsonRoute<{ draftId: string }>("policy:read", async ({ params }) => {
  const summary = isUuid(params.draftId) ? await getShadowSummary(getPrisma(), params.draftId) : null;
  if (!summary) throw new AppError("not_found", "No such draft.");
  return summary;
});
