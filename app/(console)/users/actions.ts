"use server";

import { revalidatePath } from "next/cache";
import { generatePassword } from "@/lib/auth/password";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import type { Role } from "@/lib/policy/roles";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { updateUserRoles } from "@/lib/users/update-user-roles";

export async function createUserAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const password = generatePassword();
  const state = await runForm(formData, async () => {
    const user = await createUser(getPrisma(), actor, {
      name: String(formData.get("name") ?? ""),
      email: String(formData.get("email") ?? ""),
      roles: formData.getAll("roles").map(String) as Role[],
      password,
    });
    return { message: `Added ${user.name} (${user.email}). Give them this password by a safe channel: it is shown only once.`, secret: password };
  });
  if (!state.ok) state.values.roles = formData.getAll("roles").map(String).join(",");
  else revalidatePath("/users");
  return state;
}

export async function updateRolesAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    await updateUserRoles(getPrisma(), actor, { userId: String(formData.get("userId") ?? ""), roles: formData.getAll("roles").map(String) as Role[] });
    return { message: `Roles saved for ${String(formData.get("name") ?? "this person")}.` };
  });
  if (!state.ok) state.values.roles = formData.getAll("roles").map(String).join(",");
  else revalidatePath("/users");
  return state;
}

export async function setDisabledAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const disabled = formData.get("disabled") === "true";
  const state = await runForm(formData, async () => {
    const user = await setUserDisabled(getPrisma(), actor, { userId: String(formData.get("userId") ?? ""), disabled, reason: String(formData.get("reason") ?? "") });
    return { message: disabled ? `${user.name} can no longer sign in.` : `${user.name} can sign in again.` };
  });
  if (state.ok) revalidatePath("/users");
  return state;
}
