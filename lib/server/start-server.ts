import { mkdtemp, readFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import next from "next";
import { createNodeHandler, isAgentApiPath } from "@/lib/api/agent-api";
import { AgentAuthenticator } from "@/lib/api/agent-auth";
import { createHealthHandler, Readiness } from "@/lib/api/health";
import { answerClientError, refuseMissingHost } from "@/lib/api/http";
import { RateLimiter } from "@/lib/api/rate-limiter";
import { createAuthzenNodeHandler, isAuthzenPath } from "@/lib/authzen/authzen-api";
import { closePool, getAgentPool, getPool } from "@/lib/db/pool";
import { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { startAuditSealer } from "@/lib/audit/audit-sealer";
import { startApprovalSweeper } from "@/lib/approvals/approval-sweeper";
import { startWebhookDispatcher } from "@/lib/webhooks/webhook-dispatcher";
import { ShadowEvaluator } from "@/lib/simulation/shadow";
import { startSimulationRunner } from "@/lib/simulation/simulation-runner";
import { SYSTEM_ACTOR } from "@/lib/audit/actor";
import { openDatabase } from "@/lib/db/connect";
import { disconnectPrisma, getPrisma } from "@/lib/db/prisma";
import { startRollupRefresher } from "@/lib/history/rollups";
import { writerFor } from "@/lib/decisions/create-decision";
import { startRecommendationRefresher } from "@/lib/autonomy/recommendation-refresher";
import { DEFAULT_HISTORY, seedHistory } from "@/lib/history/seed-history";
import { exportToProcessEnv, getEnv } from "@/lib/env";
import { componentLogger, lineLogger } from "@/lib/logger";
import { prepareBuild, PROJECT_ROOT, type BuildChoice } from "./build";
import { persistedSecret } from "./secret";
import { getKeyStore } from "@/lib/keys/current-key-store";
import { publicJwks } from "@/lib/keys/key-store";
import { buildStandaloneVerifier } from "@/lib/evidence/build-standalone-verifier";
import { answerMalformedPath, hasMalformedPath } from "./malformed-path";
import { applySecurityHeaders } from "./security-headers";
import { prepareWorkspace } from "./prepare-workspace";
import { DEMO_SYSTEMS, startDemoSystems } from "@/lib/demo/systems/demo-systems";
import { callUpstream } from "@/lib/gateway/call-upstream";
import { listToolServers, loadUpstreams } from "@/lib/tool-servers/queries";
import { registerToolServer } from "@/lib/tool-servers/register-tool-server";
import { startToolServerRefresher } from "@/lib/tool-servers/tool-server-refresher";
import type { Db } from "@/lib/db/prisma";
import { drainGatewayOutcomes } from "@/lib/gateway/call-tool";
import { GatewayCatalog } from "@/lib/gateway/gateway-catalog";
import { createGatewayNodeHandler, GATEWAY_PATH, isGatewayPath } from "@/lib/gateway/mcp-endpoint";
import { grantIssuer } from "@/lib/grants/make-grant";

const logger = componentLogger("server");
const log = (line: string) => logger.info(line);
// What the request paths report goes out at error level: it is always a failure with its stack.
const failures = (component: string) => {
  const child = componentLogger(component);
  return (line: string) => child.error(line);
};

/** Where the benchmark's grant-free copy of the agent API answers (MANDATE_BENCH_BASELINE=1 only). */
export const NO_GRANTS_PREFIX = "/bench/no-grants";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * One process: the embedded or external database, migrations, first-run bootstrap, and an
 * HTTP server that answers the agent API's hot paths itself and hands every other request to
 * Next.js (docs/decisions/0002-custom-server.md).
 */
export async function startServer(options: { build: BuildChoice }): Promise<RunningServer> {
  const env = getEnv();
  await prepareBuild(options.build, log);

  const database = await openDatabase(log);
  const keys = getKeyStore();
  log(`audit seals are signed by key ${keys.currentSigning().kid} (keys in ${keys.dir}, witness ${env.auditWitness})`);
  if (database.embedded && process.getuid?.() !== 0) {
    logger.warn(
      "the embedded PostgreSQL runs as this same operating-system user, so a database superuser could read the key store and the witness " +
        "(pg_read_file, COPY … TO). Run Mandate as root (PostgreSQL then runs as the postgres user) or use an external PostgreSQL on another host (README, \"Audit log\").",
    );
  }
  exportToProcessEnv({
    NODE_ENV: "production",
    NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? (await persistedSecret(env.dataDir)),
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`,
  });
  const db = getPrisma();

  const seed = env.MANDATE_SEED_DEMO === "true" || (env.MANDATE_SEED_DEMO === "auto" && database.embedded);
  const { admin, demoSeeded } = await prepareWorkspace(db, { seedDemo: seed, admin: { email: env.MANDATE_ADMIN_EMAIL, password: env.MANDATE_ADMIN_PASSWORD } });
  if (admin?.generatedPassword) {
    log(`created the first administrator ${admin.email} with the one-time password: ${admin.generatedPassword}`);
    log("this password is shown once: sign in and keep it safe, or set MANDATE_ADMIN_EMAIL/MANDATE_ADMIN_PASSWORD.");
  } else if (admin) {
    log(`created the first administrator ${admin.email}`);
  }
  if (demoSeeded) {
    log("loaded the Northwind demo workspace: sign in as admin@northwind.example (or another demo account) with the password mandate-demo (README, \"Demo accounts\")");
    await seedDemoHistory(log);
  }

  const sealer = startAuditSealer(db, { onError: (error) => logger.warn({ err: error }, "audit sealing failed (will retry)") });
  const sweeper = startApprovalSweeper(db, { onError: (error) => logger.warn({ err: error }, "approval expiry failed (will retry)") });
  const webhooks = startWebhookDispatcher(db, { onError: (error) => logger.warn({ err: error }, "webhook delivery failed (will retry)") });
  const rollups = startRollupRefresher(getPool(), { onError: (error) => logger.warn({ err: error }, "refreshing dashboard rollups failed (will retry)") });
  // Runs once shortly after start (the demo history above is loaded by then), then every 10 minutes.
  const recommendations = startRecommendationRefresher(db, { onError: (error) => logger.warn({ err: error }, "generating recommendations failed (will retry)") });
  const pool = getAgentPool();
  const runtime = new PolicyRuntime(pool);
  await runtime.start();
  const shadow = new ShadowEvaluator(getPool(), { onError: (error) => logger.warn({ err: error }, "shadow evaluation failed (will retry)") });
  await shadow.start();
  const simulations = startSimulationRunner(getPool(), { log: lineLogger("simulation") });
  const auth = new AgentAuthenticator(pool);
  const limiter = new RateLimiter();
  const agentApi = createNodeHandler({ pool, runtime, auth, limiter, shadow, log: failures("agent-api") });
  const authzenApi = createAuthzenNodeHandler({ pool, runtime, auth, limiter, shadow, log: failures("authzen") });
  // For `npm run bench` only (MANDATE_BENCH_BASELINE=1): the same handler without grant signing, at
  // NO_GRANTS_PREFIX + /api/v1/…, so one run measures what signing costs the hot path.
  const agentApiWithoutGrants = env.MANDATE_BENCH_BASELINE === "1" ? createNodeHandler({ pool, runtime, auth, limiter: new RateLimiter(), shadow, log: failures("agent-api"), grants: false }) : null;

  const app = next({ dev: false, dir: PROJECT_ROOT, hostname: env.HOSTNAME, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  // With the demo workspace, the midnight story's systems of record (payments, carrier, orders,
  // inventory) run beside Mandate as real MCP servers that change state only with a grant
  // (verified against the JWKS URL, as any system of record would).
  const demoSystems = seed ? startDemoSystems({ jwks: `${grantIssuer()}/.well-known/jwks.json`, issuer: grantIssuer() }) : null;

  // The MCP gateway at /mcp: every tool call decided before it reaches an upstream.
  // Its upstreams are the tool servers IT registered (`mandate tools add`, the console's Tool servers page).
  const catalog = new GatewayCatalog(runtime, () => loadUpstreams(db), (error) => logger.warn({ err: error }, "reading the tool servers failed (will retry)"));
  const gateway = createGatewayNodeHandler({ pool, runtime, auth, limiter, shadow, log: failures("gateway"), catalog: () => catalog.current(), callUpstream, upstreamTimeoutMs: env.MANDATE_GATEWAY_TIMEOUT_MS });

  const health = createHealthHandler(new Readiness(pool, runtime));
  const https = (getEnv().NEXTAUTH_URL ?? "").startsWith("https://");
  const trustedProxies = env.MANDATE_TRUSTED_PROXIES;
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
    const agent = isAgentApiPath(req.url);
    const authzen = !agent && isAuthzenPath(req.url);
    const mcp = isGatewayPath(req.url);
    const noGrants = agentApiWithoutGrants !== null && !!req.url?.startsWith(`${NO_GRANTS_PREFIX}/api/v1/`);
    const demoSystem = demoSystems?.find(req.url) ?? null;
    const machine = agent || authzen || mcp || noGrants || demoSystem !== null || ["/healthz", "/readyz", "/.well-known/jwks.json", "/downloads/mandate-verify-evidence.mjs"].includes(req.url ?? "");
    applySecurityHeaders(req, res, { console: !machine, https, trustedProxies });
    if (refuseMissingHost(req, res) || health(req, res)) return;
    if (req.url === "/.well-known/jwks.json") {
      // The public keys that sign audit seals (and grants): for auditors and systems of record.
      res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=300" }).end(JSON.stringify(publicJwks(getKeyStore())));
      return;
    }
    if (req.url === "/downloads/mandate-verify-evidence.mjs") {
      void serveStandaloneVerifier(res);
      return;
    }
    if (noGrants) {
      req.url = req.url!.slice(NO_GRANTS_PREFIX.length);
      void agentApiWithoutGrants!(req, res);
    } else if (demoSystem) void demoSystem.handle(req, res);
    else if (agent) void agentApi(req, res);
    else if (authzen) void authzenApi(req, res);
    else if (mcp) void gateway(req, res);
    else if (hasMalformedPath(req.url)) answerMalformedPath(req, res);
    else void handle(req, res);
  });
  server.on("clientError", answerClientError);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOSTNAME, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;
  log(`ready on ${url}`);
  log(`MCP gateway on ${url}${GATEWAY_PATH} (agents connect with their API key)`);
  for (const { system } of demoSystems?.systems ?? []) log(`demo ${system.summary} on ${url}${system.path}`);
  if (demoSystems) await registerDemoToolServers(db, log).then(() => catalog.reload());
  const toolServers = startToolServerRefresher(db, { onError: (error) => logger.warn({ err: error }, "refreshing a tool server failed (will retry)"), onChange: () => void catalog.reload() });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close().catch(() => {});
      runtime.stop();
      await simulations.stop();
      await shadow.stop();
      await auth.close();
      await sealer.stop();
      await sweeper.stop();
      await webhooks.stop();
      await rollups.stop();
      await recommendations.stop();
      await toolServers.stop();
      await drainGatewayOutcomes();
      await writerFor(pool).drain();
      await closePool();
      await disconnectPrisma();
      await database.close();
    })());
  return { url, close };
}

/**
 * With the demo workspace, the demo's systems of record are the gateway's upstreams: registered
 * once, as IT would register them, when no tool server is registered yet (they answer only once
 * this server listens). A failure is logged: the console works without them.
 */
async function registerDemoToolServers(db: Db, log: (line: string) => void): Promise<void> {
  try {
    if ((await listToolServers(db)).length > 0) return;
    for (const system of DEMO_SYSTEMS) {
      await registerToolServer(db, SYSTEM_ACTOR, { name: system.name, url: `${grantIssuer()}${system.path}`, headers: {} });
    }
    log(`registered the demo's ${DEMO_SYSTEMS.length} systems as the MCP gateway's tool servers`);
  } catch (error) {
    logger.warn({ err: error }, "could not register the demo's tool servers (the gateway has no upstream until they are)");
  }
}

let verifierFile: Promise<Buffer> | null = null;

/** The standalone evidence verifier, built once per process from the sources (not secret: anyone may check a bundle). */
async function serveStandaloneVerifier(res: http.ServerResponse): Promise<void> {
  try {
    verifierFile ??= (async () => {
      const file = path.join(await mkdtemp(path.join(os.tmpdir(), "mandate-verifier-")), "mandate-verify-evidence.mjs");
      await buildStandaloneVerifier(file);
      return readFile(file);
    })();
    const body = await verifierFile;
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "content-disposition": 'attachment; filename="mandate-verify-evidence.mjs"' }).end(body);
  } catch (error) {
    verifierFile = null;
    logger.warn({ err: error }, "building the standalone verifier failed");
    res.writeHead(503, { "content-type": "application/problem+json" }).end(JSON.stringify({ title: "Verifier unavailable", status: 503, detail: "Try again shortly, or run `mandate audit verifier`." }));
  }
}

/**
 * The demo's first start also loads a default history (mandate seed history), so the dashboards
 * and history look alive at once. The console works without it, so a failure is only logged.
 */
async function seedDemoHistory(log: (line: string) => void): Promise<void> {
  try {
    const summary = await seedHistory(getPool(), SYSTEM_ACTOR, { ...DEFAULT_HISTORY });
    log(`generated a demo history of ${summary.decisions.toLocaleString("en-US")} decisions over ${DEFAULT_HISTORY.days} days in ${summary.seconds.total}s (mandate seed history makes more)`);
  } catch (error) {
    logger.warn({ err: error }, "could not generate the demo history (the console works without it)");
  }
}
