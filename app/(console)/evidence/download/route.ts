import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { isAppError } from "@/lib/errors";
import { buildEvidenceBundle } from "@/lib/evidence/build-evidence-bundle";
import { evidencePeriodInput } from "@/lib/evidence/schemas";
import { parseOrThrow } from "@/lib/validation";

export const dynamic = "force-dynamic";

/** The evidence bundle of ?from=…&to=… (or &through=… for an inclusive last day), gzip NDJSON, streamed. */
export async function GET(request: Request) {
  const actor = await getSessionActor();
  if (!actor) return new Response("Sign in first.", { status: 401 });
  try {
    const search = new URL(request.url).searchParams;
    // A blank form field means "not given".
    const input = Object.fromEntries(["from", "to", "through"].flatMap((name) => (search.get(name)?.trim() ? [[name, search.get(name)!.trim()]] : [])));
    const bundle = await buildEvidenceBundle(getPrisma(), actor, parseOrThrow(evidencePeriodInput, input));
    return new Response(bundle.gzipStream(), {
      headers: {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="${bundle.fileName}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    const detail = (error.errors ?? []).map((e) => `${e.path}: ${e.message}\n`).join("");
    return new Response(`${error.message}\n${detail}`, { status: error.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
