import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { endConsoleSession, readConsoleSession, SESSION_IDLE_MS, SESSION_LIFETIME_MS, startConsoleSession } from "../../lib/auth/console-sessions";
import { signOutEverywhere } from "../../lib/auth/sign-out-everywhere";
import { setUserDisabled } from "../../lib/users/set-user-disabled";
import { updateUserRoles } from "../../lib/users/update-user-roles";
import type { Role } from "../../lib/policy/roles";
import { createTestDatabase, type TestDatabase } from "./database";

// Bug (issue #20): signing out ended nothing. The session was a 12-hour JWT that every call to
// /api/auth/session renewed, so a saved cookie kept working after sign-out, forever if used,
// and again the moment a disabled person was enabled. Sessions are now rows the server ends.

let t: TestDatabase;
let admin: Actor;
const HOUR = 60 * 60 * 1000;

async function person(name: string, roles: Role[]) {
  const user = await t.db.user.create({ data: { email: `${name}@northwind.example`, name, roles } });
  return { type: "user" as const, id: user.id, label: user.email, email: user.email, name, roles, sessionId: "" };
}

beforeAll(async () => {
  t = await createTestDatabase();
  admin = await person("ada", ["admin"]);
});
afterAll(async () => t.drop());

describe("console sessions", () => {
  it("a signed-out session stays ended", async () => {
    const sam = await person("sam", ["supervisor"]);
    const sid = await startConsoleSession(t.db, { userId: sam.id, clientAddress: "10.0.0.1" });
    expect(await readConsoleSession(t.db, sid)).toMatchObject({ status: "active", user: { id: sam.id, roles: ["supervisor"] } });
    expect(await endConsoleSession(t.db, sid, "signed_out")).toBe(true);
    expect(await readConsoleSession(t.db, sid)).toEqual({ status: "ended", reason: "signed_out" });
    expect(await readConsoleSession(t.db, "made-up")).toEqual({ status: "ended", reason: "unknown" });
    expect(await readConsoleSession(t.db, undefined)).toEqual({ status: "ended", reason: "unknown" });
  });

  it("lives 12 hours from sign-in however busy, and ends after 30 idle minutes", async () => {
    const sue = await person("sue", ["supervisor"]);
    const start = new Date(Date.now() - SESSION_LIFETIME_MS + 5 * 60 * 1000);
    const busy = await startConsoleSession(t.db, { userId: sue.id, clientAddress: null, now: start });
    // Used every 20 minutes for almost 12 hours: still active, and its end never moves.
    for (let at = start.getTime() + 20 * 60 * 1000; at < start.getTime() + SESSION_LIFETIME_MS; at += 20 * 60 * 1000) {
      expect((await readConsoleSession(t.db, busy, new Date(at))).status).toBe("active");
    }
    const row = await t.db.consoleSession.findUniqueOrThrow({ where: { id: busy } });
    expect(row.expiresAt.getTime()).toBe(start.getTime() + SESSION_LIFETIME_MS);
    expect(await readConsoleSession(t.db, busy, new Date(start.getTime() + SESSION_LIFETIME_MS))).toEqual({ status: "ended", reason: "expired" });

    const idle = await startConsoleSession(t.db, { userId: sue.id, clientAddress: null, now: new Date(Date.now() - HOUR) });
    await t.query(`UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE id = $1`, [idle, SESSION_IDLE_MS / 1000 + 1]);
    expect(await readConsoleSession(t.db, idle)).toEqual({ status: "ended", reason: "idle" });
    expect((await t.db.consoleSession.findUniqueOrThrow({ where: { id: idle } })).endReason).toBe("idle");
  });

  it("disabling ends every session, and enabling again does not revive them", async () => {
    const dan = await person("dan", ["supervisor"]);
    const laptop = await startConsoleSession(t.db, { userId: dan.id, clientAddress: null });
    const phone = await startConsoleSession(t.db, { userId: dan.id, clientAddress: null });
    await setUserDisabled(t.db, admin, { userId: dan.id, disabled: true, reason: "left the team" });
    await setUserDisabled(t.db, admin, { userId: dan.id, disabled: false, reason: "back again" });
    expect(await readConsoleSession(t.db, laptop)).toEqual({ status: "ended", reason: "disabled" });
    expect(await readConsoleSession(t.db, phone)).toEqual({ status: "ended", reason: "disabled" });
    const audit = await t.db.auditEntry.findFirstOrThrow({ where: { action: "user.disable", subjectId: dan.id } });
    expect(audit.data).toMatchObject({ sessions_ended: 2 });
  });

  it("a role change ends every session; saving the same roles does not", async () => {
    const rob = await person("rob", ["supervisor"]);
    const sid = await startConsoleSession(t.db, { userId: rob.id, clientAddress: null });
    await updateUserRoles(t.db, admin, { userId: rob.id, roles: ["supervisor"] });
    expect((await readConsoleSession(t.db, sid)).status).toBe("active");
    await updateUserRoles(t.db, admin, { userId: rob.id, roles: ["supervisor", "committee"] });
    expect(await readConsoleSession(t.db, sid)).toEqual({ status: "ended", reason: "roles_changed" });
  });

  it("sign out everywhere ends every session of that person only", async () => {
    const eve = await person("eve", ["committee"]);
    const other = await person("otto", ["committee"]);
    const sessions = [await startConsoleSession(t.db, { userId: eve.id, clientAddress: null }), await startConsoleSession(t.db, { userId: eve.id, clientAddress: null })];
    const kept = await startConsoleSession(t.db, { userId: other.id, clientAddress: null });
    expect(await signOutEverywhere(t.db, eve)).toEqual({ sessionsEnded: 2 });
    for (const sid of sessions) expect(await readConsoleSession(t.db, sid)).toEqual({ status: "ended", reason: "signed_out_everywhere" });
    expect((await readConsoleSession(t.db, kept)).status).toBe("active");
    expect(await t.db.auditEntry.count({ where: { action: "user.sign_out_everywhere", actorId: eve.id } })).toBe(1);
  });
});
