import type { Actor } from "@/lib/audit/actor";
import { getSessionActor } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";

export interface Download {
  body: BodyInit;
  contentType: string;
  fileName: string;
}

/**
 * A console download as a route handler: the signed-in person's request in, a streamed
 * attachment out. Signed out is 401; a mistake in the query (a 4xx AppError) is a plain-text
 * answer naming each bad field, never a 500. What is allowed is decided by `produce` itself.
 */
export function downloadRoute(produce: (actor: Actor, search: URLSearchParams) => Promise<Download>): (request: Request) => Promise<Response> {
  return async (request) => {
    const actor = await getSessionActor();
    if (!actor) return new Response("Sign in first.", { status: 401 });
    try {
      const download = await produce(actor, new URL(request.url).searchParams);
      return new Response(download.body, {
        headers: {
          "content-type": download.contentType,
          "content-disposition": `attachment; filename="${download.fileName}"`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        },
      });
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      const detail = (error.errors ?? []).map((e) => `${e.path}: ${e.message}\n`).join("");
      return new Response(`${error.message}\n${detail}`, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
  };
}
