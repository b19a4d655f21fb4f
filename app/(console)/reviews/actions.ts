"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { addReviewNote } from "@/lib/reviews/add-review-note";
import { assignReviewCase } from "@/lib/reviews/assign-review-case";
import { bulkUpdateReviewCases } from "@/lib/reviews/bulk-update-review-cases";
import { labelReviewCase } from "@/lib/reviews/label-review-case";
import { resolveReviewCase } from "@/lib/reviews/resolve-review-case";
import { labelName, REVIEW_LABELS, type ReviewLabel } from "@/lib/reviews/schemas";
import { startDraftFromCase } from "@/lib/reviews/start-draft-from-case";

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

function revalidateCase(caseId: string): void {
  revalidatePath("/reviews");
  if (/^rev_[A-Za-z0-9_-]+$/.test(caseId)) revalidatePath(`/reviews/${caseId}`);
}

export async function assignReviewCaseAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseId = text(formData, "caseId");
  const state = await runForm(formData, async () => {
    const assign = text(formData, "assign") === "nobody" ? "nobody" : "me";
    await assignReviewCase(getPrisma(), actor, { caseId, assign });
    return { message: assign === "me" ? "Assigned to you." : "Unassigned: the case is open for anyone." };
  });
  revalidateCase(caseId);
  return state;
}

export async function labelReviewCaseAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseId = text(formData, "caseId");
  // Each toggle button submits "<label>:add" or "<label>:remove", so one form serves every label.
  const [rawLabel, change] = text(formData, "toggle").split(":");
  const label = (rawLabel ?? "") as ReviewLabel;
  const on = change === "add";
  const state = await runForm(formData, async () => {
    await labelReviewCase(getPrisma(), actor, { caseId, add: on ? [label] : [], remove: on ? [] : [label] });
    return { message: (REVIEW_LABELS as readonly string[]).includes(label) ? `${on ? "Labelled" : "Removed the label"} “${labelName(label)}”.` : "Labels saved." };
  });
  revalidateCase(caseId);
  return state;
}

export async function addReviewNoteAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseId = text(formData, "caseId");
  const state = await runForm(formData, async () => {
    await addReviewNote(getPrisma(), actor, { caseId, body: text(formData, "body") });
    return { message: "Note added." };
  });
  revalidateCase(caseId);
  return state;
}

export async function resolveReviewCaseAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseId = text(formData, "caseId");
  const state = await runForm(formData, async () => {
    const status = text(formData, "status");
    const result = await resolveReviewCase(getPrisma(), actor, { caseId, status: status as "resolved" | "dismissed", outcome: text(formData, "outcome") });
    return { message: result.status === "resolved" ? "Resolved." : "Dismissed." };
  });
  revalidateCase(caseId);
  return state;
}

export async function bulkReviewAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseIds = formData.getAll("caseId").filter((v): v is string => typeof v === "string");
  const op = text(formData, "op");
  const state = await runForm(formData, async () => {
    const input =
      op === "label"
        ? { op: "label" as const, caseIds, label: text(formData, "label") as ReviewLabel }
        : op === "dismiss"
          ? { op: "dismiss" as const, caseIds, outcome: text(formData, "outcome") }
          : { op: "assign_me" as const, caseIds };
    const result = await bulkUpdateReviewCases(getPrisma(), actor, input);
    const verb = op === "label" ? `Labelled “${labelName(text(formData, "label"))}” on` : op === "dismiss" ? "Dismissed" : "Assigned to you:";
    const skipped = result.skipped.length ? ` Skipped ${result.skipped.length}: ${[...new Set(result.skipped.map((s) => s.reason))].join("; ")}` : "";
    return { message: `${verb} ${result.changed.length} case${result.changed.length === 1 ? "" : "s"}.${skipped}` };
  });
  revalidatePath("/reviews");
  return state;
}

export async function startDraftFromCaseAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const caseId = text(formData, "caseId");
  let target = "";
  const state = await runForm(formData, async () => {
    const draft = await startDraftFromCase(getPrisma(), actor, { caseId });
    // Straight to the action's editor when this person may edit actions; the draft otherwise.
    target = draft.actionKey && can(actor.roles, "policy:edit:actions") ? `/drafts/${draft.draftId}/actions?key=${encodeURIComponent(draft.actionKey)}` : `/drafts/${draft.draftId}`;
    return { message: "Draft started." };
  });
  revalidateCase(caseId);
  if (state.ok) redirect(target);
  return state;
}
