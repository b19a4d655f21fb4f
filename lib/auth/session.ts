import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "@/lib/audit/actor";
import { getPrisma } from "@/lib/db/prisma";
import { getAuthOptions } from "./auth-options";
import { can, type Permission } from "./permissions";

export type UserActor = Extract<Actor, { type: "user" }> & { email: string; name: string };

/** The signed-in person, read fresh from the database so role changes apply at once. */
export const getSessionActor = cache(async (): Promise<UserActor | null> => {
  const session = await getServerSession(getAuthOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await getPrisma().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, roles: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { type: "user", id: user.id, label: user.email, email: user.email, name: user.name, roles: user.roles };
});

export async function requireUser(): Promise<UserActor> {
  const actor = await getSessionActor();
  if (!actor) redirect("/login");
  return actor;
}

/** For pages: a person without the permission gets the "not permitted" page (HTTP 403). */
export async function requirePermission(permission: Permission): Promise<UserActor> {
  const actor = await requireUser();
  if (!can(actor.roles, permission)) forbidden();
  return actor;
}
