import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { createApiKey } from "../../lib/agents/create-api-key";
import { revokeApiKey } from "../../lib/agents/revoke-api-key";
import type { Role } from "../../lib/policy/roles";
import { pause } from "../../lib/stop-switches/pause";
import { resume } from "../../lib/stop-switches/resume";
import { newAgentKey, operator } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const user = (roles: Role[]): Actor => ({
  type: "user",
  id: "00000000-0000-0000-0000-00000000000a",
  label: `${roles.join("+")}@example.com`,
  roles,
});

async function auditCount(): Promise<number> {
  return t.db.auditEntry.count();
}

describe("console mutations are authorized on the server, whatever the UI shows", () => {
  it("a supervisor cannot pause; a committee member can, with a reason, once", async () => {
    const before = await auditCount();
    await expect(pause(t.db, user(["supervisor"]), { target: { scope: "all" }, reason: "forged" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await t.db.stopSwitch.count()).toBe(0);
    expect(await auditCount()).toBe(before);

    await expect(pause(t.db, user(["committee"]), { target: { scope: "all" }, reason: "" })).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "reason" }] });
    await pause(t.db, user(["committee"]), { target: { scope: "all" }, reason: "incident 42" });
    await expect(pause(t.db, user(["committee"]), { target: { scope: "all" }, reason: "again" })).rejects.toMatchObject({ code: "conflict" });
    await expect(pause(t.db, user(["it"]), { target: { scope: "agent", target: "ghost" }, reason: "who?" })).rejects.toMatchObject({ code: "unknown_reference" });
    await resume(t.db, user(["it"]), { target: { scope: "all" }, reason: "incident closed" });
    expect(await t.db.stopSwitch.findFirst({ select: { liftReason: true, liftedBy: true } })).toEqual({ liftReason: "incident closed", liftedBy: "it@example.com" });
  });

  it("only IT or an admin issue and revoke keys; both are audited", async () => {
    await newAgentKey(t, "key-bot");
    const agent = await t.db.agent.findUniqueOrThrow({ where: { name: "key-bot" } });
    await expect(createApiKey(t.db, user(["legal"]), { agentId: agent.id, rateLimitPerSecond: 5 })).rejects.toMatchObject({ code: "forbidden" });
    const key = await createApiKey(t.db, user(["it"]), { agentId: agent.id, rateLimitPerSecond: "5" });
    await expect(revokeApiKey(t.db, user(["cx_lead"]), { keyId: key.id })).rejects.toMatchObject({ code: "forbidden" });
    await revokeApiKey(t.db, user(["it"]), { keyId: key.id });
    await expect(revokeApiKey(t.db, operator, { keyId: key.id })).rejects.toMatchObject({ code: "conflict" });
    const actions = (await t.db.auditEntry.findMany({ where: { subjectId: key.id }, orderBy: { id: "asc" }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(["api_key.create", "api_key.revoke"]);
  });
});
