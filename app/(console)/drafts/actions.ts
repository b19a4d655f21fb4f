"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { JsonInputError, parseExactJson } from "@/lib/exact-json";
import { createDraft } from "@/lib/policy/create-draft";
import { editDraft, isListSection, LIST_SECTIONS } from "@/lib/policy/edit-draft";
import { importPolicy } from "@/lib/policy/import-policy";
import { checkIntentActionsChoice } from "@/lib/policy/intent-actions-choice";
import { lowerExactNumbers } from "@/lib/policy/validate-policy";
import { reviewDraft } from "@/lib/policy/review-draft";
import { discardDraft } from "@/lib/policy/discard-draft";
import { submitDraft } from "@/lib/policy/submit-draft";

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

export async function createDraftAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  let draftId = "";
  const fromVersion = text(formData, "fromVersion");
  const section = text(formData, "section");
  const state = await runForm(formData, async () => {
    const draft = await createDraft(getPrisma(), actor, {
      fromVersion: fromVersion ? Number(fromVersion) : undefined,
      title: text(formData, "title"),
      section: isListSection(section) ? section : undefined,
    });
    draftId = draft.id;
    return { message: "Draft created." };
  });
  // Started from a section's "Change this": open the draft with that section first (above the diff, so no anchor: the name stays in view).
  if (state.ok) redirect(isListSection(section) ? `/drafts/${draftId}?section=${section}` : `/drafts/${draftId}`);
  return state;
}

export async function importDraftAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  let draftId = "";
  const state = await runForm(formData, async () => {
    const file = formData.get("file");
    const uploaded = file instanceof File && file.size > 0 ? await file.text() : "";
    const source = uploaded || text(formData, "text");
    if (!source.trim()) throw new AppError("validation_failed", "Choose a file or paste a policy document.", [{ path: "text", message: "Nothing to import" }]);
    const format = text(formData, "format");
    const result = await importPolicy(getPrisma(), actor, {
      text: source,
      format: format === "json" || format === "yaml" ? format : undefined,
      publish: false,
      reason: "",
      source: "console",
      title: text(formData, "title") || "Imported policy",
    });
    draftId = result.id;
    return { message: "Imported as a draft." };
  });
  if (state.ok) redirect(`/drafts/${draftId}`);
  return state;
}

export async function saveDraftItemAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const section = text(formData, "section");
  const state = await runForm(formData, async () => {
    if (!isListSection(section)) throw new AppError("validation_failed", "Unknown section.");
    let item: unknown;
    try {
      // Read exactly: an amount typed into the form keeps its digits (lib/exact-json.ts).
      item = lowerExactNumbers(parseExactJson(text(formData, "item")), false);
    } catch (error) {
      // The detail ("appears more than once", a param name typed twice) goes on its field; the form's summary is the usual one.
      if (error instanceof JsonInputError && error.field) throw new AppError("validation_failed", `The ${LIST_SECTIONS[section].noun} has errors.`, [{ path: error.path, message: error.message }]);
      throw new AppError("validation_failed", "The form could not be read. Reload the page and try again.");
    }
    const originalKey = text(formData, "originalKey") || null;
    if (section === "intents") checkIntentActionsChoice(text(formData, "actionsChoice"), item);
    await editDraft(getPrisma(), actor, { draftId, revision: Number(text(formData, "revision")), edit: { section, op: "upsert", originalKey, item } });
    return { message: "Saved to the draft." };
  });
  if (state.ok) {
    revalidatePath(`/drafts/${draftId}`);
    redirect(`/drafts/${draftId}#${section}`);
  }
  return state;
}

export async function removeDraftItemAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const section = text(formData, "section");
  const state = await runForm(formData, async () => {
    if (!isListSection(section)) throw new AppError("validation_failed", "Unknown section.");
    await editDraft(getPrisma(), actor, { draftId, revision: Number(text(formData, "revision")), edit: { section, op: "remove", key: text(formData, "key") } });
    return { message: "Removed from the draft." };
  });
  if (state.ok) revalidatePath(`/drafts/${draftId}`);
  return state;
}

export async function submitDraftAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const state = await runForm(formData, async () => {
    await submitDraft(getPrisma(), actor, { draftId, revision: text(formData, "revision"), reason: text(formData, "reason") });
    return { message: "Sent for review." };
  });
  if (state.ok) revalidatePath(`/drafts/${draftId}`);
  return state;
}

export async function reviewDraftAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const state = await runForm(formData, async () => {
    const result = await reviewDraft(getPrisma(), actor, {
      draftId,
      revision: text(formData, "revision"),
      verdict: text(formData, "verdict") as "approve" | "reject",
      comment: text(formData, "comment"),
      publishWithoutSimulation: formData.get("publishWithoutSimulation") === "on",
    });
    return { message: result.published ? `Approved and published as version ${result.published}.` : result.verdict === "approve" ? `Approved. Still needed: ${result.missing.join("; ")}.` : "Sent back to the author." };
  });
  if (state.ok) {
    revalidatePath(`/drafts/${draftId}`);
    revalidatePath("/policy-versions");
  }
  return state;
}

export async function discardDraftAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    await discardDraft(getPrisma(), actor, { draftId: text(formData, "draftId") });
    return { message: "Draft discarded." };
  });
  if (state.ok) redirect("/policy-versions");
  return state;
}
