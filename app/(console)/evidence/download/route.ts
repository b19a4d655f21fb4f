import { getPrisma } from "@/lib/db/prisma";
import { downloadRoute } from "@/lib/api/download-route";
import { buildEvidenceBundle } from "@/lib/evidence/build-evidence-bundle";
import { evidencePeriodInput } from "@/lib/evidence/schemas";
import { parseOrThrow } from "@/lib/validation";

export const dynamic = "force-dynamic";

/** The evidence bundle of ?from=…&to=… (or &through=… for an inclusive last day), gzip NDJSON, streamed. */
export const GET = downloadRoute(async (actor, search) => {
  // A blank form field means "not given".
  const input = Object.fromEntries(["from", "to", "through"].flatMap((name) => (search.get(name)?.trim() ? [[name, search.get(name)!.trim()]] : [])));
  const bundle = await buildEvidenceBundle(getPrisma(), actor, parseOrThrow(evidencePeriodInput, input));
  return { body: bundle.gzipStream(), contentType: "application/gzip", fileName: bundle.fileName };
});
