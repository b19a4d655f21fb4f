import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { decisionRequestSchema, decisionResponseSchema, outcomeRequestSchema, REVIEW_REASONS, reviewRequestSchema } from "@/lib/decisions/schemas";
import { actionDigest } from "@/lib/engine";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { parseExactJson } from "@/lib/exact-json";
import { checkCondition } from "@/lib/policy/conditions";
import { toolMappingSchema } from "@/lib/policy/document-schema";
import { parsePolicyText } from "@/lib/policy/validate-policy";
import { DECISION_WEBHOOK_TYPES } from "@/lib/webhooks/enqueue-webhook";
import { signWebhook } from "@/lib/webhooks/signature";
import { grantFor } from "@/lib/grants/make-grant";
import { GRANT_TYPE } from "@/lib/grants/verify-grant";
import { buildOpenApiDocument } from "./openapi";

// The API reference under docs/ is checked against the code, so it fails here when either drifts:
// every example is validated by the schema that validates real requests (or, for responses, by the
// served OpenAPI document), the error table is lib/errors.ts, and the webhook verifier is run.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DOCS = ["docs/api/README.md", "docs/api/agent-api.md", "docs/api/webhooks.md", "docs/api/errors.md", "docs/api/grants.md", "docs/api/mcp-gateway.md", "docs/policy-document.md"];
// Pages others write; linked from these docs before they land.
const PENDING = new Set<string>([]);

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

interface Block {
  file: string;
  line: number;
  lang: string;
  check: string | null;
  text: string;
}

/** Fenced blocks, each with the `<!-- check: NAME -->` comment on the line before it, if any. */
function blocks(file: string): Block[] {
  const lines = read(file).split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    const tag = /^<!-- check: (\S+) -->$/.exec(lines[i - 1] ?? "");
    out.push({ file, line: i + 1, lang: open[1]!, check: tag?.[1] ?? null, text: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return out;
}

const openApi = buildOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
for (const [id, schema] of Object.entries(openApi.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${id}`);

function conformsTo(id: string, value: unknown): string {
  const validate = ajv.getSchema(`#/components/schemas/${id}`)!;
  return validate(value) ? "ok" : JSON.stringify(validate.errors);
}

/** A request as the server reads it: the exact JSON reader, then the zod schema. */
function parsesAs(schema: z.ZodType, text: string): string {
  const result = schema.safeParse(parseExactJson(text));
  return result.success ? "ok" : JSON.stringify(result.error.issues);
}

const CHECKS: Record<string, (text: string) => string> = {
  DecisionRequest: (text) => parsesAs(decisionRequestSchema, text),
  OutcomeRequest: (text) => parsesAs(outcomeRequestSchema, text),
  ReviewRequest: (text) => parsesAs(reviewRequestSchema, text),
  Decision: (text) => conformsTo("Decision", JSON.parse(text)),
  ReviewCase: (text) => conformsTo("ReviewCase", JSON.parse(text)),
  Problem: (text) => {
    const body = JSON.parse(text);
    if (ERROR_STATUS[body.code as ErrorCode] !== body.status) return `status ${body.status} is not ${body.code}'s`;
    if (body.type !== `/api/v1/errors#${body.code}`) return `type ${body.type}`;
    return conformsTo("Problem", body);
  },
  WebhookPayload: (text) => {
    const { type, timestamp, data, ...rest } = JSON.parse(text);
    if (Object.keys(rest).length) return `unexpected fields ${Object.keys(rest).join(", ")}`;
    if (!(DECISION_WEBHOOK_TYPES as readonly string[]).includes(type)) return `type ${type}`;
    if (Number.isNaN(Date.parse(timestamp))) return `timestamp ${timestamp}`;
    return conformsTo("Decision", data);
  },
  PolicyDocument: (text) => {
    const result = parsePolicyText(text, "json");
    return result.ok ? "ok" : JSON.stringify(result.errors);
  },
  Condition: (text) => {
    const issues = checkCondition(JSON.parse(text));
    return issues.length ? JSON.stringify(issues) : "ok";
  },
  ToolMapping: (text) => {
    const result = toolMappingSchema.safeParse(JSON.parse(text));
    return result.success ? "ok" : JSON.stringify(result.error.issues);
  },
  GrantHeader: (text) => {
    const header = JSON.parse(text);
    return header.alg === "Ed25519" && header.typ === GRANT_TYPE && /^[A-Za-z0-9_-]{43}$/.test(header.kid) && Object.keys(header).length === 3 ? "ok" : `header ${text}`;
  },
  GrantClaims: (text) => {
    // The claims a real grant carries, in the order lib/grants/make-grant.ts writes them.
    const claims = JSON.parse(text);
    const made = grantFor(
      { id: claims.jti, agentName: claims.sub, action: claims.action, status: "allowed", actionDigest: claims.digest, customerId: claims.customer, amount: claims.amount, currency: claims.currency, policyVersion: claims.policy_version, createdAt: new Date(), decidedAt: null },
      [],
    )!;
    const real = JSON.parse(Buffer.from(made.split(".")[1]!, "base64url").toString());
    if (JSON.stringify(Object.keys(real)) !== JSON.stringify(Object.keys(claims))) return `claims ${Object.keys(claims).join(",")} are not ${Object.keys(real).join(",")}`;
    return claims.exp - claims.iat === 300 ? "ok" : "exp is not 5 minutes after iat";
  },
  digest: () => "checked below",
  "grant-typescript": () => "checked in lib/grants/grants-docs.test.ts",
  "grant-python": () => "checked in lib/grants/grants-docs.test.ts",
  "verify-webhook": () => "checked below",
};

const all = DOCS.flatMap(blocks);

describe("API reference examples", () => {
  it("every JSON example is checked, and passes its check", () => {
    const json = all.filter((b) => b.lang === "json");
    expect(json.length).toBeGreaterThanOrEqual(12);
    for (const block of all.filter((b) => b.check !== null || b.lang === "json")) {
      const where = `${block.file}:${block.line} (${block.check})`;
      expect(block.check, `${where}: a JSON example without <!-- check: … -->`).not.toBeNull();
      expect(Object.keys(CHECKS), where).toContain(block.check);
      expect(CHECKS[block.check!]!(block.text), where).toMatch(/^(ok|checked (below|in .+))$/);
    }
  });

  it("every curl body parses as the request its endpoint reads", () => {
    const bodies = all
      .filter((b) => b.lang === "sh" && b.text.includes("curl") && b.text.includes(" -d '"))
      .map((b) => ({ where: `${b.file}:${b.line}`, url: /"\$MANDATE(\/[^"]+)"/.exec(b.text)![1]!, body: /-d '([^']+)'/.exec(b.text)![1]! }));
    expect(bodies.length).toBeGreaterThanOrEqual(4);
    for (const { where, url, body } of bodies) {
      const schema = url === "/api/v1/decisions" ? decisionRequestSchema : url.endsWith("/outcome") ? outcomeRequestSchema : url === "/api/v1/reviews" ? reviewRequestSchema : null;
      expect(schema, `${where}: ${url}`).not.toBeNull();
      expect(parsesAs(schema!, body), where).toBe("ok");
    }
  });

  it("the documented action digest is the digest of the first request example, computed as documented", () => {
    const digests = all.filter((b) => b.check === "digest");
    // grants.md repeats the agent API's worked example: the same two lines.
    expect(new Set(digests.map((b) => b.text)).size).toBe(1);
    const [canonical, digest] = digests[0]!.text.split("\n") as [string, string];
    expect(`sha256:${createHash("sha256").update(canonical).digest("hex")}`).toBe(digest);
    const request = decisionRequestSchema.parse(parseExactJson(all.find((b) => b.check === "DecisionRequest")!.text));
    expect(actionDigest({ action: request.action, customerId: request.customer?.id ?? null, params: request.params ?? {} })).toBe(digest);
    // The allow example is that request's answer, and its outcome example reports that digest.
    const allow = all.filter((b) => b.check === "Decision").map((b) => JSON.parse(b.text)).find((d) => d.decision === "allow");
    expect(allow.action_digest).toBe(digest);
    expect(JSON.parse(all.find((b) => b.check === "OutcomeRequest")!.text).action_digest).toBe(digest);
  });

  it("the webhook verifier in webhooks.md accepts what Mandate signs and refuses a changed body or a stale timestamp", () => {
    const code = all.find((b) => b.check === "verify-webhook")!.text.replace(/^import .*$/m, "").replace(/^export /m, "");
    const verify = new Function("createHmac", "timingSafeEqual", "Buffer", `${code}\nreturn verifyMandateWebhook;`)(createHmac, timingSafeEqual, Buffer) as (
      secret: string,
      headers: Record<string, string>,
      body: string | Buffer,
    ) => string;
    const secret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
    const body = all.find((b) => b.check === "WebhookPayload")!.text;
    const now = Math.floor(Date.now() / 1000);
    const headers = (timestamp: number, signed = body) => ({
      "webhook-id": "msg_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${"A".repeat(44)} ${signWebhook(secret, "msg_1", timestamp, signed)}`,
    });
    expect(verify(secret, headers(now), body)).toBe("msg_1");
    expect(verify(secret, headers(now), Buffer.from(body))).toBe("msg_1");
    expect(() => verify(secret, headers(now), body.replace("approved", "rejected"))).toThrow(/signature/);
    expect(() => verify(secret, headers(now - 301), body)).toThrow(/tolerance/);
    expect(() => verify("whsec_" + Buffer.alloc(32, 8).toString("base64"), headers(now), body)).toThrow(/signature/);
  });
});

describe("API reference tables", () => {
  it("errors.md lists every code of lib/errors.ts with its status, and no other", () => {
    const rows = [...read("docs/api/errors.md").matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
    expect(rows).toHaveLength(Object.keys(ERROR_STATUS).length);
  });

  it("errors.md's statuses per endpoint are the OpenAPI document's", () => {
    const rows = [...read("docs/api/errors.md").matchAll(/^\| `(GET|POST) (\/\S+)` \| ([\d, ]+) \|$/gm)];
    expect(rows.map((m) => `${m[1]} ${m[2]}`)).toEqual(
      Object.entries(openApi.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)).filter((op) => !op.includes("/access/") && !op.includes("well-known")),
    );
    for (const [, method, path, statuses] of rows) {
      const operation = (openApi.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[path!]![method!.toLowerCase()]!;
      expect(statuses!.split(", "), `${method} ${path}`).toEqual(Object.keys(operation.responses).sort());
    }
  });

  it("agent-api.md names every status and review reason the schemas allow; webhooks.md every event type", () => {
    const agentApi = read("docs/api/agent-api.md");
    for (const status of decisionResponseSchema.shape.status.options) expect(agentApi).toContain(`| \`${status}\` |`);
    for (const decision of decisionResponseSchema.shape.decision.options) expect(agentApi).toContain(`| \`${decision}\` |`);
    for (const reason of REVIEW_REASONS) expect(agentApi).toContain(`\`${reason}\``);
    for (const type of DECISION_WEBHOOK_TYPES) expect(read("docs/api/webhooks.md")).toContain(`| \`${type}\` |`);
  });
});

describe("links", () => {
  const markdown = ["README.md", ...DOCS, ...readdirSync(join(ROOT, "docs/decisions")).map((f) => `docs/decisions/${f}`)];

  it("every relative link in the README and the docs reaches a file in the repository", () => {
    const broken: string[] = [];
    for (const file of markdown) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!) || target!.startsWith("#")) continue;
        const path = relative(ROOT, resolve(ROOT, dirname(file), target!.split("#")[0]!));
        if (path.startsWith("..")) broken.push(`${file}: ${target} leaves the repository`);
        else if (!existsSync(join(ROOT, path)) && !PENDING.has(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("nothing in the README or the docs points outside the repository", () => {
    for (const file of markdown) expect(read(file), file).not.toMatch(/\.\.\/shared|shared\/spec/);
  });
});
