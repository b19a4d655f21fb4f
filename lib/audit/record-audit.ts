import type { Tx } from "@/lib/db/prisma";
import { canonicalJson, sha256Hex } from "@/lib/engine/canonical";
import type { Actor } from "./actor";

export interface AuditEvent {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditContent {
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data: unknown;
}

/** SHA-256 over the canonical form of an entry's own content; seals chain these (lib/audit). */
export function hashAuditContent(content: AuditContent): string {
  return sha256Hex(canonicalJson(content));
}

/**
 * The content an entry is hashed over. `event.data` is round-tripped through JSON so what is hashed
 * is exactly what JSONB stores; a caller whose data is already plain JSON (strings, finite numbers,
 * booleans, null, arrays and plain objects, nothing undefined) may say so and skip the copy.
 */
export function buildAuditContent(actor: Actor, event: AuditEvent, at: Date, options: { plainJson?: boolean } = {}): AuditContent {
  return {
    occurredAt: at.toISOString(),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId ?? null,
    data: options.plainJson ? (event.data ?? {}) : JSON.parse(JSON.stringify(event.data ?? {})),
  };
}

/** Writes one audit entry inside the caller's transaction: the change and its record commit together. */
export async function recordAudit(tx: Tx, actor: Actor, event: AuditEvent, at = new Date()): Promise<void> {
  const content = buildAuditContent(actor, event, at);
  await tx.auditEntry.create({
    data: {
      occurredAt: at,
      actorType: content.actorType as Actor["type"],
      actorId: content.actorId,
      actorLabel: content.actorLabel,
      action: content.action,
      subjectType: content.subjectType,
      subjectId: content.subjectId,
      data: content.data as object,
      hash: hashAuditContent(content),
    },
  });
}
