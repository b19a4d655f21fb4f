import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { can } from "@/lib/auth/permissions";
import { getSessionActor } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";

export const dynamic = "force-dynamic";

function problem(status: number, code: string, detail: string) {
  return Response.json({ type: `/api/v1/errors#${code}`, title: detail, status, code, detail }, { status, headers: { "content-type": "application/problem+json" } });
}

/** The admin check of the whole audit chain (console session with audit:read). */
export async function GET() {
  const actor = await getSessionActor();
  if (!actor) return problem(401, "unauthenticated", "Sign in to the console first.");
  if (!can(actor.roles, "audit:read")) return problem(403, "forbidden", "Your roles do not include reading the audit log.");
  const result = await verifyAuditChain(getPrisma());
  return Response.json(result, { headers: { "cache-control": "no-store" } });
}
