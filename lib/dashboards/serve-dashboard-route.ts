import { json, problem, toFetch } from "@/lib/api/http";
import { can } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { getPool } from "@/lib/db/pool";
import { AppError, isAppError } from "@/lib/errors";
import type { DashboardDb } from "./get-dashboard";

/**
 * The console's dashboard routes: a signed-in person with dashboards:read (401 and 403 otherwise),
 * query parameters validated by `load` (400 with the fields), JSON answers, problem+json errors
 * that never echo an internal message.
 */
export async function serveDashboardRoute(request: Request, load: (db: DashboardDb, params: URLSearchParams) => Promise<unknown>): Promise<Response> {
  try {
    const actor = await getSessionActor();
    if (!actor) throw new AppError("unauthenticated", "Sign in to the console first.");
    if (!can(actor.roles, "dashboards:read")) throw new AppError("forbidden", "Your roles do not include the dashboards.");
    return toFetch(json(200, await load(getPool(), new URL(request.url).searchParams)));
  } catch (error) {
    if (isAppError(error)) return toFetch(problem(error));
    console.error("mandate: dashboard route failed", error);
    return toFetch(problem(new AppError("internal", "internal")));
  }
}
