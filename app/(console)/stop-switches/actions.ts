"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { pause } from "@/lib/stop-switches/pause";
import { resume } from "@/lib/stop-switches/resume";
import type { StopTarget } from "@/lib/stop-switches/schemas";

function targetFrom(formData: FormData): StopTarget {
  const scope = String(formData.get("scope") ?? "all");
  const target = String(formData.get("target") ?? "");
  return (scope === "all" ? { scope } : { scope, target }) as StopTarget;
}

function label(target: StopTarget): string {
  return target.scope === "all" ? "everything" : `${target.scope} ${target.target}`;
}

export async function pauseAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const target = targetFrom(formData);
    await pause(getPrisma(), actor, { target, reason: String(formData.get("reason") ?? "") });
    return { message: `Paused ${label(target)}. Agents are denied within a second.` };
  });
  // Every page: the console's layout shows the stops in force.
  if (state.ok) revalidatePath("/", "layout");
  return state;
}

export async function resumeAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const target = targetFrom(formData);
    await resume(getPrisma(), actor, { target, reason: String(formData.get("reason") ?? "") });
    return { message: `Resumed ${label(target)}.` };
  });
  // Every page: the console's layout shows the stops in force.
  if (state.ok) revalidatePath("/", "layout");
  return state;
}
