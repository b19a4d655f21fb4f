import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../lib/demo/seed-demo";
import { isDemoWorkspace } from "../../lib/demo/demo-workspace";
import { prepareWorkspace } from "../../lib/server/prepare-workspace";
import { createTestDatabase, type TestDatabase } from "./database";

// Issue #23, point 10: with the demo workspace, first start also created admin@mandate.local and
// printed its one-time password in the log, though the demo has its own administrator.
describe("first start", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => t.drop());

  it("loads the demo without the extra administrator, and the database says it is the demo", async () => {
    const result = await prepareWorkspace(t.db, { seedDemo: true, admin: {} });
    expect(result).toEqual({ admin: null, demoSeeded: true });
    expect(await t.db.user.findUnique({ where: { email: "admin@mandate.local" } })).toBeNull();
    expect(await t.db.user.count()).toBe(DEMO_USERS.length);
    expect(await t.db.auditEntry.count({ where: { action: "user.bootstrap_admin" } })).toBe(0);
    expect(await isDemoWorkspace(t.db)).toBe(true);
    // A second start changes nothing and still prints no password.
    expect(await prepareWorkspace(t.db, { seedDemo: true, admin: {} })).toEqual({ admin: null, demoSeeded: false });
  });

  it("gives a real workspace its first administrator with a one-time password, and no demo hints", async () => {
    const result = await prepareWorkspace(t.db, { seedDemo: false, admin: {} });
    expect(result.demoSeeded).toBe(false);
    expect(result.admin).toMatchObject({ email: "admin@mandate.local", generatedPassword: expect.stringMatching(/^\S{16,}$/) });
    expect(await t.db.user.count()).toBe(1);
    expect(await isDemoWorkspace(t.db)).toBe(false);
  });
});
