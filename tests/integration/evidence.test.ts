import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import { gunzipSync, gzipSync, createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { buildEvidenceBundle } from "../../lib/evidence/build-evidence-bundle";
import { evidencePeriodInput } from "../../lib/evidence/schemas";
import { formatEvidenceVerification, verifyEvidenceBundle, type EvidenceVerification } from "../../lib/evidence/verify-evidence-bundle";
import { client, newAgentKey, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { publicJwks } from "../../lib/keys/key-store";
import { createHash } from "node:crypto";
import { hashAuditContent } from "../../lib/audit/entry-format";

/** The server's public keys, as an auditor fetches them from its JWKS. */
const trusted = () => ({ keys: publicJwks(getKeyStore()).keys });

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
let dir: string;
let auditor: Actor;
let supervisor: Actor;
const start = new Date(Date.now() - 60_000);

async function sealEverything(): Promise<void> {
  await vi.waitFor(
    async () => {
      await sealAuditLog(t.db);
      const last = await t.db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { toTxid: true } });
      expect(await t.db.auditEntry.count({ where: { txid: { gte: last?.toTxid ?? 0n } } })).toBe(0);
    },
    { timeout: 15_000, interval: 25 },
  );
}

const lastDay = () => ({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) });

/** Exports a period to a gzip file the way the CLI does, and returns its path. */
async function exportBundle(name: string, period = lastDay()): Promise<string> {
  const bundle = await buildEvidenceBundle(t.db, auditor, period, { batchSize: 3 });
  const file = path.join(dir, `${name}.ndjson.gz`);
  await pipeline(Readable.from(bundle.lines()), createGzip(), createWriteStream(file));
  return file;
}

/** Rewrites the decompressed lines of a bundle, the way someone with the file and a text editor would. */
async function tampered(file: string, name: string, edit: (lines: string[]) => string[]): Promise<string> {
  const lines = gunzipSync(await readFile(file)).toString("utf8").split("\n");
  const out = path.join(dir, `${name}.ndjson.gz`);
  await writeFile(out, gzipSync(edit(lines).join("\n")));
  return out;
}

function parsed(lines: string[]): { type: string; [key: string]: unknown }[] {
  return lines.filter(Boolean).map((l) => JSON.parse(l));
}

function expectFailure(result: EvidenceVerification, kind: string, message: RegExp) {
  expect(result.ok).toBe(false);
  expect(result.failure?.kind).toBe(kind);
  expect(result.failure?.message).toMatch(message);
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), "mandate-evidence-"));
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
  const people = await Promise.all(
    (["auditor", "supervisor"] as const).map((role) => t.db.user.create({ data: { email: `${role}@example.com`, name: role, roles: [role] } })),
  );
  auditor = { type: "user", id: people[0]!.id, label: people[0]!.email, roles: ["auditor"] };
  supervisor = { type: "user", id: people[1]!.id, label: people[1]!.email, roles: ["supervisor"] };

  // A day at the refund desk: allowed and executed, held and approved then executed, one that
  // failed (a review case opens), one denied, and an edge case the agent flagged itself.
  const small = await call("POST", "/api/v1/decisions", { action: "refund.issue", intent: "shipping_error", customer: { id: "cus_1", verified: true }, params: { amount: "12.50", currency: "USD" } });
  expect(small.body.decision).toBe("allow");
  await call("POST", `/api/v1/decisions/${small.body.id}/outcome`, { status: "executed", action_digest: small.body.action_digest, external_ref: "re_1" });
  const held = await call("POST", "/api/v1/decisions", { action: "refund.issue", intent: "shipping_error", customer: { id: "cus_2", verified: true }, params: { amount: "180", currency: "USD" } });
  expect(held.body.decision).toBe("hold");
  const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: held.body.id } });
  await decideApproval(t.db, supervisor, { approvalId: approval.id, verdict: "approve", reason: "shipping error we caused" });
  await call("POST", `/api/v1/decisions/${held.body.id}/outcome`, { status: "executed", action_digest: held.body.action_digest });
  const failing = await call("POST", "/api/v1/decisions", { action: "refund.issue", intent: "shipping_error", customer: { id: "cus_3", verified: true }, params: { amount: "5", currency: "USD" } });
  await call("POST", `/api/v1/decisions/${failing.body.id}/outcome`, { status: "failed", action_digest: failing.body.action_digest, detail: { error: "card expired" } });
  await call("POST", "/api/v1/decisions", { action: "contract.negotiate", customer: { id: "cus_4" } });
  const flagged = await call("POST", "/api/v1/reviews", { reason: "customer_complaint", note: "Customer threatened legal action", decision_id: small.body.id });
  expect(flagged.status).toBe(201);
});

afterAll(async () => {
  await api?.close();
  await t?.drop();
});

describe("evidence bundle", () => {
  it("is only for people who may read the audit log", async () => {
    await expect(buildEvidenceBundle(t.db, supervisor, lastDay())).rejects.toMatchObject({ code: "forbidden" });
  });

  it("holds the day's records, its audit entries and their seals, and verifies offline", async () => {
    await sealEverything();
    const file = await exportBundle("day");
    const result = await verifyEvidenceBundle(file, trusted());
    expect(result.failure).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.counts).toMatchObject({ decision: 4, approval: 1, approval_vote: 1, outcome: 3, review_case: 2 });
    expect(result.counts.seal).toBeGreaterThan(0);
    // The export itself is audited; it lands after the last seal, so it travels unsealed.
    expect(result.unsealedEntries).toBe(1);
    expect(result.anchor?.hash).toBe("0".repeat(64));
    expect(formatEvidenceVerification(result)).toMatch(/^Evidence bundle verified for .*: \d+ audit entries in \d+ seals?, chained from anchor 0000000000000000… to head seal \d+/);

    const lines = parsed(gunzipSync(await readFile(file)).toString("utf8").split("\n"));
    expect(lines[0]).toMatchObject({ type: "manifest", exported_by: "auditor@example.com" });
    expect(lines.at(-1)).toMatchObject({ type: "end" });
    const entries = lines.filter((l) => l.type === "audit_entry");
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(["decision.create", "approval.approve", "outcome.executed", "outcome.failed", "review.open", "evidence.export"]));
    const audited = await t.db.auditEntry.count({ where: { occurredAt: { gte: start } } });
    expect(entries.length).toBe(audited);
  });

  it("names the audit entry in which one byte was changed", async () => {
    await sealEverything();
    const file = await exportBundle("one-byte");
    let target = "";
    const changed = await tampered(file, "one-byte-changed", (lines) =>
      lines.map((line) => {
        if (target || !line.includes('"action":"approval.approve"')) return line;
        target = JSON.parse(line).id;
        return line.replace("shipping error we caused", "shipping error we cau$ed");
      }),
    );
    const result = await verifyEvidenceBundle(changed, trusted());
    expectFailure(result, "entry_hash", new RegExp(`^Audit entry ${target} \\(approval\\.approve at .*\\) no longer matches its hash`));
    expect(result.failure?.entryId).toBe(target);
  });

  it("catches an altered record against the audit entry written when it was made", async () => {
    const file = await exportBundle("record");
    const changed = await tampered(file, "record-changed", (lines) => lines.map((line) => (line.includes('"type":"decision"') ? line.replace('"amount":"180"', '"amount":"1800"') : line)));
    const result = await verifyEvidenceBundle(changed, trusted());
    expectFailure(result, "record_mismatch", /^Decision dec_\S+ says its amount is "1800", but audit entry \d+, written when it was decided, recorded "180(\.0+)?"/);
  });

  it("catches a record with no audit evidence, such as a note written straight into the database", async () => {
    const reviewCase = await t.db.reviewCase.findFirstOrThrow({ where: { source: "agent" } });
    await t.db.reviewNote.create({ data: { caseId: reviewCase.id, authorId: supervisor.id!, body: "nothing to see here" } });
    const result = await verifyEvidenceBundle(await exportBundle("note"), trusted());
    expectFailure(result, "record_without_evidence", /^Review note \S+ has no audit entry by supervisor@example\.com about its case in the bundle/);
    await t.db.reviewNote.deleteMany({});
  });

  it("catches removed lines, reordered seals and truncation", async () => {
    await sealEverything();
    const file = await exportBundle("cuts");

    const noEntry = await tampered(file, "no-entry", (lines) => {
      const i = lines.findIndex((l) => l.includes('"type":"audit_entry"') && !l.includes('"seal_id":null'));
      return lines.filter((_, j) => j !== i);
    });
    expectFailure(await verifyEvidenceBundle(noEntry, trusted()), "seal_digest", /^Seal \d+ \(transactions \d+ to \d+\) sealed \d+ entr(y|ies) but the bundle holds \d+ of them/);

    const noDecision = await tampered(file, "no-decision", (lines) => {
      const approval = parsed(lines).find((l) => l.type === "approval")!;
      return lines.filter((l) => !(l.includes('"type":"decision"') && l.includes(`"id":"${approval.decision_id as string}"`)));
    });
    expectFailure(await verifyEvidenceBundle(noDecision, trusted()), "missing_record", /^Approval \S+ refers to decision dec_\S+, which is not in the bundle/);

    const forgedSeal = await tampered(file, "forged-seal", (lines) => lines.map((l) => (l.includes('"type":"seal"') ? l.replace(/"entry_count":(\d+)/, (_, n) => `"entry_count":${Number(n) + 1}`) : l)));
    expectFailure(await verifyEvidenceBundle(forgedSeal, trusted()), "seal_hash", /^Seal \d+ no longer matches its own hash/);

    const text = gunzipSync(await readFile(file));
    const cut = path.join(dir, "cut.ndjson.gz");
    await writeFile(cut, gzipSync(text.subarray(0, Math.floor(text.length * 0.6))));
    const truncated = await verifyEvidenceBundle(cut, trusted());
    expect(truncated.ok).toBe(false);
    expect(["truncated", "format"]).toContain(truncated.failure?.kind);

    const halfGzip = path.join(dir, "half.ndjson.gz");
    const gz = await readFile(file);
    await writeFile(halfGzip, gz.subarray(0, gz.length - 20));
    expectFailure(await verifyEvidenceBundle(halfGzip, trusted()), "unreadable", /not a complete gzip stream/);

    const recordEdit = await tampered(file, "reason-edit", (lines) => lines.map((l) => (l.includes('"type":"review_case"') ? l.replace("legal action", "legal actions") : l)));
    expectFailure(await verifyEvidenceBundle(recordEdit, trusted()), "lines_digest", /a line was changed after export/);
  });

  it("ties the first seal to the anchor: a bundle that drops its first seal no longer links", async () => {
    await sealEverything();
    const file = await exportBundle("anchor");
    const changed = await tampered(file, "anchor-cut", (lines) => {
      const first = parsed(lines).find((l) => l.type === "seal")!;
      return lines.filter((l) => !(l.includes(`"type":"seal","id":${first.id as number},`) || l.includes(`"seal_id":${first.id as number},`)));
    });
    const result = await verifyEvidenceBundle(changed, trusted());
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("seal_chain");
  });

  it("verifies an empty period, and reads a plain (not gzip) file", async () => {
    const period = { from: new Date("2020-01-01T00:00:00Z"), to: new Date("2020-01-02T00:00:00Z") };
    const bundle = await buildEvidenceBundle(t.db, auditor, period);
    const file = path.join(dir, "empty.ndjson");
    await pipeline(Readable.from(bundle.lines()), createWriteStream(file));
    const result = await verifyEvidenceBundle(file, trusted());
    expect(result).toMatchObject({ ok: true, counts: { audit_entry: 0, seal: 0, decision: 0 } });
  });

  it("mandate audit export writes a bundle and `audit verify --bundle` checks it without any database", async () => {
    const out = path.join(dir, "cli.ndjson.gz");
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const exported = await mandate(["audit", "export", "--from", from, "--to", to, "--output", out], t.url);
    expect(exported.code).toBe(0);
    const fingerprint = getKeyStore().currentSigning().kid;
    expect(exported.stdout).toContain(`mandate audit verify --bundle ${out} --fingerprint ${fingerprint}`);

    // An unreachable DATABASE_URL proves that verification never opens one.
    const verified = await mandate(["audit", "verify", "--bundle", out, "--fingerprint", fingerprint], "postgresql://nobody@127.0.0.1:1/none");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^Evidence bundle verified/);
    expect(verified.stdout).toContain(`It is signed by the key you trust (${fingerprint})`);

    // Without a key obtained apart from the bundle, nothing proves where it came from.
    const unkeyed = await mandate(["audit", "verify", "--bundle", out], "postgresql://nobody@127.0.0.1:1/none");
    expect(unkeyed.code).toBe(1);
    expect(unkeyed.stdout).toMatch(/No trusted key was given, so nothing proves where this bundle came from/);

    const broken = await tampered(out, "cli-broken", (lines) => lines.map((l) => (l.includes('"action":"decision.create"') ? l.replace('"actor_label":"support-bot"', '"actor_label":"support-b0t"') : l)));
    const failed = await mandate(["audit", "verify", "--bundle", broken, "--fingerprint", fingerprint], "postgresql://nobody@127.0.0.1:1/none");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^Evidence bundle FAILED verification \(line \d+\): Audit entry \d+ \(decision\.create at .*\) no longer matches its hash/);

    const refused = await mandate(["audit", "export", "--from", "2026-02-01", "--to", "2026-01-01"], t.url);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("to: The end must come after the start");
  });
});

describe("the standalone verifier", () => {
  it("runs on Node alone from another folder, against a key file, and refuses forged signatures and other keys", async () => {
    await sealEverything();
    const bundle = await exportBundle("standalone");
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), "auditor-"));
    const verifier = path.join(elsewhere, "mandate-verify-evidence.mjs");
    const built = await mandate(["audit", "verifier", "--output", verifier], "postgresql://nobody@127.0.0.1:1/none");
    expect(built.code).toBe(0);
    const keyFile = path.join(elsewhere, "jwks.json");
    await writeFile(keyFile, JSON.stringify(publicJwks(getKeyStore())));
    const { generateKeyPairSync } = await import("node:crypto");
    const otherFile = path.join(elsewhere, "other.json");
    await writeFile(otherFile, JSON.stringify({ keys: [{ ...generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }), kid: "other" }] }));

    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [verifier, ...args], { cwd: elsewhere, env: { PATH: process.env.PATH ?? "" } as unknown as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
        ),
      );
    const ok = await run([bundle, "--key", keyFile]);
    expect(ok.stdout).toMatch(/^Evidence bundle verified/);
    expect(ok.code).toBe(0);

    const other = await run([bundle, "--key", otherFile]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/The bundle is signed by key \S+, which is not a key you trust/);

    // Whoever edits the file can append an entry and recompute the digest and counts: not the signature.
    const appended = await tampered(bundle, "appended", (lines) => {
      const body = lines.filter((l) => l.trim());
      const end = JSON.parse(body.pop()!);
      const last = JSON.parse(body.filter((l) => l.startsWith('{"type":"audit_entry"')).at(-1)!);
      const forged = { ...last, id: String(BigInt(last.id) + 1000n), seal_id: null, subject_id: "forged" };
      forged.hash = hashAuditContent({ occurredAt: forged.occurred_at, actorType: forged.actor_type, actorId: forged.actor_id, actorLabel: forged.actor_label, action: forged.action, subjectType: forged.subject_type, subjectId: forged.subject_id, data: forged.data, nonce: forged.nonce });
      const firstRecord = body.findIndex((l) => !l.startsWith('{"type":"audit_entry"') && !l.startsWith('{"type":"seal"') && !l.startsWith('{"type":"manifest"'));
      body.splice(firstRecord, 0, JSON.stringify(forged));
      const sha = createHash("sha256");
      for (const l of body) sha.update(`${l}\n`);
      end.counts.audit_entry += 1;
      end.lines_sha256 = sha.digest("hex");
      return [...body, JSON.stringify(end), ""];
    });
    const refusedAppend = await run([appended, "--key", keyFile]);
    expect(refusedAppend.code).toBe(1);
    expect(refusedAppend.stdout).toMatch(/The bundle's signature does not verify: its lines, counts or digest were changed after export/);

    const wrongPrint = await run([bundle, "--fingerprint", "A".repeat(43)]);
    expect(wrongPrint.code).toBe(1);
    expect(wrongPrint.stdout).toMatch(/names no signing key with the fingerprint/);

    const forged = await tampered(bundle, "forged-signature", (lines) =>
      lines.map((l) => (l.startsWith('{"type":"seal"') ? l.replace(/"signature":"[A-Za-z0-9_-]{10}/, '"signature":"AAAAAAAAAA') : l)),
    );
    const refused = await run([forged, "--key", keyFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/Seal \d+'s signature does not verify: the seal was altered after it was signed/);
  });
});

describe("evidence period", () => {
  it("reads dates as UTC midnight, takes an inclusive last day from the form, and refuses backwards periods", () => {
    expect(evidencePeriodInput.parse({ from: "2026-03-01", through: "2026-03-31" })).toEqual({ from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") });
    expect(evidencePeriodInput.parse({ from: "2026-03-01T12:00:00+02:00", to: "2026-03-02" })).toEqual({ from: new Date("2026-03-01T10:00:00Z"), to: new Date("2026-03-02T00:00:00Z") });
    expect(evidencePeriodInput.safeParse({ from: "2026-03-02", to: "2026-03-01" }).success).toBe(false);
    expect(evidencePeriodInput.safeParse({ from: "2024-01-01", to: "2026-01-01" }).success).toBe(false);
    expect(evidencePeriodInput.safeParse({ from: "yesterday", to: "2026-01-01" }).success).toBe(false);
  });
});

function mandate(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/mandate.js", ...args],
      { env: { ...process.env, DATABASE_URL: databaseUrl, MANDATE_DATA_DIR: dir, NODE_ENV: "test" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
