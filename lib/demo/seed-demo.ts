import { DEMO_AGENT_KEY, DEMO_AGENT_NAME, DEMO_PASSWORD, DEMO_USERS } from "./demo-credentials";
import { DEMO_SEEDED_KEY } from "./demo-workspace";
import type { Actor } from "@/lib/audit/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { hashApiKey } from "@/lib/agents/api-key";
import { hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/prisma";
import { publishPolicyVersion } from "@/lib/policy/publish-policy-version";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import examplePolicy from "./example-policy.json";

export { DEMO_AGENT_KEY, DEMO_AGENT_NAME, DEMO_PASSWORD, DEMO_USERS } from "./demo-credentials";


/** Loads the example company as a demo workspace. Idempotent: a second run changes nothing. */
export async function seedDemo(db: Db, actor: Actor): Promise<{ seeded: boolean }> {
  if (await db.setting.findUnique({ where: { key: DEMO_SEEDED_KEY } })) return { seeded: false };
  const validated = validatePolicyDocument(examplePolicy);
  if (!validated.ok) throw new Error(`The bundled example policy is invalid: ${JSON.stringify(validated.errors)}`);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  return db.$transaction(
    async (tx) => {
      for (const user of DEMO_USERS) {
        const existing = await tx.user.findUnique({ where: { email: user.email }, select: { id: true } });
        if (existing) continue;
        const created = await tx.user.create({ data: { ...user, passwordHash } });
        await recordAudit(tx, actor, { action: "user.create", subjectType: "user", subjectId: created.id, data: { email: user.email, roles: user.roles, demo: true } });
      }
      if (!(await tx.agent.findUnique({ where: { name: DEMO_AGENT_NAME } }))) {
        const agent = await tx.agent.create({ data: { name: DEMO_AGENT_NAME, description: "Demo customer-service agent (Northwind chat)" } });
        const key = await tx.apiKey.create({
          data: { agentId: agent.id, name: "demo", prefix: DEMO_AGENT_KEY.slice(0, 12), hash: hashApiKey(DEMO_AGENT_KEY), rateLimitPerSecond: 0 },
        });
        await recordAudit(tx, actor, { action: "agent.create", subjectType: "agent", subjectId: agent.id, data: { name: agent.name, demo: true } });
        await recordAudit(tx, actor, { action: "api_key.create", subjectType: "api_key", subjectId: key.id, data: { agent: agent.name, prefix: key.prefix, demo: true } });
      }
      if ((await tx.policyVersion.count()) === 0) {
        await publishPolicyVersion(tx, actor, { document: validated.document, reason: "Demo workspace: Northwind Outfitters example policy", source: "seed" });
      }
      await tx.setting.create({ data: { key: DEMO_SEEDED_KEY, value: { at: new Date().toISOString() } } });
      return { seeded: true };
    },
    { timeout: 30_000 },
  );
}
