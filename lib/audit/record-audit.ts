import type { Tx } from "@/lib/db/prisma";
import { getKeyStore } from "@/lib/keys/current-key-store";
import type { Actor } from "./actor";
import { entryMac, hashAuditContent, newNonce, type AuditContent } from "./entry-format";

export { hashAuditContent, type AuditContent } from "./entry-format";

export interface AuditEvent {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * The content an entry is hashed over, with a fresh nonce. `event.data` is round-tripped through
 * JSON so what is hashed is exactly what JSONB stores; a caller whose data is already plain JSON
 * (strings, finite numbers, booleans, null, arrays and plain objects, nothing undefined) may say
 * so and skip the copy.
 */
export function buildAuditContent(actor: Pick<Actor, "type" | "id" | "label">, event: AuditEvent, at: Date, options: { plainJson?: boolean } = {}): AuditContent {
  return {
    occurredAt: at.toISOString(),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId ?? null,
    data: options.plainJson ? (event.data ?? {}) : JSON.parse(JSON.stringify(event.data ?? {})),
    nonce: newNonce(),
  };
}

/** An audit entry as its columns, ready for insertAuditRows or auditInsertSelect. */
export interface AuditRow {
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  data: unknown;
  nonce: string;
  hash: string;
  mac: string;
}

/** The row for one event: content, nonce, hash and MAC, in the one format every writer uses. */
export function buildAuditRow(actor: Pick<Actor, "type" | "id" | "label">, event: AuditEvent, at: Date, options: { plainJson?: boolean } = {}): AuditRow {
  const content = buildAuditContent(actor, event, at, options);
  const hash = hashAuditContent(content);
  return {
    occurred_at: content.occurredAt,
    actor_type: content.actorType,
    actor_id: content.actorId,
    actor_label: content.actorLabel,
    action: content.action,
    subject_type: content.subjectType,
    subject_id: content.subjectId,
    data: content.data,
    nonce: content.nonce!,
    hash,
    mac: entryMac(getKeyStore().currentMac(), hash),
  };
}

const COLUMNS = "occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, data, nonce, hash, mac";
const RECORD_TYPES = `occurred_at timestamptz, actor_type "ActorType", actor_id text, actor_label text, action text, subject_type text, subject_id text, data jsonb, nonce text, hash text, mac text`;

const COLUMN_TYPES: [keyof AuditRow, string][] = [
  ["occurred_at", "timestamptz"],
  ["actor_type", '"ActorType"'],
  ["actor_id", "text"],
  ["actor_label", "text"],
  ["action", "text"],
  ["subject_type", "text"],
  ["subject_id", "text"],
  ["data", "jsonb"],
  ["nonce", "text"],
  ["hash", "text"],
  ["mac", "text"],
];

/** An AuditRow's fields under `prefix`, for a row that carries its audit entry flat ({ audit_hash, … }). */
export function prefixAuditRow<P extends string>(prefix: P, row: AuditRow): { [K in keyof AuditRow as `${P}${K}`]: AuditRow[K] } {
  const out: Record<string, unknown> = {};
  for (const [column] of COLUMN_TYPES) out[prefix + column] = row[column];
  return out as { [K in keyof AuditRow as `${P}${K}`]: AuditRow[K] };
}

/** Column definitions ("audit_hash text, …") for a jsonb_to_recordset that carries prefixed audit fields. */
export function prefixedAuditColumns(prefix: string): string {
  return COLUMN_TYPES.map(([column, type]) => `${prefix}${column} ${type}`).join(", ");
}

/**
 * SQL inserting, for each row of `from`, the audit entry it carries flat under `prefix` (as
 * written by prefixAuditRow): for statements that write records and their entries together.
 */
export function auditInsertFromColumns(source: string, prefix: string, from: string, orderBy: string): string {
  return `INSERT INTO audit_entries (${COLUMNS})
   SELECT ${COLUMN_TYPES.map(([column]) => `${source}.${prefix}${column}`).join(", ")} FROM ${from} ORDER BY ${orderBy}`;
}

/**
 * SQL that inserts the AuditRow held in `jsonExpr` for each row of `from` (for a statement that
 * writes its records and their audit entries together, as the decision writer does).
 */
export function auditInsertSelect(jsonExpr: string, from: string, orderBy: string): string {
  return `INSERT INTO audit_entries (${COLUMNS})
   SELECT a.occurred_at, a.actor_type, a.actor_id, a.actor_label, a.action, a.subject_type, a.subject_id, a.data, a.nonce, a.hash, a.mac
     FROM ${from} CROSS JOIN LATERAL jsonb_to_record(${jsonExpr}) AS a(${RECORD_TYPES}) ORDER BY ${orderBy}`;
}

/** SQL inserting every AuditRow of the JSON array parameter `param`, in array order. */
export function auditInsertFromArray(param: string): string {
  return `INSERT INTO audit_entries (${COLUMNS})
   SELECT ${COLUMNS} FROM jsonb_to_recordset(${param}::jsonb) AS a(${RECORD_TYPES})`;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Writes audit rows on a pg connection (inside the caller's transaction, if any), in order. */
export async function insertAuditRows(client: Queryable, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(auditInsertFromArray("$1"), [JSON.stringify(rows)]);
}

/** Writes one audit entry on a pg connection: the raw-SQL paths' form of recordAudit. */
export async function writeAudit(client: Queryable, actor: Pick<Actor, "type" | "id" | "label">, event: AuditEvent, at = new Date()): Promise<void> {
  await insertAuditRows(client, [buildAuditRow(actor, event, at)]);
}

/** Writes one audit entry inside the caller's Prisma transaction: the change and its record commit together. */
export async function recordAudit(tx: Tx, actor: Actor, event: AuditEvent, at = new Date()): Promise<void> {
  const row = buildAuditRow(actor, event, at);
  await tx.auditEntry.create({
    data: {
      occurredAt: at,
      actorType: row.actor_type as Actor["type"],
      actorId: row.actor_id,
      actorLabel: row.actor_label,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      data: row.data as object,
      nonce: row.nonce,
      hash: row.hash,
      mac: row.mac,
    },
  });
}
