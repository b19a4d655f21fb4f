import path from "node:path";
import { z } from "zod";

// The only reader of process.env. Parsed once, lazily, so importing a module never fails a build.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  // The owner role, for migrations and maintenance; DATABASE_URL is then the application's role.
  DATABASE_OWNER_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  MANDATE_DATA_DIR: z.string().default(".data"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOSTNAME: z.string().min(1).default("0.0.0.0"),
  NEXTAUTH_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  MANDATE_ADMIN_EMAIL: z.string().email().optional(),
  MANDATE_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  MANDATE_SEED_DEMO: z.enum(["auto", "true", "false"]).default("auto"),
  MANDATE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default("Single sign-on"),
  // Mounts the agent API as a plain Next.js route at /api/baseline/* for `npm run bench` only.
  MANDATE_BENCH_BASELINE: z.enum(["0", "1"]).default("0"),
  // How many reverse proxies stand in front of Mandate: the client address for sign-in throttling
  // is then taken that many hops back in X-Forwarded-For (0: the connection's own address).
  MANDATE_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(5).default(0),
  MANDATE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  MANDATE_LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  // Days raw decision records are kept at least (lib/retention): six months is the floor.
  // The key store (lib/keys) and the audit log's witness (lib/audit/witness.ts): outside the database.
  MANDATE_KEYS_DIR: z.string().optional(),
  MANDATE_AUDIT_WITNESS: z.string().optional(),
  // Signed action grants (lib/grants): how long a grant may be used after an allow, and after
  // the approval that completed a hold.
  MANDATE_GRANT_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  MANDATE_GRANT_APPROVED_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  // How long the MCP gateway waits for an upstream tool before recording the outcome as unknown.
  MANDATE_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  MANDATE_RETENTION_DAYS: z.coerce.number().int().min(183, "must be at least 183 (six months)").default(183),
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; keysDir: string; auditWitness: string; oidcEnabled: boolean };

let cached: Env | null = null;

export class EnvError extends Error {}

export function getEnv(): Env {
  if (cached) return cached;
  // An empty variable means unset (shells and CI often export VAR= to clear one).
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const oidcVars = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcVars.some(Boolean) && !oidcVars.every(Boolean)) {
    throw new EnvError("Invalid environment:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together");
  }
  const dataDir = path.resolve(e.MANDATE_DATA_DIR);
  cached = {
    ...e,
    dataDir,
    keysDir: path.resolve(e.MANDATE_KEYS_DIR ?? path.join(dataDir, "keys")),
    auditWitness: e.MANDATE_AUDIT_WITNESS ?? path.join(dataDir, "audit-witness", "witness.ndjson"),
    oidcEnabled: oidcVars.every(Boolean),
  };
  return cached;
}

/**
 * Hands values the process derived at start (the embedded database URL, the session secret)
 * to libraries that read process.env themselves (next-auth, the Next.js server bundle).
 */
export function exportToProcessEnv(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) process.env[key] = value;
  cached = null;
}
