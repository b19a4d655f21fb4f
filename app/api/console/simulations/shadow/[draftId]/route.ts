import { can } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getShadowSummary } from "@/lib/simulation/queries";
import { isUuid } from "@/lib/validation";

export const dynamic = "force-dynamic";

function problem(status: number, code: string, detail: string) {
  return Response.json({ type: `/api/v1/errors#${code}`, title: detail, status, code, detail }, { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } });
}

/** A draft's shadow counts and latest differing decisions: what the Shadow card polls. */
export async function GET(_: Request, { params }: { params: Promise<{ draftId: string }> }) {
  const actor = await getSessionActor();
  if (!actor) return problem(401, "unauthenticated", "Sign in to the console first.");
  if (!can(actor.roles, "policy:read")) return problem(403, "forbidden", "Your roles do not include reading the policy.");
  const { draftId } = await params;
  if (!isUuid(draftId)) return problem(404, "not_found", "No such draft.");
  const summary = await getShadowSummary(getPrisma(), draftId);
  if (!summary) return problem(404, "not_found", "No such draft.");
  return Response.json(summary, { headers: { "cache-control": "no-store" } });
}
