import { json, problem, toFetch } from "@/lib/api/http";
import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { AppError, isAppError } from "@/lib/errors";
import { listActiveStops } from "@/lib/stop-switches/queries";

export const dynamic = "force-dynamic";

/** GET /api/console/stops: the stops in force, for the banner every console page shows (any signed-in person). */
export async function GET(): Promise<Response> {
  try {
    if (!(await getSessionActor())) throw new AppError("unauthenticated", "Sign in to the console first.");
    return toFetch(json(200, { stops: await listActiveStops(getPrisma()) }));
  } catch (error) {
    if (isAppError(error)) return toFetch(problem(error));
    console.error("mandate: reading the stops in force failed", error);
    return toFetch(problem(new AppError("internal", "internal")));
  }
}
