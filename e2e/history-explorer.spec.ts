import { readFile } from "node:fs/promises";
import type { APIRequestContext } from "@playwright/test";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { parseCsv } from "../lib/history/csv-format";
import { expect, signIn, test } from "./fixtures";

async function decide(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post("/api/v1/decisions", { headers: { authorization: `Bearer ${DEMO_AGENT_KEY}` }, data: body });
  expect(res.status()).toBe(201);
  return res.json();
}

test("an auditor filters the history by action and decision, sorts by amount and exports exactly the rows shown", async ({ page, request }) => {
  const customer = `cus_hist_${Date.now().toString(36)}`;
  // Free text an agent sends ends up in the CSV: commas, quotes and a line break must survive.
  const summary = 'Customer wrote: "wrong size, again"\nwants the fee back';
  await decide(request, { action: "refund.issue", intent: "shipping_error", customer: { id: customer }, params: { amount: "12.34", currency: "USD" }, context: { channel: "chat, web", summary } });
  await decide(request, { action: "refund.issue", intent: "shipping_error", customer: { id: customer }, params: { amount: "45.00", currency: "USD" }, context: { channel: "email" } });
  // Same customer, another action: filtered out by the action filter.
  await decide(request, { action: "order.status", customer: { id: customer } });

  await signIn(page, "auditor");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  const filters = page.getByRole("form", { name: "Filter decisions" });
  await filters.getByLabel("Action").selectOption("refund.issue");
  await filters.getByLabel("Decision").selectOption("allow");
  await filters.getByLabel("Customer id").fill(customer);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=refund\.issue/);
  await expect(page).toHaveURL(/decision=allow/);

  const count = page.getByTestId("history-count");
  await expect(count).toHaveText("2 matching");
  const shown = Number(/^([\d,]+) matching$/.exec((await count.textContent()) ?? "")![1]!.replaceAll(",", ""));
  const table = page.getByRole("table", { name: "Decisions" });
  await expect(table.getByRole("row")).toHaveCount(shown + 1);

  // Sorting by amount happens on the server: largest first, then smallest first.
  await table.getByRole("button", { name: "Amount" }).click();
  await expect(page).toHaveURL(/sort=amount/);
  await expect(table.getByRole("row").nth(1)).toContainText("$45.00");
  await table.getByRole("button", { name: "Amount" }).click();
  await expect(page).toHaveURL(/dir=asc/);
  await expect(table.getByRole("row").nth(1)).toContainText("$12.34");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^mandate-history-.*\.csv$/);
  const records = parseCsv(await readFile((await download.path())!, "utf8"));
  const [header, ...rows] = records;
  expect(rows).toHaveLength(shown);
  expect(header!.slice(0, 4)).toEqual(["id", "created_at", "agent", "action"]);
  const column = (name: string) => header!.indexOf(name);
  expect(rows.map((r) => r[column("amount")])).toEqual(["12.34", "45.00"]);
  expect(rows.every((r) => r[column("action")] === "refund.issue" && r[column("decision")] === "allow" && r[column("customer_id")] === customer)).toBe(true);
  expect(rows[0]![column("channel")]).toBe("chat, web");
  expect(rows[0]![column("summary")]).toBe(summary);

  // Each row opens its decision's lineage.
  await table.getByRole("link", { name: new RegExp(`^Decision ${rows[0]![0]}`) }).click();
  await expect(page.getByRole("list", { name: "Lineage" })).toContainText("support-bot asked to refund.issue");
});

test("pages with Next and Previous, takes dashboard links, and explains bad filters instead of failing", async ({ page, request }) => {
  const customer = `cus_page_${Date.now().toString(36)}`;
  const started = new Date(Date.now() - 1000).toISOString();
  const ids: string[] = [];
  for (let i = 0; i < 27; i++) ids.push((await decide(request, { action: "return.label", customer: { id: customer } })).id);

  await signIn(page, "supervisor");
  await page.goto(`/history?customer=${customer}&size=25`);
  await expect(page.getByTestId("history-count")).toHaveText("27 matching");
  const table = page.getByRole("table", { name: "Decisions" });
  await expect(table.getByRole("row")).toHaveCount(26);
  // Newest first: the last decision made is on top.
  await expect(table.getByRole("row").nth(1)).toContainText(customer);
  await expect(table.getByRole("link", { name: new RegExp(`^Decision ${ids[26]}`) })).toBeVisible();

  const pager = page.getByRole("navigation", { name: "History pages" });
  await pager.getByRole("link", { name: "Next →" }).click();
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table.getByRole("link", { name: new RegExp(`^Decision ${ids[0]}`) })).toBeVisible();
  await expect(pager.getByText("Next →")).toHaveAttribute("aria-disabled", "true");
  await pager.getByRole("link", { name: "← Previous" }).click();
  await expect(table.getByRole("row")).toHaveCount(26);
  await expect(table.getByRole("link", { name: new RegExp(`^Decision ${ids[26]}`) })).toBeVisible();

  // What the dashboards link to: action, agent, tier, decision, status and an ISO window.
  const to = new Date(Date.now() + 60_000).toISOString();
  await page.goto(`/history?action=return.label&agent=support-bot&tier=low&decision=allow&status=allowed&from=${encodeURIComponent(started)}&to=${encodeURIComponent(to)}&customer=${customer}`);
  await expect(page.getByTestId("history-count")).toHaveText("27 matching");
  await expect(page.getByRole("form", { name: "Filter decisions" }).getByLabel("Time range")).toHaveValue("");
  await expect(page.getByRole("form", { name: "Filter decisions" }).getByLabel("From (UTC)")).toHaveValue(started);

  const response = await page.goto("/history?decision=perhaps&from=yesterday");
  expect(response?.status()).toBe(200);
  const alert = page.getByRole("alert").filter({ hasText: "Some filters are invalid" });
  await expect(alert).toContainText("Decision: Unknown decision");
  await expect(alert).toContainText("Use a date such as 2026-11-21");

  const csv = await page.request.get("/history/export?decision=perhaps");
  expect(csv.status()).toBe(400);
  expect(await csv.text()).toContain("decision: Unknown decision");
});

test("on a phone each decision is a card with every value under its column's name, no sideways scrolling", async ({ page, request }) => {
  const customer = `cus_phone_${Date.now().toString(36)}`;
  await decide(request, { action: "refund.issue", intent: "shipping_error", customer: { id: customer }, params: { amount: "23.45", currency: "USD" } });
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "auditor");
  await page.goto(`/history?customer=${customer}`);
  const table = page.getByRole("table", { name: "Decisions" });
  const row = table.getByRole("row").nth(1); // row 0 holds the (visually hidden) column headers
  const amount = row.getByRole("cell").filter({ hasText: "$23.45" });
  await expect(amount).toBeVisible();
  // Still a table to assistive technology; on screen the cell names its column and fits the width.
  expect(await amount.evaluate((cell) => getComputedStyle(cell, "::before").content)).toBe('"Amount"');
  const box = (await amount.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

// Regression (issue #23, point 6): at 1440 px the table cut its last column ("Poli…") and its
// scrollbar sat 50 rows down; actions, owners and tiers showed as keys (refund.issue, finance-ops).
test("at 1440 px every column fits, and actions, owners and tiers read as the policy's labels", async ({ page, request }) => {
  const customer = `cus_wide_${Date.now().toString(36)}`;
  await decide(request, { action: "refund.issue", intent: "shipping_error", customer: { id: customer }, params: { amount: "23.45", currency: "USD" } });
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, "auditor");
  await page.goto("/history");
  const table = page.getByRole("table", { name: "Decisions" });
  const scroller = page.getByTestId("Decisions-scroller");
  const policy = table.getByRole("columnheader", { name: "Policy" });
  await expect(policy).toBeVisible();
  // Nothing to scroll sideways: the last column ends inside the box, the box inside the window.
  expect(await scroller.evaluate((box) => box.scrollWidth - box.clientWidth)).toBeLessThanOrEqual(0);
  const header = (await policy.boundingBox())!;
  const frame = (await scroller.boundingBox())!;
  expect(header.x + header.width).toBeLessThanOrEqual(frame.x + frame.width);
  expect(frame.x + frame.width).toBeLessThanOrEqual(1440);
  // A page of 50 rows scrolls in its own box, its header staying in view.
  expect(frame.height).toBeLessThanOrEqual(900 * 0.75 + 1);
  await scroller.evaluate((box) => box.scrollBy(0, 600));
  await expect(policy).toBeInViewport();

  await page.goto(`/history?customer=${customer}`);
  const row = table.getByRole("row").nth(1);
  await expect(row).toContainText("Issue a refund");
  await expect(row).toContainText("Finance Operations");
  await expect(row).toContainText("Low");
  await expect(row).not.toContainText("refund.issue");
  await expect(row).not.toContainText("finance-ops");
  // The key stays at hand for those who know it.
  await expect(row.getByText("Issue a refund")).toHaveAttribute("title", "refund.issue");

  const filters = page.getByRole("form", { name: "Filter decisions" });
  await expect(filters.getByLabel("Action").getByRole("option", { name: "Issue a refund" })).toHaveAttribute("value", "refund.issue");
  await expect(filters.getByLabel("Owner").getByRole("option", { name: "Finance Operations" })).toHaveAttribute("value", "finance-ops");
  await expect(filters.getByLabel("Owner").getByRole("option", { name: "finance-ops" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("history-1440.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/history?customer=${customer}`);
  await expect(table.getByRole("row").nth(1)).toContainText("Issue a refund");
  await page.screenshot({ path: test.info().outputPath("history-390.png"), fullPage: true });
});
