import { recordAudit } from "@/lib/audit/record-audit";
import type { Db } from "@/lib/db/prisma";
import { endUserSessions } from "./console-sessions";
import type { UserActor } from "./session";

/** Ends every session of the signed-in person, on every device, this one included. */
export async function signOutEverywhere(db: Db, actor: UserActor): Promise<{ sessionsEnded: number }> {
  return db.$transaction(async (tx) => {
    const sessionsEnded = await endUserSessions(tx, actor.id, "signed_out_everywhere");
    await recordAudit(tx, actor, { action: "user.sign_out_everywhere", subjectType: "user", subjectId: actor.id, data: { sessions_ended: sessionsEnded } });
    return { sessionsEnded };
  });
}
