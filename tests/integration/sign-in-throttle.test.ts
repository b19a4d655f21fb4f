import { afterAll, beforeAll, describe, expect, it } from "vitest";
import argon2 from "argon2";
import { startConsoleSession } from "../../lib/auth/console-sessions";
import { listAccountsUnderAttack } from "../../lib/auth/sign-in-throttle";
import { signInWithPassword } from "../../lib/auth/sign-in-with-password";
import { createTestDatabase, type TestDatabase } from "./database";

// Bug (issue #20): password guessing was unlimited. 200 wrong passwords for one account in 23.5 s
// were all answered, and the right password then worked at once; failures were audited only.

let t: TestDatabase;
const PASSWORD = "correct horse battery";

// A cheap argon2id hash (verification reads the cost from the hash), so a test of many attempts
// measures the throttle, not the password hash.
let passwordHash: string;

async function person(name: string) {
  return t.db.user.create({ data: { email: `${name}@northwind.example`, name, roles: ["supervisor"], passwordHash } });
}

const attempt = (email: string, password: string, clientAddress: string) => signInWithPassword(t.db, { email, password, clientAddress });

beforeAll(async () => {
  t = await createTestDatabase();
  passwordHash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 });
});
afterAll(async () => t.drop());

describe("sign-in throttling", () => {
  it("stops one client after five wrong passwords, even when the sixth is right, and says for how long", async () => {
    const sam = await person("sam");
    for (let i = 0; i < 5; i++) expect(await attempt(sam.email, `wrong-${i}`, "203.0.113.7")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(sam.email, PASSWORD, "203.0.113.7")).toEqual({ ok: false, reason: "throttled", retryAfterSeconds: 60, message: "Too many attempts; try again in 1 minute." });
    // The person at their own desk is not kept out by someone else's guessing.
    expect(await attempt(sam.email, PASSWORD, "198.51.100.20")).toMatchObject({ ok: true });

    // Each further failure after the pause doubles it.
    await t.query(`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second'`);
    expect(await attempt(sam.email, "wrong-again", "203.0.113.7")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt(sam.email, PASSWORD, "203.0.113.7")).toMatchObject({ reason: "throttled", message: "Too many attempts; try again in 2 minutes." });

    // Once the pause is over the right password works and clears this client's count.
    await t.query(`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second'`);
    expect(await attempt(sam.email, PASSWORD, "203.0.113.7")).toMatchObject({ ok: true });
    expect(await t.db.signInThrottle.findUnique({ where: { key: `account+address:${sam.email}|203.0.113.7` } })).toBeNull();
  });

  it("never slows correct sign-ins, however many", async () => {
    const busy = await person("busy");
    for (let i = 0; i < 30; i++) expect(await attempt(busy.email, PASSWORD, "192.0.2.1")).toMatchObject({ ok: true });
    expect(await t.db.signInThrottle.count({ where: { key: { contains: busy.email } } })).toBe(0);
  });

  it("stops one address trying many accounts", async () => {
    for (let i = 0; i < 20; i++) await attempt((await person(`sprayed${i}`)).email, "guess", "203.0.113.99");
    const victim = await person("victim");
    expect(await attempt(victim.email, PASSWORD, "203.0.113.99")).toMatchObject({ ok: false, reason: "throttled" });
    expect(await attempt(victim.email, PASSWORD, "192.0.2.55")).toMatchObject({ ok: true });
  });

  it("slows strangers guessing one account from many addresses, never an address the person signed in from, and alerts the administrators", async () => {
    const sup = await person("supervisor");
    await startConsoleSession(t.db, { userId: sup.id, clientAddress: "192.0.2.10" });
    for (let i = 0; i < 20; i++) await attempt(sup.email, `guess-${i}`, `198.18.0.${i}`);
    expect(await attempt(sup.email, PASSWORD, "198.18.1.1")).toMatchObject({ ok: false, reason: "throttled" });
    expect(await attempt(sup.email, PASSWORD, "192.0.2.10")).toMatchObject({ ok: true });

    expect(await t.db.auditEntry.count({ where: { action: "user.sign_in_under_attack", subjectId: sup.id } })).toBe(1);
    expect(await t.db.auditEntry.count({ where: { action: "user.sign_in_failed", subjectId: sup.id } })).toBe(20);
    expect(await listAccountsUnderAttack(t.db)).toEqual(expect.arrayContaining([expect.objectContaining({ email: sup.email, failures: 20 })]));
  });
});
