import { createHash } from "node:crypto";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Tx } from "@/lib/db/prisma";
import { canonicalJson } from "@/lib/engine/canonical";
import type { PolicyDocument } from "./document-schema";

export function policyChecksum(document: PolicyDocument): string {
  return "sha256:" + createHash("sha256").update(canonicalJson(document)).digest("hex");
}

// Any fixed key: publishes are serialised so version numbers never collide.
const PUBLISH_LOCK_KEY = 72_707_369_002;

/**
 * Freezes a validated document as the next numbered version, inside the caller's transaction,
 * with its audit entry. Callers decide who may publish (console review, or the CLI operator).
 */
export async function publishPolicyVersion(
  tx: Tx,
  actor: Actor,
  input: {
    document: PolicyDocument;
    reason: string;
    source: "console" | "cli" | "seed";
    draftId?: string | null;
    /** Who proposed the change; defaults to the acting user. */
    publishedById?: string | null;
    approvedById?: string | null;
    restoredFrom?: number | null;
  },
) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_KEY}::bigint)`;
  const latest = await tx.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
  const version = (latest?.version ?? 0) + 1;
  const created = await tx.policyVersion.create({
    data: {
      version,
      document: input.document as object,
      checksum: policyChecksum(input.document),
      reason: input.reason,
      source: input.source,
      draftId: input.draftId ?? null,
      publishedById: input.publishedById !== undefined ? input.publishedById : actor.type === "user" ? actor.id : null,
      approvedById: input.approvedById ?? null,
      restoredFrom: input.restoredFrom ?? null,
    },
    select: { id: true, version: true, checksum: true, createdAt: true },
  });
  await recordAudit(tx, actor, {
    action: "policy.publish",
    subjectType: "policy_version",
    subjectId: created.id,
    data: { version, checksum: created.checksum, reason: input.reason, source: input.source, draft_id: input.draftId ?? null },
  });
  return created;
}
