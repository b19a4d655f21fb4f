import type { z } from "zod";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorize } from "@/lib/auth/authorize";
import type { Db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/validation";
import { lockReviewCase } from "./lock-review-cases";
import { addReviewNoteSchema } from "./schemas";

/** Adds a note to a case's thread, at any status: a closed case can still gather what was learnt. */
export async function addReviewNote(db: Db, actor: Actor, input: z.input<typeof addReviewNoteSchema>): Promise<{ id: string }> {
  authorize(actor, "reviews:work");
  if (actor.type !== "user") throw new AppError("forbidden", "Notes are written by people.");
  const data = parseOrThrow(addReviewNoteSchema, input);
  return db.$transaction(async (tx) => {
    const locked = await lockReviewCase(tx, data.caseId);
    const note = await tx.reviewNote.create({ data: { caseId: locked.id, authorId: actor.id, body: data.body }, select: { id: true } });
    // The note's text goes into the audit entry too: the thread is evidence, and notes are never edited.
    await recordAudit(tx, actor, { action: "review.note", subjectType: "review_case", subjectId: locked.id, data: { note_id: note.id, body: data.body } });
    return note;
  });
}
