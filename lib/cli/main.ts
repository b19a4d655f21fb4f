import { createWriteStream, existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Command, CommanderError, Option } from "commander";
import { stringify as toYaml } from "yaml";
import { cliActor } from "@/lib/audit/actor";
import { generateRecommendations } from "@/lib/autonomy/generate-recommendations";
import { DEFAULT_WINDOW_DAYS } from "@/lib/autonomy/scorecards";
import { formatAuditVerification, verifyAuditChain } from "@/lib/audit/verify-audit-chain";
import { reanchorAuditLog } from "@/lib/audit/reanchor-audit-log";
import { loadBundleTrust } from "@/lib/evidence/bundle-trust";
import { buildStandaloneVerifier } from "@/lib/evidence/build-standalone-verifier";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { rotateKeys } from "@/lib/keys/rotate-keys";
import { createAgent } from "@/lib/agents/create-agent";
import { createApiKey } from "@/lib/agents/create-api-key";
import { revokeApiKey } from "@/lib/agents/revoke-api-key";
import { openDatabase } from "@/lib/db/connect";
import { stopEmbeddedPostgres } from "@/lib/db/embedded";
import { MigrationError } from "@/lib/db/migrate";
import { closePool, getPool } from "@/lib/db/pool";
import { rebuildRollups } from "@/lib/history/rollups";
import { disconnectPrisma, getPrisma, type Db } from "@/lib/db/prisma";
import { seedDemo } from "@/lib/demo/seed-demo";
import { DEFAULT_HISTORY, formatHistorySummary, seedHistory, seedHistoryOptionsSchema } from "@/lib/history/seed-history";
import { EnvError, getEnv } from "@/lib/env";
import { buildEvidenceBundle } from "@/lib/evidence/build-evidence-bundle";
import { evidencePeriodInput } from "@/lib/evidence/schemas";
import { formatEvidenceVerification, verifyEvidenceBundle } from "@/lib/evidence/verify-evidence-bundle";
import { pruneDecisions } from "@/lib/retention/prune-decisions";
import { assertOutsideRetention, retentionCutoff } from "@/lib/retention/retention-window";
import { pruneInput } from "@/lib/retention/schemas";
import { AppError, isAppError } from "@/lib/errors";
import { generatePassword } from "@/lib/auth/password";
import { importPolicy } from "@/lib/policy/import-policy";
import { getCurrentPolicy, getPolicyVersion } from "@/lib/policy/queries";
import { ROLES, isRole, type Role } from "@/lib/policy/roles";
import { buildApp, ensureBuild } from "@/lib/server/build";
import { startServer } from "@/lib/server/start-server";
import { pause } from "@/lib/stop-switches/pause";
import { resume } from "@/lib/stop-switches/resume";
import type { StopTarget } from "@/lib/stop-switches/schemas";
import { createUser } from "@/lib/users/create-user";
import { setUserDisabled } from "@/lib/users/set-user-disabled";
import { listToolServers } from "@/lib/tool-servers/queries";
import { refreshToolServer } from "@/lib/tool-servers/refresh-tool-server";
import { registerToolServer } from "@/lib/tool-servers/register-tool-server";
import { removeToolServer } from "@/lib/tool-servers/remove-tool-server";
import { parseHeaderLine } from "@/lib/tool-servers/schemas";
import { parseOrThrow } from "@/lib/validation";

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
  .option("--build", "build the console first, even when a build exists")
  .option("--no-build", "never build (fails when there is no build)")
  .addHelpText("after", "\nWithout either, the console is built only when no build exists; a build older than the sources is started as it is, with a warning.")
  .action(async (options: { build?: boolean }) => {
    const server = await startServer({ build: options.build === true ? "always" : options.build === false ? "never" : "if-missing" });
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        console.log(`mandate: ${signal} received again, exiting now`);
        process.exit(1);
      }
      stopping = true;
      console.log(`mandate: ${signal} received, shutting down (send it again to exit at once)`);
      // A clean stop waits for in-flight writes and background rounds; never for ever.
      setTimeout(() => {
        console.error("mandate: shutting down took over 20 s; exiting");
        process.exit(1);
      }, 20_000).unref();
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
db.command("rebuild-rollups")
  .description("recompute every dashboard rollup from the raw tables (after running servers of two versions side by side, or changing the latency buckets)")
  .action(async () => {
    const result = await withDatabase(async () => {
      try {
        return await rebuildRollups(getPool());
      } finally {
        await closePool();
      }
    });
    const written = Object.values(result.written).reduce((a, b) => a + b, 0);
    const deleted = Object.values(result.deleted).reduce((a, b) => a + b, 0);
    const decisions = `${result.counted.toLocaleString("en-US")} decision${result.counted === 1 ? "" : "s"}`;
    console.log(`Rebuilt the dashboard rollups from ${decisions}: ${written.toLocaleString("en-US")} rows written, ${deleted.toLocaleString("en-US")} removed.`);
  });
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

seed
  .command("history")
  .description("generate a reproducible demo history through the live rules, ending now (needs a published policy)")
  .option("--days <n>", "days of history", String(DEFAULT_HISTORY.days))
  .option("--decisions <n>", "decisions to generate", String(DEFAULT_HISTORY.decisions))
  .option("--seed <n>", "seed of the generator: the same seed gives the same history", String(DEFAULT_HISTORY.seed))
  .option("--agents <n>", "agents the decisions come from", String(DEFAULT_HISTORY.agents))
  .action(async (options: { days: string; decisions: string; seed: string; agents: string }) => {
    const input = parseOrThrow(seedHistoryOptionsSchema, options);
    let shown = -1;
    const summary = await withDatabase(async () => {
      try {
        return await seedHistory(getPool(), actor, {
          ...input,
          onProgress: (done, total) => {
            const percent = Math.floor((100 * done) / total);
            if (percent === shown) return;
            shown = percent;
            process.stderr.write(`\rmandate: generating history ${percent}% (${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")})`);
          },
        });
      } finally {
        if (shown >= 0) process.stderr.write("\n");
        await closePool();
      }
    });
    console.log(formatHistorySummary(summary));
  });

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

for (const [name, disabled] of [["disable", true], ["enable", false]] as const) {
  user
    .command(name)
    .description(disabled ? "stop a console user from signing in (their open sessions end at the next page)" : "let a disabled console user sign in again")
    .requiredOption("--email <email>", "sign-in email")
    .requiredOption("--reason <text>", "why (kept in the audit log)")
    .action(async (options: { email: string; reason: string }) => {
      const updated = await withDatabase(async (client) => {
        const found = await client.user.findUnique({ where: { email: options.email.trim().toLowerCase() }, select: { id: true } });
        if (!found) throw new AppError("not_found", `No user has the email ${options.email}.`);
        return setUserDisabled(client, actor, { userId: found.id, disabled, reason: options.reason });
      });
      console.log(disabled ? `Disabled ${updated.email}: they can no longer sign in.` : `Enabled ${updated.email}: they can sign in again.`);
    });
}

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

const tools = program.command("tools").description("the upstream MCP servers the gateway forwards tool calls to");
tools
  .command("add <name>")
  .description("register an MCP server (Streamable HTTP): its tool list is read at once; header values are stored sealed and never shown again")
  .requiredOption("--url <url>", "the server's MCP address, http:// or https://")
  .option("--header <Name: value>", "a header sent with every request to it (credentials), repeatable", collect, [])
  .action(async (name: string, options: { url: string; header: string[] }) => {
    const headers: Record<string, string> = {};
    for (const line of options.header) {
      const parsed = parseHeaderLine(line);
      if (!parsed) throw new AppError("validation_failed", `--header takes "Name: value"; got a header without a name and colon.`);
      if (Object.keys(headers).some((n) => n.toLowerCase() === parsed[0].toLowerCase())) throw new AppError("validation_failed", `The header ${parsed[0]} is given twice.`);
      headers[parsed[0]] = parsed[1];
    }
    const result = await withDatabase((client) => registerToolServer(client, actor, { name, url: options.url, headers }));
    const names = result.tools.map((t) => t.name);
    console.log(`Registered ${result.name} (${result.url}) with ${names.length} tool${names.length === 1 ? "" : "s"}${names.length ? `: ${names.join(", ")}` : ""}.`);
    if (result.headerNames.length) console.log(`Headers stored sealed: ${result.headerNames.join(", ")} (the values are not shown again).`);
    console.log("Map its tools in the policy's tools section: until then agents do not see them.");
  });
tools
  .command("list")
  .description("the registered servers: address, status, tools, header names and the last error")
  .option("--json", "print as JSON")
  .action(async (options: { json?: boolean }) => {
    const servers = await withDatabase((client) => listToolServers(client));
    if (options.json) {
      console.log(JSON.stringify(servers.map((s) => ({ name: s.name, url: s.url, status: s.status, tools: s.tools.map((t) => t.name), header_names: s.headerNames, last_error: s.lastError, last_checked_at: s.lastCheckedAt })), null, 2));
      return;
    }
    if (servers.length === 0) {
      console.log("No tool servers are registered. Add one with: mandate tools add <name> --url <url> [--header \"Name: value\"]");
      return;
    }
    for (const s of servers) {
      console.log(`${s.name}  ${s.url}  ${s.status}  ${s.tools.length} tool${s.tools.length === 1 ? "" : "s"}  headers: ${s.headerNames.join(", ") || "none"}  checked ${s.lastCheckedAt.toISOString()}`);
      if (s.tools.length) console.log(`  tools: ${s.tools.map((t) => t.name).join(", ")}`);
      if (s.lastError) console.log(`  last error: ${s.lastError}`);
    }
  });
tools
  .command("refresh <name>")
  .description("read a server's tool list again and record its status")
  .action(async (name: string) => {
    const result = await withDatabase((client) => refreshToolServer(client, actor, { name }));
    const change = result.change ? ` Added: ${result.change.added.join(", ") || "none"}; removed: ${result.change.removed.join(", ") || "none"}; changed: ${result.change.changed.join(", ") || "none"}.` : " The tool list is unchanged.";
    console.log(`${name} is ${result.status}${result.lastError ? `: ${result.lastError}` : "."}${change}`);
    if (result.status !== "ok") process.exitCode = 1;
  });
tools
  .command("remove <name>")
  .description("unregister a server: the gateway no longer lists or calls its tools, and its stored credentials are deleted")
  .action(async (name: string) => {
    const result = await withDatabase((client) => removeToolServer(client, actor, { name }));
    console.log(`Removed ${result.name} (${result.tools.length} tool${result.tools.length === 1 ? "" : "s"}).`);
  });

const audit = program.command("audit").description("the tamper-evident audit log");
audit
  .command("verify")
  .description("check every entry, MAC, seal and signature of the audit log against the witness; names the first that does not verify (exit 1), or flags what needs a look (exit 2)")
  .option("--json", "print the full result as JSON")
  .option("--trusted-head <seal:hash>", "a head printed by an earlier verify: the log must still hold it")
  .option("--bundle <file>", "verify an evidence bundle offline instead (no database is opened)")
  .option("--key <file>", "with --bundle: the server's public key(s), a JWK Set or JWK file")
  .option("--jwks <url>", "with --bundle: the server's JWKS URL (…/.well-known/jwks.json)")
  .option("--fingerprint <fp>", "with --bundle: the signing key's fingerprint, as the Evidence page shows it")
  .action(async (options: { json?: boolean; bundle?: string; trustedHead?: string; key?: string; jwks?: string; fingerprint?: string }) => {
    if (options.bundle !== undefined) {
      const bundleResult = await verifyEvidenceBundle(options.bundle, await loadBundleTrust(options));
      console.log(options.json ? JSON.stringify(bundleResult, null, 2) : formatEvidenceVerification(bundleResult));
      if (!bundleResult.ok) process.exitCode = 1;
      return;
    }
    let trustedHead: { sealId: number; hash: string } | null = null;
    if (options.trustedHead !== undefined) {
      const match = /^(\d{1,10}):([0-9a-f]{64})$/.exec(options.trustedHead.trim());
      if (!match) throw new AppError("validation_failed", "--trusted-head is <seal number>:<64 hex digits>, as `mandate audit verify` prints it.");
      trustedHead = { sealId: Number(match[1]), hash: match[2]! };
    }
    const result = await withDatabase((client) => verifyAuditChain(client, { trustedHead }));
    console.log(options.json ? JSON.stringify(result, null, 2) : formatAuditVerification(result));
    if (!result.ok) process.exitCode = 1;
    else if (result.flags.length > 0) process.exitCode = 2;
  });

audit
  .command("reanchor")
  .description("after a legitimate restore from backup: record, signed and in the witness, that the log continues from the database's newest seal")
  .requiredOption("--reason <text>", "why (signed, kept in the witness and the audit log)")
  .action(async (options: { reason: string }) => {
    const result = await withDatabase((client) => reanchorAuditLog(client, actor, { reason: options.reason }));
    const from = result.continueFrom ? `seal ${result.continueFrom.seal_id}` : "an empty log";
    const gave = result.lastWitnessed ? ` The witness's last head was seal ${result.lastWitnessed.seal_id}; verify will name what lies between as a known gap.` : "";
    console.log(`Re-anchored: the audit log continues from ${from}.${gave}`);
  });

audit
  .command("verifier")
  .description("write the standalone evidence verifier: one file that checks a bundle on Node.js alone, for auditors")
  .option("--output <file>", "where to write it", "mandate-verify-evidence.mjs")
  .action(async (options: { output: string }) => {
    await buildStandaloneVerifier(options.output);
    console.log(`Wrote ${options.output}. An auditor runs: node ${path.basename(options.output)} <bundle> --fingerprint <fingerprint from the Evidence page>`);
  });

const keys = program.command("keys").description("the signing and MAC keys, kept outside the database (MANDATE_KEYS_DIR)");
keys
  .command("list")
  .description("the signing keys' fingerprints (compare them with the Evidence page) and the MAC key versions")
  .action(() => {
    const store = getKeyStore();
    for (const key of store.signing) console.log(`signing ${key.kid}  created ${key.createdAt}${key === store.currentSigning() ? "  (current)" : ""}`);
    for (const key of store.mac) console.log(`mac     ${key.id}  created ${key.createdAt}${key === store.currentMac() ? "  (current)" : ""}`);
  });
keys
  .command("rotate")
  .description("make new current keys; old keys stay and keep verifying (audited)")
  .option("--signing", "only the signing key")
  .option("--mac", "only the MAC key")
  .action(async (options: { signing?: boolean; mac?: boolean }) => {
    const which = options.signing || options.mac ? { signing: !!options.signing, mac: !!options.mac } : { signing: true, mac: true };
    const result = await withDatabase((client) => rotateKeys(client, actor, which));
    if (result.signing) console.log(`New signing key ${result.signing.kid} (servers sharing the key folder use it within seconds).`);
    if (result.mac) console.log(`New MAC key ${result.mac.id}.`);
  });

audit
  .command("export")
  .description("write the evidence bundle of a period [from, to) for auditors (gzip NDJSON when the file ends in .gz)")
  .requiredOption("--from <date>", "start of the period, a date (UTC midnight) or an ISO 8601 time")
  .requiredOption("--to <date>", "end of the period, exclusive")
  .option("--output <file>", "where to write it (default: a name with the period, in the current directory)")
  .action(async (options: { from: string; to: string; output?: string }) => {
    const period = parseOrThrow(evidencePeriodInput, { from: options.from, to: options.to });
    const output = await withDatabase(async (client) => {
      const bundle = await buildEvidenceBundle(client, actor, period);
      const file = options.output ?? bundle.fileName;
      const source = Readable.from(bundle.lines());
      await (file.endsWith(".gz") ? pipeline(source, createGzip(), createWriteStream(file)) : pipeline(source, createWriteStream(file)));
      return file;
    });
    console.log(`Wrote the evidence for ${period.from.toISOString()} to ${period.to.toISOString()} to ${output}.`);
    console.log(`Check it anywhere with: mandate audit verify --bundle ${output} --fingerprint ${getKeyStore().currentSigning().kid}`);
  });

const retention = program.command("retention").description("how long raw decision records are kept (MANDATE_RETENTION_DAYS)");
retention
  .command("show")
  .description("print the retention window and the latest date records may be pruned before")
  .action(() => {
    const days = getEnv().MANDATE_RETENTION_DAYS;
    console.log(`Raw decision records are kept ${days} days: records from ${retentionCutoff(new Date(), days).toISOString()} on may not be pruned.`);
    console.log("The audit log and its seals are never pruned.");
  });
retention
  .command("prune")
  .description("delete decisions made before a date outside the retention window, with their approvals, outcomes and closed review cases; the audit log is kept")
  .requiredOption("--before <date>", "a date (UTC midnight) or ISO 8601 time at or before the retention cutoff")
  .option("--dry-run", "count what would be pruned and change nothing", false)
  .action(async (options: { before: string; dryRun: boolean }) => {
    const { before } = parseOrThrow(pruneInput, { before: options.before });
    const days = getEnv().MANDATE_RETENTION_DAYS;
    // Refused before the database is opened: a date inside the window never gets that far.
    assertOutsideRetention(before, new Date(), days);
    const result = await withDatabase((client) => pruneDecisions(client, actor, { before, retentionDays: days, dryRun: options.dryRun }));
    const c = result.counts;
    if (result.dryRun) {
      console.log(`Would prune ${c.decisions} decisions made before ${before.toISOString()} (with their approvals, outcomes and closed review cases) and ${c.reviewCases} closed review cases without a decision. Nothing changed.`);
    } else {
      console.log(
        `Pruned ${c.decisions} decisions made before ${before.toISOString()}, ${c.approvals} approvals (${c.approvalVotes} votes), ${c.outcomes} outcomes, ` +
          `${c.reviewCases} review cases (${c.reviewNotes} notes), ${c.webhookEvents} webhook events and ${c.shadowResults} shadow results (and ${c.shadowCounts} seconds of shadow counts). The audit log is untouched.`,
      );
    }
  });

const recommendations = program.command("recommendations").description("earned-autonomy recommendations from the scorecards");
recommendations
  .command("generate")
  .description("run the recommendation rules over every action now (the server also runs them every 10 minutes)")
  .option("--window <days>", "days of evidence the rules read", String(DEFAULT_WINDOW_DAYS))
  .action(async (options: { window: string }) => {
    const windowDays = Number(options.window);
    if (!Number.isInteger(windowDays) || windowDays < 7 || windowDays > 366) throw new AppError("validation_failed", "--window takes whole days from 7 to 366.");
    const result = await withDatabase((client) => generateRecommendations(client, actor, { windowDays }));
    if (!result.ran) {
      console.log("Another process is generating recommendations right now: nothing changed.");
      return;
    }
    console.log(`Ran the rules over ${result.actions} actions (${windowDays} days): ${result.created} new, ${result.refreshed} refreshed, ${result.retired} retired.`);
    for (const finding of result.findings) console.log(`  ${finding.rule} ${finding.action}: ${finding.change}\n    ${finding.title}`);
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
  // Exit explicitly, with the code a command set: nothing a command leaves open (a pool, a timer) keeps it up.
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
