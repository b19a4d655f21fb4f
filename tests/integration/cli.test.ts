import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../lib/agents/api-key";
import { createTestDatabase, type TestDatabase } from "./database";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let t: TestDatabase;
let dataDir: string;

function mandate(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/mandate.js", ...args],
      { env: { ...process.env, DATABASE_URL: t.url, MANDATE_DATA_DIR: dataDir, NODE_ENV: "test" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  t = await createTestDatabase({ empty: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "mandate-cli-data-"));
});
afterAll(async () => t.drop());

describe("mandate CLI against DATABASE_URL", () => {
  it("db migrate migrates the external database and starts no embedded one", async () => {
    const run = await mandate(["db", "migrate"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/applied 20261121000000_init/);
    expect(existsSync(path.join(dataDir, "pg"))).toBe(false);
    expect(await t.query(`SELECT 1 FROM "_prisma_migrations"`)).not.toHaveLength(0);
  });

  it("user create refuses an unknown role and changes nothing", async () => {
    const run = await mandate(["user", "create", "--email", "x@example.com", "--role", "overlord"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown role overlord");
    expect(await t.query(`SELECT 1 FROM users`)).toHaveLength(0);
  });

  it("user create refuses a bad email with the field named", async () => {
    const run = await mandate(["user", "create", "--email", "not-an-email", "--role", "legal"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/email: Enter a valid email address/);
    expect(await t.query(`SELECT 1 FROM users`)).toHaveLength(0);
  });

  it("user create makes a user with several roles, prints a one-time password, and audits it", async () => {
    const run = await mandate(["user", "create", "--email", "Lena@Example.com", "--role", "legal,committee", "--name", "Lena"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Password \(shown once\): \S{12,}/);
    const users = await t.query<{ email: string; roles: string }>(`SELECT email, roles::text FROM users`);
    expect(users).toEqual([{ email: "lena@example.com", roles: "{legal,committee}" }]);
    const audit = await t.query<{ action: string; actor_type: string }>(`SELECT action, actor_type FROM audit_entries WHERE action = 'user.create'`);
    expect(audit).toEqual([{ action: "user.create", actor_type: "cli" }]);
    const again = await mandate(["user", "create", "--email", "lena@example.com", "--role", "legal"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });

  it("user disable and enable need a reason, audit it, and refuse an unknown email", async () => {
    const noReason = await mandate(["user", "disable", "--email", "lena@example.com"]);
    expect(noReason.code).not.toBe(0);
    const unknown = await mandate(["user", "disable", "--email", "nobody@example.com", "--reason", "Left"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No user has the email nobody@example.com");
    const off = await mandate(["user", "disable", "--email", "Lena@example.com", "--reason", "Left the company"]);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("Disabled lena@example.com");
    expect(await t.query(`SELECT disabled FROM users WHERE email = 'lena@example.com'`)).toEqual([{ disabled: true }]);
    const on = await mandate(["user", "enable", "--email", "lena@example.com", "--reason", "Rehired"]);
    expect(on.code).toBe(0);
    const audit = await t.query<{ action: string; reason: string }>(`SELECT action, data->>'reason' AS reason FROM audit_entries WHERE action LIKE 'user.%able' ORDER BY id`);
    expect(audit).toEqual([
      { action: "user.disable", reason: "Left the company" },
      { action: "user.enable", reason: "Rehired" },
    ]);
  });

  it("agent create prints the key once and stores only its hash", async () => {
    const run = await mandate(["agent", "create", "refund-bot", "--rate-limit", "20"]);
    expect(run.code).toBe(0);
    const key = /API key \(shown once, store it now\): (mdt_\S+)/.exec(run.stdout)?.[1];
    expect(key).toBeDefined();
    const rows = await t.query<{ hash: string; rate_limit_per_second: number }>(`SELECT hash, rate_limit_per_second FROM api_keys`);
    expect(rows).toEqual([{ hash: hashApiKey(key!), rate_limit_per_second: 20 }]);
    const bad = await mandate(["agent", "create", "Bad Name!", "--rate-limit", "-3"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name: Use lowercase/);
    expect(bad.stderr).toMatch(/rateLimitPerSecond: Use 0 for no limit/);
  });

  it("policy import reports every validation error with its path and changes nothing", async () => {
    const doc = JSON.parse(await readFile("lib/demo/example-policy.json", "utf8"));
    doc.actions[1].owner = "nobody";
    doc.actions[2].data_sources.push("crm");
    const file = path.join(dataDir, "broken.json");
    await writeFile(file, JSON.stringify(doc));
    const run = await mandate(["policy", "import", file, "--publish", "--reason", "test"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/actions\[1\]\.owner/);
    expect(run.stderr).toMatch(/actions\[2\]\.data_sources/);
    expect(await t.query(`SELECT 1 FROM policy_versions`)).toHaveLength(0);

    const garbage = path.join(dataDir, "garbage.json");
    await writeFile(garbage, "{ not json");
    const parse = await mandate(["policy", "import", garbage]);
    expect(parse.code).toBe(2);
    expect(parse.stderr).toMatch(/line 1/i);

    const missing = await mandate(["policy", "import", path.join(dataDir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No such file");
  });

  it("policy import --publish needs a reason, then publishes; export returns the same document as JSON and YAML", async () => {
    const noReason = await mandate(["policy", "import", "lib/demo/example-policy.json", "--publish"]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("needs a reason");

    const run = await mandate(["policy", "import", "lib/demo/example-policy.json", "--publish", "--reason", "bootstrap from git"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Published policy version 1.");
    const audit = await t.query<{ data: { reason: string; source: string } }>(`SELECT data FROM audit_entries WHERE action = 'policy.publish'`);
    expect(audit[0]!.data).toMatchObject({ reason: "bootstrap from git", source: "cli" });

    const exported = await mandate(["policy", "export"]);
    expect(exported.code).toBe(0);
    const original = JSON.parse(await readFile("lib/demo/example-policy.json", "utf8"));
    expect(JSON.parse(exported.stdout).actions.map((a: { key: string }) => a.key)).toEqual(original.actions.map((a: { key: string }) => a.key));

    const yamlFile = path.join(dataDir, "policy.yaml");
    expect((await mandate(["policy", "export", "--format", "yaml", "--output", yamlFile])).code).toBe(0);
    const draft = await mandate(["policy", "import", yamlFile]);
    expect(draft.code).toBe(0);
    expect(draft.stdout).toMatch(/Created draft .+ for review/);

    const noVersion = await mandate(["policy", "export", "--version", "9"]);
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toContain("no published version 9");
  });

  it("audit verify passes on an intact log and names the entry that was altered", async () => {
    const ok = await mandate(["audit", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Audit log verified: \d+ entries/);
    const [entry] = await t.query<{ id: string }>(`SELECT id::text FROM audit_entries WHERE action = 'user.create'`);
    await t.query(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
    await t.query(`UPDATE audit_entries SET data = jsonb_set(data, '{email}', '"lena@examp1e.com"') WHERE id = $1`, [entry!.id]);
    await t.query(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
    const bad = await mandate(["audit", "verify"]);
    expect(bad.stdout + bad.stderr).toContain("FAILED");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("FAILED");
    expect(bad.stdout).toContain(`Entry ${entry!.id} no longer matches its hash`);
  });

  it("pause and resume need exactly one target and a reason", async () => {
    const none = await mandate(["pause", "--reason", "x"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Choose exactly one of --agent <name>, --action <key> or --all");
    const noReason = await mandate(["pause", "--all"]);
    expect(noReason.code).toBe(2);
    const paused = await mandate(["pause", "--action", "refund.issue", "--reason", "chargeback spike"]);
    expect(paused.code).toBe(0);
    expect(await t.query(`SELECT 1 FROM stop_switches WHERE lifted_at IS NULL AND target = 'refund.issue'`)).toHaveLength(1);
    const resumed = await mandate(["resume", "--action", "refund.issue", "--reason", "spike explained"]);
    expect(resumed.code).toBe(0);
    expect(await t.query(`SELECT 1 FROM stop_switches WHERE lifted_at IS NULL`)).toHaveLength(0);
  });

  it("db rebuild-rollups recomputes the decision rollups from the raw rows", async () => {
    const [agent] = await t.query<{ id: string }>(`SELECT id::text AS id FROM agents LIMIT 1`);
    await t.query(
      `INSERT INTO decisions (id, agent_id, action, request, decision, status, tier, reasons, reason_codes, action_digest, created_at, updated_at)
       VALUES ('dec_cli_rollup', $1::uuid, 'order.status', '{}', 'allow', 'allowed', 'low', '[]', '{allowed}', 'sha256:test', now(), now())`,
      [agent!.id],
    );
    const run = await mandate(["db", "rebuild-rollups"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Rebuilt the dashboard rollups from 1 decision: \d+ rows written, 0 removed\./);
    const [rolled] = await t.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::int AS n FROM decision_rollups WHERE action = 'order.status'`);
    expect(rolled!.n).toBe(1);
    expect(await t.query(`SELECT 1 FROM rollup_watermarks WHERE name = 'decisions'`)).toHaveLength(1);
  });

  it("an unknown command is a usage error", async () => {
    const run = await mandate(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
  });
});
