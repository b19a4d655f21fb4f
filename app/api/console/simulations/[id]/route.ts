import { can } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { getSimulationRunSummary } from "@/lib/simulation/queries";
import { isUuid } from "@/lib/validation";

export const dynamic = "force-dynamic";

function problem(status: number, code: string, detail: string) {
  return Response.json({ type: `/api/v1/errors#${code}`, title: detail, status, code, detail }, { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } });
}

/** A simulation's progress and, once completed, its impact: what the Simulate card polls every second. */
export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getSessionActor();
  if (!actor) return problem(401, "unauthenticated", "Sign in to the console first.");
  if (!can(actor.roles, "policy:read")) return problem(403, "forbidden", "Your roles do not include reading the policy.");
  const { id } = await params;
  if (!isUuid(id)) return problem(404, "not_found", "No such simulation.");
  const run = await getSimulationRunSummary(getPrisma(), id);
  if (!run) return problem(404, "not_found", "No such simulation.");
  return Response.json(run, { headers: { "cache-control": "no-store" } });
}
