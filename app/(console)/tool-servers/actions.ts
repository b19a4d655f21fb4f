"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { headersFromForm } from "@/lib/tool-servers/form-headers";
import { refreshToolServer } from "@/lib/tool-servers/refresh-tool-server";
import { registerToolServer } from "@/lib/tool-servers/register-tool-server";
import { removeToolServer } from "@/lib/tool-servers/remove-tool-server";

export async function registerToolServerAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await registerToolServer(getPrisma(), actor, {
      name: String(formData.get("name") ?? ""),
      url: String(formData.get("url") ?? ""),
      headers: headersFromForm(formData),
    });
    const count = result.tools.length;
    return { message: `Registered ${result.name} with ${count} tool${count === 1 ? "" : "s"}.${result.headerNames.length ? " Its header values are stored sealed and will not be shown again." : ""}` };
  });
  if (state.ok) revalidatePath("/tool-servers");
  return state;
}

export async function refreshToolServerAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await refreshToolServer(getPrisma(), actor, { name: String(formData.get("name") ?? "") });
    if (result.status !== "ok") return { message: `${result.name} is ${result.status === "unreachable" ? "unreachable" : "in error"}: ${result.lastError}` };
    return { message: result.change ? `${result.name} refreshed: its tool list changed.` : `${result.name} refreshed: no change.` };
  });
  revalidatePath("/tool-servers");
  return state;
}

export async function removeToolServerAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await removeToolServer(getPrisma(), actor, { name: String(formData.get("name") ?? "") });
    return { message: `Removed ${result.name}.` };
  });
  if (state.ok) revalidatePath("/tool-servers");
  return state;
}
