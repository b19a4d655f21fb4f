"use server";

import { signOutEverywhere } from "@/lib/auth/sign-out-everywhere";
import { requireUser } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";

export async function signOutEverywhereAction(): Promise<{ sessionsEnded: number }> {
  const actor = await requireUser();
  return signOutEverywhere(getPrisma(), actor);
}
