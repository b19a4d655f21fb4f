import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/audit/actor";
import { parseCsv } from "../../lib/history/csv-format";
import { createHistoryCsvStream, exportHistoryCsv, HISTORY_CSV_COLUMNS } from "../../lib/history/export-history-csv";
import { parseHistoryQuery, type HistoryParams } from "../../lib/history/history-filters";
import { decodeCursor, encodeCursor } from "../../lib/history/keyset-cursor";
import { countHistory, listHistoryPage, type HistoryRow } from "../../lib/history/queries";
import { createTestDatabase, type TestDatabase } from "./database";

let t: TestDatabase;
let agentA: string;
let agentB: string;
const NOW = new Date("2026-11-21T12:00:00.000Z");
const auditor: Actor = { type: "user", id: "00000000-0000-0000-0000-0000000000a1", label: "auditor@example.com", roles: ["auditor"] };

interface Seeded {
  id: string;
  createdAt: Date;
  agentId: string;
  action: string;
  decision: string;
  status: string;
  tier: string;
  owner: string;
  customerId: string;
  amount: string | null;
}
let seeded: Seeded[] = [];

// 1,300 decisions over two weeks. Every fourth row shares its timestamp with its neighbours, so
// pagination must break ties on id; a fifth of them have no amount.
async function seed(): Promise<void> {
  await t.query(`
    INSERT INTO decisions (id, agent_id, action, customer_id, amount, currency, channel, request, decision, status, tier, owner, reasons, reason_codes, action_digest, created_at, updated_at)
    SELECT 'dec_t' || lpad(g::text, 5, '0'),
           CASE WHEN g % 3 = 0 THEN $2::uuid ELSE $1::uuid END,
           (ARRAY['refund.issue','order.cancel','shipment.reroute'])[1 + g % 3],
           'cus_' || (g % 40),
           CASE WHEN g % 5 = 0 THEN NULL ELSE ((g * 37) % 900)::numeric / 4 END,
           CASE WHEN g % 5 = 0 THEN NULL ELSE 'USD' END,
           'chat',
           jsonb_build_object('action', 'x', 'context', jsonb_build_object('summary', 'row ' || g)),
           (ARRAY['allow','deny','hold','allow'])[1 + g % 4]::"DecisionKind",
           (ARRAY['allowed','denied','pending_approval','executed'])[1 + g % 4]::"DecisionStatus",
           (ARRAY['low','medium','high','critical'])[1 + g % 4],
           (ARRAY['finance-ops','cx-ops'])[1 + g % 2],
           '[]'::jsonb, ARRAY['r' || (g % 4)], 'sha256:x',
           $3::timestamptz - ((g / 4) * interval '61 minutes'),
           now()
      FROM generate_series(1, 1300) g`,
    [agentA, agentB, NOW],
  );
  const rows = await t.query<{ id: string; created_at: Date; agent_id: string; action: string; decision: string; status: string; tier: string; owner: string; customer_id: string; amount: string | null }>(
    `SELECT id, created_at, agent_id::text, action, decision::text, status::text, tier, owner, customer_id, amount::text FROM decisions`,
  );
  seeded = rows.map((r) => ({ id: r.id, createdAt: r.created_at, agentId: r.agent_id, action: r.action, decision: r.decision, status: r.status, tier: r.tier, owner: r.owner, customerId: r.customer_id, amount: r.amount }));
}

beforeAll(async () => {
  t = await createTestDatabase();
  agentA = (await t.db.agent.create({ data: { name: "alpha-bot" } })).id;
  agentB = (await t.db.agent.create({ data: { name: "beta-bot" } })).id;
  await t.db.user.create({ data: { id: auditor.id, email: auditor.label, name: "Aldo", roles: ["auditor"] } });
  await seed();
  await t.query("ANALYZE decisions");
});
afterAll(async () => t.drop());

/** Walks every page forward and returns the rows in order, checking each page's size. */
async function walk(params: HistoryParams): Promise<{ rows: HistoryRow[]; pages: string[][] }> {
  const rows: HistoryRow[] = [];
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 500; i++) {
    const page = await listHistoryPage(t.db, parseHistoryQuery({ ...params, cursor }), NOW);
    pages.push(page.rows.map((r) => r.id));
    rows.push(...page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { rows, pages };
}

const byTimeDesc = (a: Seeded, b: Seeded) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

describe("history explorer query", () => {
  it("walks every decision exactly once in (created_at, id) order, ties included, and Previous returns the same page", async () => {
    const { rows, pages } = await walk({ size: "25" });
    const expected = [...seeded].sort(byTimeDesc).map((s) => s.id);
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1300);
    expect(pages.slice(0, -1).every((p) => p.length === 25)).toBe(true);

    // Forward to page 3, then Previous: exactly page 2.
    let cursor: string | undefined;
    let page = await listHistoryPage(t.db, parseHistoryQuery({ size: "25" }), NOW);
    expect(page.prevCursor).toBeNull();
    for (let i = 0; i < 2; i++) {
      page = await listHistoryPage(t.db, parseHistoryQuery({ size: "25", cursor: page.nextCursor! }), NOW);
      cursor = page.prevCursor!;
    }
    const back = await listHistoryPage(t.db, parseHistoryQuery({ size: "25", cursor }), NOW);
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]);
    const backToFirst = await listHistoryPage(t.db, parseHistoryQuery({ size: "25", cursor: back.prevCursor! }), NOW);
    expect(backToFirst.rows.map((r) => r.id)).toEqual(pages[0]);
    expect(backToFirst.prevCursor).toBeNull();
  });

  it("new decisions arriving mid-walk neither repeat nor push rows off the pages still to come", async () => {
    const first = await listHistoryPage(t.db, parseHistoryQuery({ size: "50" }), NOW);
    await t.query(`INSERT INTO decisions (id, agent_id, action, request, decision, status, reasons, action_digest, created_at) VALUES ('dec_late', $1::uuid, 'refund.issue', '{}', 'allow', 'allowed', '[]', 'sha256:x', $2)`, [agentA, NOW]);
    const second = await listHistoryPage(t.db, parseHistoryQuery({ size: "50", cursor: first.nextCursor! }), NOW);
    const expected = [...seeded].sort(byTimeDesc).map((s) => s.id);
    expect(second.rows.map((r) => r.id)).toEqual(expected.slice(50, 100));
    await t.query(`DELETE FROM decisions WHERE id = 'dec_late'`);
  });

  it("sorts by amount both ways with the decisions that have none last, and pages through ties", async () => {
    const window = { from: "2026-11-01", to: "2026-11-30" };
    const cmp = (dir: 1 | -1) => (a: Seeded, b: Seeded) => {
      if (a.amount === null || b.amount === null) return a.amount === b.amount ? (a.id < b.id ? -dir : dir) : a.amount === null ? 1 : -1;
      return (Number(a.amount) - Number(b.amount)) * dir || (a.id < b.id ? -dir : dir);
    };
    const asc = await walk({ ...window, sort: "amount", dir: "asc", size: "100" });
    expect(asc.rows.map((r) => r.id)).toEqual([...seeded].sort(cmp(1)).map((s) => s.id));
    const desc = await walk({ ...window, sort: "amount", dir: "desc", size: "100" });
    expect(desc.rows.map((r) => r.id)).toEqual([...seeded].sort(cmp(-1)).map((s) => s.id));
    expect(desc.rows.at(-1)!.amount).toBeNull();

    // Previous from inside the run of decisions without an amount.
    const pages = desc.pages;
    const last = await listHistoryPage(t.db, parseHistoryQuery({ ...window, sort: "amount", dir: "desc", size: "100", cursor: encodeCursor({ value: null, id: pages.at(-1)![0]!, direction: "prev" }) }), NOW);
    expect(last.rows.map((r) => r.id)).toEqual(pages.at(-2));
  });

  it("applies every filter on the server, exactly as a reference filter over all rows", async () => {
    const cases: [HistoryParams, (s: Seeded) => boolean][] = [
      [{ action: "refund.issue" }, (s) => s.action === "refund.issue"],
      [{ agent: "beta-bot" }, (s) => s.agentId === agentB],
      [{ agent: agentA }, (s) => s.agentId === agentA],
      [{ decision: "deny" }, (s) => s.decision === "deny"],
      [{ status: "executed" }, (s) => s.status === "executed"],
      [{ tier: "high" }, (s) => s.tier === "high"],
      [{ owner: "cx-ops" }, (s) => s.owner === "cx-ops"],
      [{ customer: "cus_7" }, (s) => s.customerId === "cus_7"],
      [{ min: "100", max: "150.5" }, (s) => s.amount !== null && Number(s.amount) >= 100 && Number(s.amount) <= 150.5],
      [{ range: "24h" }, (s) => s.createdAt.getTime() >= NOW.getTime() - 86_400_000],
      [{ from: "2026-11-18", to: "2026-11-19" }, (s) => s.createdAt >= new Date("2026-11-18T00:00:00Z") && s.createdAt < new Date("2026-11-20T00:00:00Z")],
      // What a dashboard link carries: ISO instants and several filters at once.
      [
        { action: "refund.issue", tier: "critical", decision: "allow", status: "executed", from: "2026-11-15T06:00:00.000Z", to: "2026-11-20T06:00:00.000Z" },
        (s) => s.action === "refund.issue" && s.tier === "critical" && s.decision === "allow" && s.createdAt >= new Date("2026-11-15T06:00:00Z") && s.createdAt < new Date("2026-11-20T06:00:00Z"),
      ],
      [{ agent: "nobody-bot" }, () => false],
    ];
    for (const [params, keep] of cases) {
      const expected = seeded.filter(keep).sort(byTimeDesc).map((s) => s.id);
      const { rows } = await walk({ ...params, size: "100" });
      expect(rows.map((r) => r.id), JSON.stringify(params)).toEqual(expected);
      expect(await countHistory(t.db, parseHistoryQuery(params), NOW), JSON.stringify(params)).toEqual({ exact: true, value: expected.length });
      expect(expected.length > 0 || params.agent === "nobody-bot").toBe(true);
    }
  });

  it("counts exactly only when the planner expects a small set; otherwise it says how many it expects", async () => {
    expect(await countHistory(t.db, parseHistoryQuery({}), NOW)).toEqual({ exact: true, value: 1300 });
    const rough = await countHistory(t.db, parseHistoryQuery({}), NOW, { exactLimit: 100 });
    expect(rough.exact).toBe(false);
    expect(rough.exact ? 0 : rough.estimate).toBeGreaterThan(1000);
  });

  it("refuses bad parameters and hand-edited cursors with field errors, not a database error", async () => {
    const bad: [HistoryParams, string][] = [
      [{ decision: "maybe" }, "decision"],
      [{ status: "done" }, "status"],
      [{ from: "yesterday" }, "from"],
      [{ from: "2026-11-20", to: "2026-11-10" }, "to"],
      [{ min: "50", max: "10" }, "max"],
      [{ min: "1e9" }, "min"],
      [{ sort: "customer" }, "sort"],
      [{ size: "1000" }, "size"],
      [{ action: "DROP TABLE;" }, "action"],
    ];
    for (const [params, path] of bad) {
      expect(() => parseHistoryQuery(params), JSON.stringify(params)).toThrow(expect.objectContaining({ code: "validation_failed", errors: [expect.objectContaining({ path })] }));
    }
    await expect(listHistoryPage(t.db, parseHistoryQuery({ cursor: "not-a-cursor" }), NOW)).rejects.toMatchObject({ code: "validation_failed", errors: [{ path: "cursor" }] });
    const amountCursor = encodeCursor({ value: "12.5", id: "dec_t00001", direction: "next" });
    await expect(listHistoryPage(t.db, parseHistoryQuery({ cursor: amountCursor }), NOW)).rejects.toMatchObject({ code: "validation_failed" });
    const injected = encodeCursor({ value: "2026-11-21T12:00:00.000Z'; DROP TABLE decisions; --", id: "x", direction: "next" });
    await expect(listHistoryPage(t.db, parseHistoryQuery({ cursor: injected }), NOW)).rejects.toMatchObject({ code: "validation_failed" });
    expect(decodeCursor(amountCursor)).toEqual({ value: "12.5", id: "dec_t00001", direction: "next" });
  });
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("CSV export", () => {
  it("streams the whole filtered set in batches: as many records as the count, in the page order", async () => {
    const params: HistoryParams = { action: "refund.issue", decision: "allow" };
    const query = parseHistoryQuery(params);
    const count = await countHistory(t.db, query, NOW);
    const text = await readAll(createHistoryCsvStream(t.db, query, { now: NOW, asOf: NOW, batchSize: 37 }));
    const records = parseCsv(text);
    expect(records[0]).toEqual([...HISTORY_CSV_COLUMNS]);
    expect(count.exact && records.length - 1 === count.value).toBe(true);
    const { rows } = await walk({ ...params, size: "100" });
    expect(records.slice(1).map((r) => r[0])).toEqual(rows.map((r) => r.id));

    const all = parseCsv(await readAll(createHistoryCsvStream(t.db, parseHistoryQuery({ sort: "amount", dir: "asc", from: "2026-11-01" }), { now: NOW, asOf: NOW, batchSize: 500 })));
    expect(all.length - 1).toBe(1300);
  });

  it("escapes commas, quotes and line breaks in agents' free text, and defuses formulas", async () => {
    const channel = 'web, "beta"\nwidget';
    const summary = 'Customer said: "refund me, now"\r\nthen =HYPERLINK("x")';
    await t.query(
      `INSERT INTO decisions (id, agent_id, action, customer_id, amount, currency, channel, request, decision, status, reasons, reason_codes, action_digest, created_at)
       VALUES ('dec_quote', $1::uuid, 'return.label', 'cus_quote', 12.5, 'USD', $2, $3::jsonb, 'allow', 'allowed', '[]', ARRAY['a','b'], 'sha256:x', $4)`,
      [agentA, channel, JSON.stringify({ context: { summary } }), NOW],
    );
    const text = await readAll(createHistoryCsvStream(t.db, parseHistoryQuery({ customer: "cus_quote" }), { now: NOW, asOf: new Date(NOW.getTime() + 1000) }));
    const [header, row] = parseCsv(text);
    const field = (name: string) => row![header!.indexOf(name)];
    expect(parseCsv(text)).toHaveLength(2);
    expect(field("channel")).toBe(channel);
    expect(field("summary")).toBe(summary);
    expect(field("amount")).toBe("12.50");
    expect(field("reason_codes")).toBe("a;b");
    expect(field("agent")).toBe("alpha-bot");
    await t.query(`UPDATE decisions SET channel = '=cmd|calc' WHERE id = 'dec_quote'`);
    const defused = parseCsv(await readAll(createHistoryCsvStream(t.db, parseHistoryQuery({ customer: "cus_quote" }), { now: NOW, asOf: new Date(NOW.getTime() + 1000) })));
    expect(defused[1]![HISTORY_CSV_COLUMNS.indexOf("channel")]).toBe("'=cmd|calc");
    await t.query(`DELETE FROM decisions WHERE id = 'dec_quote'`);
  });

  it("leaves out decisions made after the export started", async () => {
    const asOf = new Date(NOW.getTime() - 3_600_000);
    const text = await readAll(createHistoryCsvStream(t.db, parseHistoryQuery({}), { now: NOW, asOf }));
    expect(parseCsv(text).length - 1).toBe(seeded.filter((s) => s.createdAt <= asOf).length);
  });

  it("is authorized, validated with the explorer's schema, and recorded in the audit log", async () => {
    const agent: Actor = { type: "agent", id: agentA, label: "alpha-bot" };
    await expect(exportHistoryCsv(t.db, agent, {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(exportHistoryCsv(t.db, auditor, { decision: "perhaps" })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await t.db.auditEntry.count({ where: { action: "history.export" } })).toBe(0);

    const { stream, filename } = await exportHistoryCsv(t.db, auditor, { tier: "low", cursor: "ignored" }, NOW);
    expect(filename).toBe("mandate-history-2026-11-21T120000Z.csv");
    expect(parseCsv(await readAll(stream)).length - 1).toBe(seeded.filter((s) => s.tier === "low").length);
    const entry = await t.db.auditEntry.findFirstOrThrow({ where: { action: "history.export" } });
    expect(entry).toMatchObject({ actorLabel: "auditor@example.com", data: { filters: { tier: "low" }, as_of: NOW.toISOString() } });
  });
});
