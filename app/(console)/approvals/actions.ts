"use server";

import { revalidatePath } from "next/cache";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { requireUser } from "@/lib/auth/session";
import { runForm, type FormState } from "@/lib/console/form-state";
import { getPrisma } from "@/lib/db/prisma";

export async function decideApprovalAction(_: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireUser();
  const approvalId = String(formData.get("approvalId") ?? "");
  const state = await runForm(formData, async () => {
    const result = await decideApproval(getPrisma(), actor, {
      approvalId,
      verdict: String(formData.get("verdict") ?? "") as "approve" | "reject",
      reason: String(formData.get("reason") ?? ""),
    });
    if (result.status === "approved") return { message: "Approved. The agent may now act." };
    if (result.status === "rejected") return { message: "Rejected. The agent was told not to act." };
    return { message: `Your approval is recorded: ${result.approvals} of ${result.required}. Another person must approve too.` };
  });
  revalidatePath(`/approvals/${approvalId}`);
  revalidatePath("/approvals");
  return state;
}
