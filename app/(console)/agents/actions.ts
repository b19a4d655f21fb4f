"use server";

import { revalidatePath } from "next/cache";
import { createAgent } from "@/lib/agents/create-agent";
import { createApiKey } from "@/lib/agents/create-api-key";
import { revokeApiKey } from "@/lib/agents/revoke-api-key";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";
import { sendTestWebhook, setAgentWebhook } from "@/lib/webhooks/configure-webhook";

export async function createAgentAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await createAgent(getPrisma(), actor, {
      name: String(formData.get("name") ?? ""),
      description: String(formData.get("description") ?? ""),
      rateLimitPerSecond: String(formData.get("rateLimitPerSecond") ?? "") as unknown as number,
    });
    return { message: `Created ${result.agent.name}. Copy its API key now: it is shown only once.`, secret: result.apiKey.key };
  });
  if (state.ok) revalidatePath("/agents");
  return state;
}

export async function addKeyAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await createApiKey(getPrisma(), actor, { agentId: String(formData.get("agentId")), rateLimitPerSecond: String(formData.get("rateLimitPerSecond") ?? "50") });
    return { message: `New key for ${result.agent}. Copy it now: it is shown only once.`, secret: result.key };
  });
  if (state.ok) revalidatePath("/agents");
  return state;
}

export async function revokeKeyAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    const result = await revokeApiKey(getPrisma(), actor, { keyId: String(formData.get("keyId")) });
    return { message: `Revoked ${result.prefix}… of ${result.agent}.` };
  });
  if (state.ok) revalidatePath("/agents");
  return state;
}

export async function setWebhookAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const url = String(formData.get("url") ?? "").trim();
  const state = await runForm(formData, async () => {
    const result = await setAgentWebhook(getPrisma(), actor, { agentId: String(formData.get("agentId")), url: url || null });
    if (!result.url) return { message: "Webhook removed." };
    return result.secret
      ? { message: "Webhook saved. Copy the signing secret now: it is shown only once.", secret: result.secret }
      : { message: "Webhook unchanged." };
  });
  if (state.ok) revalidatePath("/agents");
  return state;
}

export async function testWebhookAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const state = await runForm(formData, async () => {
    await sendTestWebhook(getPrisma(), actor, { agentId: String(formData.get("agentId")) });
    return { message: "Test event queued: see the delivery log." };
  });
  revalidatePath("/agents/webhooks");
  return state;
}
