"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { cancelSimulation } from "@/lib/simulation/cancel-simulation";
import { setDraftShadow } from "@/lib/simulation/set-draft-shadow";
import { notifySimulationRunner } from "@/lib/simulation/simulation-runner";
import { startSimulation } from "@/lib/simulation/start-simulation";

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** Queues the run and wakes this process's runner; the revalidated page shows the new run, which then polls. */
export async function startSimulationAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const state = await runForm(formData, async () => {
    await startSimulation(getPrisma(), actor, { draftId, days: text(formData, "days") || undefined });
    return { message: "Simulation started." };
  });
  if (state.ok) {
    notifySimulationRunner();
    revalidatePath(`/drafts/${draftId}`);
  }
  return state;
}

export async function cancelSimulationAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const state = await runForm(formData, async () => {
    await cancelSimulation(getPrisma(), actor, { runId: text(formData, "runId") });
    return { message: "Simulation cancelled." };
  });
  if (state.ok) revalidatePath(`/drafts/${draftId}`);
  return state;
}

export async function setDraftShadowAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const draftId = text(formData, "draftId");
  const state = await runForm(formData, async () => {
    const result = await setDraftShadow(getPrisma(), actor, { draftId, shadow: text(formData, "shadow") });
    return { message: result.shadow ? "Shadow mode is on: live decisions are also evaluated against this draft." : "Shadow mode is off." };
  });
  if (state.ok) revalidatePath(`/drafts/${draftId}`);
  return state;
}
