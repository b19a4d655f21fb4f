import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { decideApproval } from "../../lib/approvals/decide-approval";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import { buildEvidenceBundle } from "../../lib/evidence/build-evidence-bundle";
import { verifyEvidenceBundle } from "../../lib/evidence/verify-evidence-bundle";
import { pruneDecisions } from "../../lib/retention/prune-decisions";
import { client, newAgentKey, operator, publishExamplePolicy, startApiServer, type ApiServer } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { getKeyStore } from "../../lib/keys/current-key-store";
import { publicJwks } from "../../lib/keys/key-store";

/** The server's public keys, as an auditor fetches them from its JWKS. */
const trusted = () => ({ keys: publicJwks(getKeyStore()).keys });

let t: TestDatabase;
let api: ApiServer;
let call: ReturnType<typeof client>;
let dir: string;
const DAY = 86_400_000;
const now = new Date();
const longAgo = new Date(now.getTime() - 400 * DAY);

/** Moves a decision and its records into the past, as if made `longAgo` (the tables are not append-only). */
async function age(decisionId: string): Promise<void> {
  await t.query("UPDATE decisions SET created_at = $2, updated_at = $2 WHERE id = $1", [decisionId, longAgo]);
  await t.query("UPDATE approvals SET created_at = $2, decided_at = $2 WHERE decision_id = $1", [decisionId, longAgo]);
  await t.query("UPDATE approval_votes SET created_at = $2 WHERE approval_id IN (SELECT id FROM approvals WHERE decision_id = $1)", [decisionId, longAgo]);
  await t.query("UPDATE outcomes SET created_at = $2 WHERE decision_id = $1", [decisionId, longAgo]);
  await t.query("UPDATE review_cases SET created_at = $2 WHERE decision_id = $1", [decisionId, longAgo]);
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), "mandate-retention-"));
  await publishExamplePolicy(t);
  api = await startApiServer(t);
  call = client(api.url, await newAgentKey(t, "support-bot"));
});
afterAll(async () => {
  await api?.close();
  await t?.drop();
});

describe("retention", () => {
  it("refuses any date inside the retention window and changes nothing", async () => {
    const inside = new Date(now.getTime() - 100 * DAY);
    await expect(pruneDecisions(t.db, operator, { before: inside, retentionDays: 183 })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/^Refusing to prune records before .*: that reaches into the retention window\. Records are kept 183 days/),
    });
    await expect(pruneDecisions(t.db, operator, { before: new Date(now.getTime() - 200 * DAY), retentionDays: 365 })).rejects.toMatchObject({ message: expect.stringMatching(/kept 365 days/) });
  });

  it("is for operators only", async () => {
    const admin: Actor = { type: "user", id: "00000000-0000-4000-8000-000000000001", label: "admin@example.com", roles: ["admin"] };
    await expect(pruneDecisions(t.db, admin, { before: longAgo, retentionDays: 183 })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("prunes old decisions with their records, keeps what someone still waits on, and the audit chain still verifies", async () => {
    const supervisor = await t.db.user.create({ data: { email: "sup@example.com", name: "Sup", roles: ["supervisor"] } });
    const done = await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "cus_old" }, params: { amount: "180", currency: "USD" } });
    const approval = await t.db.approval.findUniqueOrThrow({ where: { decisionId: done.body.id } });
    await decideApproval(t.db, { type: "user", id: supervisor.id, label: supervisor.email, roles: ["supervisor"] }, { approvalId: approval.id, verdict: "approve", reason: "fine" });
    await call("POST", `/api/v1/decisions/${done.body.id}/outcome`, { status: "failed", action_digest: done.body.action_digest });
    const waiting = await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "cus_wait" }, params: { amount: "180", currency: "USD" } });
    const recent = await call("POST", "/api/v1/decisions", { action: "refund.issue", customer: { id: "cus_new" }, params: { amount: "10", currency: "USD" } });
    // The failed outcome opened a review case; it is resolved, so nothing holds the old decision back.
    await t.query("UPDATE review_cases SET status = 'resolved', resolved_at = now() WHERE decision_id = $1", [done.body.id]);
    await age(done.body.id);
    await age(waiting.body.id);

    const cutoff = new Date(now.getTime() - 200 * DAY);
    const dry = await pruneDecisions(t.db, operator, { before: cutoff, retentionDays: 183, dryRun: true });
    expect(dry.counts.decisions).toBe(1);
    expect(await t.db.decision.count()).toBe(3);

    // Shadow counts per second: one older than every decision kept goes; one as old as the kept,
    // still-waiting decision and one of today stay.
    const draft = "00000000-0000-4000-8000-00000000d4af";
    const second = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000);
    for (const at of [new Date(longAgo.getTime() - DAY), second(longAgo), second(now)]) {
      await t.query("INSERT INTO shadow_counts (draft_id, second, evaluated, differing) VALUES ($1, $2, 5, 1)", [draft, at]);
    }

    const auditBefore = await t.db.auditEntry.count();
    const result = await pruneDecisions(t.db, operator, { before: cutoff, retentionDays: 183, batchSize: 1 });
    expect(result.counts).toMatchObject({ decisions: 1, approvals: 1, approvalVotes: 1, outcomes: 1, reviewCases: 1, shadowCounts: 1 });
    expect((await t.query<{ second: Date }>("SELECT second FROM shadow_counts ORDER BY second")).map((r) => r.second.getTime())).toEqual([second(longAgo).getTime(), second(now).getTime()]);
    expect((await t.db.decision.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((d) => d.id).sort()).toEqual([waiting.body.id, recent.body.id].sort());
    // Nothing left the audit log: the pruned decision's entries stay as the evidence of it.
    expect(await t.db.auditEntry.count({ where: { subjectId: done.body.id } })).toBeGreaterThanOrEqual(3);
    // One entry for the batch that pruned the decision, one for the shadow counts.
    expect(await t.db.auditEntry.count()).toBe(auditBefore + 2);
    const pruned = await t.db.auditEntry.findMany({ where: { action: "retention.prune" }, orderBy: { id: "asc" }, select: { data: true } });
    expect(pruned.map((e) => e.data)).toMatchObject([{ decisions: 1, before: cutoff.toISOString() }, { shadowCounts: 1, before: cutoff.toISOString() }]);

    await vi.waitFor(
      async () => {
        await sealAuditLog(t.db);
        const last = await t.db.auditSeal.findFirst({ orderBy: { id: "desc" }, select: { toTxid: true } });
        expect(await t.db.auditEntry.count({ where: { txid: { gte: last?.toTxid ?? 0n } } })).toBe(0);
      },
      { timeout: 15_000, interval: 25 },
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, unsealedEntries: 0 });

    // An evidence bundle of the day the decision was really made still verifies: its audit
    // entries are all there, only the raw records are gone.
    const auditor: Actor = { type: "user", id: supervisor.id, label: "auditor@example.com", roles: ["auditor"] };
    const bundle = await buildEvidenceBundle(t.db, auditor, { from: new Date(now.getTime() - DAY), to: new Date(Date.now() + 60_000) });
    const file = path.join(dir, "after-prune.ndjson");
    await pipeline(Readable.from(bundle.lines()), createWriteStream(file));
    const verified = await verifyEvidenceBundle(file, trusted());
    expect(verified.failure).toBeNull();
    expect(verified.counts.decision).toBe(1);
  });

  it("the CLI refuses a date inside the window before opening any database", async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["bin/mandate.js", "retention", "prune", "--before", new Date(now.getTime() - 30 * DAY).toISOString().slice(0, 10)],
        { env: { ...process.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", MANDATE_DATA_DIR: dir, MANDATE_RETENTION_DAYS: "" }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Refusing to prune records before .*Records are kept 183 days/);

    const tooShort = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ["bin/mandate.js", "retention", "show"], { env: { ...process.env, MANDATE_RETENTION_DAYS: "90" }, timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain("MANDATE_RETENTION_DAYS: must be at least 183 (six months)");
  });
});
