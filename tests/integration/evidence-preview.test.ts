import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { recordAudit } from "../../lib/audit/record-audit";
import { sealAuditLog } from "../../lib/audit/seal-audit-log";
import { buildEvidenceBundle } from "../../lib/evidence/build-evidence-bundle";
import { getEvidencePreview } from "../../lib/evidence/queries";
import { publishExamplePolicy } from "./api-server";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let auditor: Actor;
const MINUTE = 60_000;

/** The audit entries a bundle of the period really holds, read from its lines. */
async function entriesInBundle(period: { from: Date; to: Date }): Promise<number> {
  const bundle = await buildEvidenceBundle(t.db, auditor, period, { batchSize: 7 });
  let text = "";
  for await (const chunk of bundle.lines()) text += chunk;
  const end = JSON.parse(text.trimEnd().split("\n").at(-1)!) as { counts: Record<string, number> };
  return end.counts.audit_entry!;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await publishExamplePolicy(t);
  const user = await t.db.user.create({ data: { email: "auditor@example.com", name: "Avery Auditor", roles: ["auditor"] } });
  auditor = { type: "user", id: user.id, label: user.email, roles: ["auditor"] };
  // Entries an hour and half an hour ago, sealed with everything else in one seal: a period
  // around the later one holds the whole seal, the earlier entry included.
  const now = Date.now();
  for (const minutesAgo of [60, 60, 30, 30, 30]) {
    await t.db.$transaction((tx) => recordAudit(tx, auditor, { action: "test.event", subjectType: "test", subjectId: `ago_${minutesAgo}`, data: {} }, new Date(now - minutesAgo * MINUTE)));
  }
  await sealAuditLog(t.db);
});

afterAll(async () => {
  await t?.drop();
});

// Regression (issue #23, point 8): the evidence page previewed 9,458 audit entries for a period
// whose bundle held 102,855, because it counted entries of the period, not the whole seals the
// bundle carries so an auditor can check them.
describe("evidence preview", () => {
  it("counts exactly the audit entries of a past period's bundle, widened to whole seals", async () => {
    const period = { from: new Date(Date.now() - 31 * MINUTE), to: new Date(Date.now() - 29 * MINUTE) };
    const preview = await getEvidencePreview(t.db, period);
    expect(preview.auditEntriesInPeriod).toBe(3);
    expect(preview.auditEntries).toBeGreaterThan(preview.auditEntriesInPeriod);
    expect(preview.auditEntries).toBe(await entriesInBundle(period));
  });

  it("counts the entry that records the export when the period reaches now, and unsealed entries", async () => {
    await t.db.$transaction((tx) => recordAudit(tx, auditor, { action: "test.event", subjectType: "test", subjectId: "unsealed", data: {} }));
    const period = { from: new Date(Date.now() - 24 * 60 * MINUTE), to: new Date(Date.now() + MINUTE) };
    const preview = await getEvidencePreview(t.db, period, new Date());
    expect(preview.auditEntries).toBe(await entriesInBundle(period));
  });

  it("counts nothing for a period with no entries, as the bundle holds none", async () => {
    const period = { from: new Date("2020-01-01T00:00:00Z"), to: new Date("2020-01-02T00:00:00Z") };
    expect((await getEvidencePreview(t.db, period)).auditEntries).toBe(0);
    expect(await entriesInBundle(period)).toBe(0);
  });
});
