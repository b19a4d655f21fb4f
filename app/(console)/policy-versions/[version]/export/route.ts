import { stringify } from "yaml";
import { can } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getPolicyVersion } from "@/lib/policy/queries";
import { parsePositiveInt } from "@/lib/validation";

export const dynamic = "force-dynamic";

/** Downloads a published version as JSON or YAML, for teams that keep their policy in git. */
export async function GET(request: Request, { params }: { params: Promise<{ version: string }> }) {
  const actor = await getSessionActor();
  if (!actor) return new Response("Sign in first.", { status: 401 });
  if (!can(actor.roles, "policy:read")) return new Response("Not permitted.", { status: 403 });
  const version = parsePositiveInt((await params).version);
  const found = version === null ? null : await getPolicyVersion(getPrisma(), version);
  if (!found) return new Response("No such version.", { status: 404 });
  const yaml = new URL(request.url).searchParams.get("format") === "yaml";
  const body = yaml ? stringify(found.document) : JSON.stringify(found.document, null, 2) + "\n";
  return new Response(body, {
    headers: {
      "content-type": yaml ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="policy-v${version}.${yaml ? "yaml" : "json"}"`,
    },
  });
}
