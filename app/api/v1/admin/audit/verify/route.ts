import { consoleJsonRoute } from "@/lib/api/console-route";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { getPrisma } from "@/lib/db/prisma";

export const dynamic = "force-dynamic";

/** The admin check of the whole audit chain (console session with audit:read). */
export const GET = consoleJsonRoute("audit:read", () => verifyAuditChain(getPrisma()));
