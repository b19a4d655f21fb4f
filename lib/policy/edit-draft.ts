import { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError, type FieldError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation";
import { actionSchema, dataSourceSchema, forbiddenSchema, intentSchema, ownerSchema, riskTierSchema, toolMappingKey, toolMappingSchema, type PolicyDocument } from "./document-schema";
import { policySection, sectionsChanged, type SectionKey } from "./sections";
import { validatePolicyDocument } from "./validate-policy";

type Item = Record<string, unknown>;

interface ListSectionSpec {
  schema: z.ZodType;
  noun: string;
  /** What identifies an item within its section: in the editor's URL, a remove, the audit entry. */
  keyOf: (item: Item) => string;
  /** The item field a clash with another item's key is reported on. */
  keyPath: string;
}

const byField = (field: string) => (item: Item) => String(item[field]);

/** The list sections of the document, each item validated by its schema and identified by keyOf. */
export const LIST_SECTIONS = {
  actions: { schema: actionSchema, noun: "action", keyOf: byField("key"), keyPath: "key" },
  risk_tiers: { schema: riskTierSchema, noun: "risk tier", keyOf: byField("key"), keyPath: "key" },
  owners: { schema: ownerSchema, noun: "owner", keyOf: byField("key"), keyPath: "key" },
  data_sources: { schema: dataSourceSchema, noun: "data source", keyOf: byField("key"), keyPath: "key" },
  intents: { schema: intentSchema, noun: "intent", keyOf: byField("key"), keyPath: "key" },
  forbidden: { schema: forbiddenSchema, noun: "forbidden action", keyOf: byField("action"), keyPath: "action" },
  tools: { schema: toolMappingSchema, noun: "tool mapping", keyOf: (item: Item) => toolMappingKey(item), keyPath: "tool" },
} as const satisfies Record<Exclude<SectionKey, "settings">, ListSectionSpec>;

export type ListSection = keyof typeof LIST_SECTIONS;

export type DraftEdit =
  | { section: ListSection; op: "upsert"; originalKey: string | null; item: unknown }
  | { section: ListSection; op: "remove"; key: string }
  | { section: "document"; op: "replace"; document: unknown };

export function isListSection(value: string): value is ListSection {
  return Object.hasOwn(LIST_SECTIONS, value);
}

function apply(document: PolicyDocument, edit: DraftEdit): { next: unknown; index: number | null } {
  if (edit.section === "document") return { next: edit.document, index: null };
  const spec = LIST_SECTIONS[edit.section];
  const list = [...((document[edit.section] as Item[] | undefined) ?? [])];
  const indexOf = (key: string | null) => (key === null ? -1 : list.findIndex((item) => spec.keyOf(item) === key));
  if (edit.op === "remove") {
    const at = indexOf(edit.key);
    if (at < 0) throw new AppError("not_found", `There is no ${spec.noun} ${edit.key} in this draft.`);
    list.splice(at, 1);
    return { next: { ...document, [edit.section]: list }, index: null };
  }
  const parsed = spec.schema.safeParse(edit.item);
  if (!parsed.success) throw new AppError("validation_failed", `The ${spec.noun} has errors.`, fieldErrors(parsed.error));
  const item = parsed.data as Item;
  const at = indexOf(edit.originalKey);
  if (edit.originalKey !== null && at < 0) throw new AppError("not_found", `There is no ${spec.noun} ${edit.originalKey} in this draft.`);
  const clash = list.findIndex((existing, i) => i !== at && spec.keyOf(existing) === spec.keyOf(item));
  if (clash >= 0) throw new AppError("validation_failed", `Another ${spec.noun} already uses ${spec.keyOf(item)}.`, [{ path: spec.keyPath, message: "Already in use" }]);
  if (at >= 0) list[at] = item;
  else list.push(item);
  return { next: { ...document, [edit.section]: list }, index: at >= 0 ? at : list.length - 1 };
}

/** Errors on the edited item come back relative to it (for the form); others name their place. */
function localise(errors: FieldError[], section: string, index: number | null): FieldError[] {
  const prefix = index === null ? null : `${section}[${index}]`;
  return errors.map((e) => {
    if (prefix && (e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`))) {
      return { path: e.path.slice(prefix.length).replace(/^\./, ""), message: e.message };
    }
    return { path: "form", message: `${e.path ? `${e.path}: ` : ""}${e.message}` };
  });
}

/**
 * Applies one edit to a draft. Only the section's owners may make it (checked here, whatever the
 * form showed); the whole document must still validate; and `revision` must be the one the editor
 * opened, so two people never silently overwrite each other.
 */
export async function editDraft(db: Db, actor: Actor, input: { draftId: string; revision: number; edit: DraftEdit }) {
  const { edit } = input;
  authorize(actor, policySection(edit.section === "document" ? "settings" : edit.section).permission);

  return db.$transaction(async (tx) => {
    const draft = await tx.policyDraft.findUnique({ where: { id: input.draftId }, select: { id: true, status: true, revision: true, document: true, updatedByLabel: true, authorLabel: true } });
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    if (draft.status === "published" || draft.status === "discarded") throw new AppError("conflict", `This draft is ${draft.status}: start a new draft to change the policy.`);
    if (draft.revision !== input.revision) {
      throw new AppError("stale_revision", `This draft was changed by ${draft.updatedByLabel ?? draft.authorLabel} since you opened it. Reload to see their changes, then apply yours again.`);
    }
    const { next, index } = apply(draft.document as unknown as PolicyDocument, edit);
    const validated = validatePolicyDocument(next);
    if (!validated.ok) throw new AppError("validation_failed", "The change would make the policy invalid.", localise(validated.errors, edit.section, index));

    const updated = await tx.policyDraft.updateMany({
      where: { id: draft.id, revision: input.revision },
      data: { document: validated.document as object, revision: { increment: 1 }, status: "open", updatedById: actor.type === "user" ? actor.id : null, updatedByLabel: actor.label, submittedAt: null },
    });
    if (updated.count !== 1) throw new AppError("stale_revision", "This draft was changed by someone else since you opened it. Reload and apply your change again.");
    if (actor.type === "user") {
      // Every section this edit touched: none of its editors may be the approval it needs.
      const touched = new Set<string>(sectionsChanged(draft.document as unknown as PolicyDocument, validated.document));
      if (edit.section !== "document") touched.add(edit.section);
      await tx.policyDraftEditor.createMany({ data: [...touched].map((section) => ({ draftId: draft.id, section, userId: actor.id })), skipDuplicates: true });
    }
    await recordAudit(tx, actor, {
      action: "policy.draft_edit",
      subjectType: "policy_draft",
      subjectId: draft.id,
      data: { section: edit.section, op: edit.op, key: edit.op === "remove" ? edit.key : edit.op === "upsert" ? upsertedKey(validated.document, edit.section, index) : null, revision: input.revision + 1 },
    });
    return { revision: input.revision + 1 };
  });
}

function upsertedKey(document: PolicyDocument, section: ListSection, index: number | null): string | null {
  const item = (document[section] as Item[])[index ?? 0];
  return item ? LIST_SECTIONS[section].keyOf(item) : null;
}
