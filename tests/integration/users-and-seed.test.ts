import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR, type Actor } from "../../lib/audit/actor";
import { DEMO_USERS, seedDemo } from "../../lib/demo/seed-demo";
import { createUser } from "../../lib/users/create-user";
import { setUserDisabled } from "../../lib/users/set-user-disabled";
import { updateUserRoles } from "../../lib/users/update-user-roles";
import { bootstrapAdmin } from "../../lib/users/bootstrap-admin";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const legal: Actor = { type: "user", id: "00000000-0000-0000-0000-000000000001", label: "legal@example.com", roles: ["legal"] };

describe("users", () => {
  it("bootstraps the first administrator once, with a generated password when none is given", async () => {
    const first = await bootstrapAdmin(t.db, {});
    expect(first?.email).toBe("admin@mandate.local");
    expect(first?.generatedPassword).toMatch(/^\S{16,}$/);
    expect(await bootstrapAdmin(t.db, {})).toBeNull();
  });

  it("refuses a person without users:manage on the server, and writes nothing", async () => {
    const before = await t.db.auditEntry.count();
    await expect(createUser(t.db, legal, { email: "new@example.com", name: "New", roles: ["auditor"], password: "long-enough-password" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await t.db.user.findUnique({ where: { email: "new@example.com" } })).toBeNull();
    expect(await t.db.auditEntry.count()).toBe(before);
  });

  it("never removes the last administrator", async () => {
    const admin = await t.db.user.findFirstOrThrow({ where: { roles: { has: "admin" } } });
    await expect(updateUserRoles(t.db, SYSTEM_ACTOR, { userId: admin.id, roles: ["auditor"] })).rejects.toMatchObject({ code: "conflict" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: admin.id } })).roles).toEqual(["admin"]);
  });

  it("disables and enables a person with a reason in the audit log, never the last administrator or oneself", async () => {
    const user = await createUser(t.db, SYSTEM_ACTOR, { email: "dora@example.com", name: "Dora", roles: ["supervisor"], password: "long-enough-password" });
    await expect(setUserDisabled(t.db, SYSTEM_ACTOR, { userId: user.id, disabled: true, reason: " " })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(setUserDisabled(t.db, legal, { userId: user.id, disabled: true, reason: "Left the team" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(false);

    await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: user.id, disabled: true, reason: "Left the team" });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).disabled).toBe(true);
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { action: "user.disable", subjectId: user.id } });
    expect(entry.data).toEqual({ email: "dora@example.com", reason: "Left the team", sessions_ended: 0 });
    await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: user.id, disabled: false, reason: "Back from leave" });
    expect(await t.db.auditEntry.count({ where: { action: "user.enable", subjectId: user.id } })).toBe(1);

    const admins = await t.db.user.findMany({ where: { roles: { has: "admin" }, disabled: false } });
    const self = { type: "user" as const, id: admins[0]!.id, label: admins[0]!.email, roles: ["admin" as const] };
    await expect(setUserDisabled(t.db, self, { userId: self.id, disabled: true, reason: "Oops" })).rejects.toMatchObject({ code: "conflict" });
    // Leave one active administrator, who then cannot be disabled; the others come back after.
    for (const other of admins.slice(1)) await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: other.id, disabled: true, reason: "Test: one admin left" });
    await expect(setUserDisabled(t.db, SYSTEM_ACTOR, { userId: admins[0]!.id, disabled: true, reason: "Oops" })).rejects.toMatchObject({ code: "conflict" });
    for (const other of admins.slice(1)) await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: other.id, disabled: false, reason: "Test over" });
    expect(await t.db.user.count({ where: { roles: { has: "admin" }, disabled: false } })).toBe(admins.length);
  });

  it("two administrators disabling each other at once leave one of them active", async () => {
    const make = async (email: string) => {
      const u = await createUser(t.db, SYSTEM_ACTOR, { email, name: email, roles: ["admin"], password: "long-enough-password" });
      return { type: "user" as const, id: u.id, label: u.email, roles: ["admin" as const] };
    };
    const [ann, bob] = [await make("ann-admin@example.com"), await make("bob-admin@example.com")];
    const others = await t.db.user.findMany({ where: { roles: { has: "admin" }, disabled: false, id: { notIn: [ann.id, bob.id] } } });
    for (const other of others) await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: other.id, disabled: true, reason: "Test: two admins left" });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        setUserDisabled(t.db, ann, { userId: bob.id, disabled: true, reason: "Bob left" }),
        setUserDisabled(t.db, bob, { userId: ann.id, disabled: true, reason: "Ann left" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await t.db.user.count({ where: { roles: { has: "admin" }, disabled: false } })).toBe(1);
      for (const admin of [ann, bob]) await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: admin.id, disabled: false, reason: "Next round" });
    }
    for (const other of others) await setUserDisabled(t.db, SYSTEM_ACTOR, { userId: other.id, disabled: false, reason: "Test over" });
  });

  it("records a role change in the audit log with before and after", async () => {
    const user = await createUser(t.db, SYSTEM_ACTOR, { email: "carla@example.com", name: "Carla", roles: ["cx_lead"], password: "long-enough-password" });
    await updateUserRoles(t.db, SYSTEM_ACTOR, { userId: user.id, roles: ["cx_lead", "committee"] });
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { action: "user.roles_change", subjectId: user.id } });
    expect(entry.data).toEqual({ email: "carla@example.com", from: ["cx_lead"], to: ["cx_lead", "committee"], sessions_ended: 0 });
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("demo seed", () => {
  it("loads one user per role, the demo agent and the example policy, once", async () => {
    expect((await seedDemo(t.db, SYSTEM_ACTOR)).seeded).toBe(true);
    const users = await t.db.user.findMany({ where: { email: { endsWith: "@northwind.example" } }, select: { roles: true } });
    expect(users).toHaveLength(DEMO_USERS.length);
    expect(new Set(users.flatMap((u) => u.roles))).toEqual(new Set(["admin", "cx_lead", "legal", "it", "supervisor", "committee", "auditor"]));
    expect(await t.db.policyVersion.count()).toBe(1);
    expect(await t.db.agent.count()).toBe(1);
    const audits = await t.db.auditEntry.count();
    expect((await seedDemo(t.db, SYSTEM_ACTOR)).seeded).toBe(false);
    expect(await t.db.auditEntry.count()).toBe(audits);
  });
});
