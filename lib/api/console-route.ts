import type { Actor } from "@/lib/audit/actor";
import { can, type Permission } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { AppError, isAppError } from "@/lib/errors";
import { json, problem, toFetch } from "./http";
import { componentLogger } from "@/lib/logger";

/**
 * A console JSON route (what the console's pages poll): the signed-in person must hold
 * `permission` (401 signed out, 403 without it); `load` answers the body, or throws an AppError
 * that becomes the same problem+json as the agent API's (a 4xx naming what is wrong); anything
 * else is logged and answered 500 without its message.
 */
export function consoleJsonRoute<Params = Record<string, never>>(
  permission: Permission,
  load: (input: { actor: Actor; search: URLSearchParams; params: Params }) => Promise<unknown>,
): (request: Request, context: { params: Promise<Params> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const actor = await getSessionActor();
      if (!actor) throw new AppError("unauthenticated", "Sign in to the console first.");
      if (!can(actor.roles, permission)) throw new AppError("forbidden", "Your roles do not allow this.");
      const params = ((await context?.params) ?? {}) as Params;
      return toFetch(json(200, await load({ actor, search: new URL(request.url).searchParams, params })));
    } catch (error) {
      if (isAppError(error) && error.status < 500) return toFetch(problem(error));
      componentLogger("console").error({ err: error, path: new URL(request.url).pathname }, "console route failed");
      return toFetch(problem(isAppError(error) ? error : new AppError("internal", "internal")));
    }
  };
}
