import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { setDraftShadowSchema } from "./schemas";

/**
 * Turns shadow mode on or off for an open or submitted draft: while on, every live decision is
 * also evaluated against the draft (lib/simulation/shadow.ts) without changing the answer.
 * Written with SQL so the draft's "last saved" time stays the time of its last edit.
 */
export async function setDraftShadow(db: Db, actor: Actor, input: z.input<typeof setDraftShadowSchema>) {
  authorize(actor, "policy:review");
  const data = parseOrThrow(setDraftShadowSchema, input);
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: string; shadow: boolean; revision: number }[]>`
      SELECT status::text, shadow, revision FROM policy_drafts WHERE id = ${data.draftId}::uuid FOR UPDATE`;
    const draft = rows[0];
    if (!draft) throw new AppError("not_found", "That draft does not exist.");
    if (data.shadow && draft.status !== "open" && draft.status !== "in_review") throw new AppError("conflict", `This draft is ${draft.status.replace("_", " ")}: it cannot run in shadow.`);
    if (draft.shadow === data.shadow) return { shadow: draft.shadow };
    await tx.$executeRaw`UPDATE policy_drafts SET shadow = ${data.shadow} WHERE id = ${data.draftId}::uuid`;
    await recordAudit(tx, actor, { action: "policy.draft_shadow", subjectType: "policy_draft", subjectId: data.draftId, data: { shadow: data.shadow, revision: draft.revision } });
    return { shadow: data.shadow };
  });
}
