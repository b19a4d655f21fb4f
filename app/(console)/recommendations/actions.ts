"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { acceptRecommendation } from "@/lib/autonomy/accept-recommendation";
import { dismissRecommendation } from "@/lib/autonomy/dismiss-recommendation";
import { generateRecommendations } from "@/lib/autonomy/generate-recommendations";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** Accept (a draft is created and opened) or dismiss, from the same form: the button pressed says which. */
export async function decideRecommendationAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const verdict = text(formData, "verdict");
  const input = { recommendationId: text(formData, "recommendationId"), reason: text(formData, "reason"), fingerprint: text(formData, "fingerprint") || undefined };
  let draftId = "";
  const state = await runForm(formData, async () => {
    if (verdict === "accept") {
      draftId = (await acceptRecommendation(getPrisma(), actor, input)).draftId;
      return { message: "Accepted: the draft is ready for simulation and review." };
    }
    await dismissRecommendation(getPrisma(), actor, input);
    return { message: "Dismissed. The same change will not be recommended again for 30 days." };
  });
  if (state.ok) {
    revalidatePath("/recommendations");
    revalidatePath("/scorecards", "layout");
    if (draftId) redirect(`/drafts/${draftId}`);
  }
  return state;
}

/** Runs the rules now rather than at the next 10-minute round. */
export async function generateRecommendationsAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await generateRecommendations(getPrisma(), actor);
    if (!result.ran) return { message: "The rules are running in the background right now: reload in a moment." };
    return { message: `The rules ran over ${result.actions} actions: ${result.created} new, ${result.refreshed} refreshed, ${result.retired} retired.` };
  });
  if (state.ok) {
    revalidatePath("/recommendations");
    revalidatePath("/scorecards", "layout");
  }
  return state;
}
