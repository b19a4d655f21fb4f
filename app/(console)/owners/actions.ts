"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { sendTestOwnerNotification, setOwnerWebhook } from "@/lib/webhooks/configure-owner-webhook";

export async function setOwnerWebhookAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await setOwnerWebhook(getPrisma(), actor, {
      ownerKey: String(formData.get("ownerKey") ?? ""),
      url: String(formData.get("url") ?? ""),
      format: String(formData.get("format") ?? "generic") as "generic",
    });
    if (!result.url) return { message: result.changed ? `${result.owner}'s notification webhook removed.` : "Nothing to remove." };
    if (result.secret) return { message: `Saved. Copy the signing secret now: it is shown only once.`, secret: result.secret };
    return { message: result.changed ? "Format saved; the signing secret is unchanged." : "Nothing changed." };
  });
  if (state.ok) revalidatePath("/owners");
  return state;
}

export async function testOwnerWebhookAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    await sendTestOwnerNotification(getPrisma(), actor, { ownerKey: String(formData.get("ownerKey") ?? "") });
    return { message: "Test notification queued: its delivery shows below within seconds (reload)." };
  });
  revalidatePath("/owners");
  return state;
}
