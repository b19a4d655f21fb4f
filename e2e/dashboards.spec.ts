import { readFile, writeFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { verifyEvidenceBundle } from "../lib/evidence/verify-evidence-bundle";
import { expect, signIn, test } from "./fixtures";

const agent = { authorization: `Bearer ${DEMO_AGENT_KEY}` };

test("the committee sees the refunds' approval rate and follows it into the filtered history", async ({ page, browser, request }) => {
  // The dashboards read 90 days of demo history: on a busy machine the first page can take a while.
  test.setTimeout(180_000);
  // One held refund decided today, so the number exists whatever history the demo carries.
  const customer = `cus_dash_${Date.now().toString(36)}`;
  const res = await request.post("/api/v1/decisions", {
    headers: agent,
    data: { action: "refund.issue", intent: "shipping_error", customer: { id: customer, verified: true }, params: { amount: "180.00", currency: "USD" } },
  });
  expect(await res.json()).toMatchObject({ decision: "hold" });
  const supervisor = await browser.newPage();
  await signIn(supervisor, "supervisor");
  await supervisor.goto("/approvals");
  await supervisor.getByRole("link", { name: new RegExp(`Issue a refund \\$180\\.00 for ${customer}`) }).click();
  const form = supervisor.getByRole("form", { name: "Decide" });
  await form.getByLabel("Reason (kept in the audit log)").fill("Shipping error we caused");
  await form.getByRole("radio", { name: /Approve/ }).check();
  await form.getByRole("button", { name: /Approve/ }).click();
  await expect(supervisor.getByRole("status").filter({ hasText: "Approved" })).toBeVisible();

  await signIn(page, "committee");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboards" }).click();
  await expect(page.getByRole("heading", { name: "Dashboards", level: 1 })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "24 hours" }).click();
  await expect(page).toHaveURL(/range=24h/);
  const filters = page.getByRole("form", { name: "Dashboard filters" });
  // Regression (issue #23, point 6): the filters listed raw keys; they list the policy's labels.
  await expect(filters.getByLabel("Action").getByRole("option", { name: "Issue a refund" })).toHaveAttribute("value", "refund.issue");
  await expect(filters.getByLabel("Action").getByRole("option", { name: "refund.issue" })).toHaveCount(0);
  await expect(filters.getByLabel("Tier").getByRole("option", { name: "High" })).toHaveAttribute("value", "high");
  await filters.getByLabel("Action").selectOption("refund.issue");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=refund\.issue/);
  await expect(page).toHaveURL(/range=24h/);

  // The rollups catch up with today's approval within seconds: reload until the number is there.
  const card = page.getByRole("region", { name: "Holds and approval rate" });
  await expect(async () => {
    await page.reload();
    await expect(card).toContainText(/Approval rate \d+(\.\d)?% of [\d,]+ held refund\.issue decisions decided/, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  const figure = card.getByRole("figure");
  const chart = figure.getByRole("img", { name: /^Stacked bar chart of held decisions decided per hour/ });
  await expect(chart).toBeVisible();

  // The same numbers as a table.
  await card.getByRole("button", { name: "Show table" }).click();
  await expect(card.getByRole("table", { name: "Holds and approval rate: the numbers" })).toContainText("Approval rate");
  await expect(chart).toBeHidden();
  await card.getByRole("button", { name: "Show chart" }).click();
  await expect(chart).toBeVisible();

  await card.getByRole("link", { name: "See these held decisions" }).click();
  await expect(page).toHaveURL(/\/history\?.*action=refund\.issue/);
  await expect(page).toHaveURL(/decision=hold/);
  await expect(page.getByRole("heading", { name: "Action history", level: 1 })).toBeVisible();
  await expect(page.getByRole("form", { name: "Filter decisions" }).getByLabel("Action")).toHaveValue("refund.issue");
});

test("the rubber-stamp watch lists approvers with their rate and median time", async ({ page }) => {
  await signIn(page, "committee");
  await page.goto("/dashboards");
  await page.getByRole("link", { name: "Rubber-stamp watch" }).click();
  await expect(page.getByRole("heading", { name: "Rubber-stamp watch", level: 1 })).toBeVisible();
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "90 days" }).click();
  await expect(page).toHaveURL(/\/dashboards\/approvers\?range=90d/);
  await expect(page.getByRole("region", { name: "What is flagged, and why" })).toContainText("more than 95%");
  const table = page.getByRole("table", { name: "Approvers" });
  const empty = page.getByText("No approvals decided in this range");
  await expect(table.or(empty)).toBeVisible();
  if (await table.isVisible()) await expect(table.getByRole("columnheader", { name: "Median time to decide" })).toBeVisible();
});

test("an auditor downloads the last day's evidence, which verifies offline; one changed byte is named", async ({ page, request }, testInfo) => {
  // The demo history was written in bulk at start, so its seals mix old and new entries: the last
  // day's bundle carries those whole seals (about 100,000 entries) and takes a while to export and check.
  test.setTimeout(240_000);
  const made = await request.post("/api/v1/decisions", { headers: agent, data: { action: "order.status", intent: "shipping_error", customer: { id: "cus_evidence" } } });
  expect(made.status()).toBe(201);

  await signIn(page, "auditor");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Evidence" }).click();
  // Regression (issue #23, point 8): "Last 7 days" put a raw timestamp in the first-day field,
  // the last-day field showed only its placeholder, and the preview's 9,458 audit entries were
  // not the 102,855 the bundle held.
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const period = page.getByRole("form", { name: "Evidence period" });
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${weekAgo}&through=${today}$`));
  await expect(period.getByLabel("First day (UTC)")).toHaveValue(weekAgo);
  await expect(period.getByLabel("Last day (UTC, included)")).toHaveValue(today);
  await expect(period.getByLabel("First day (UTC)")).toHaveAttribute("type", "date");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: testInfo.outputPath("evidence-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("evidence-390.png"), fullPage: true });
  const field = (await period.getByLabel("First day (UTC)").boundingBox())!;
  expect(field.x + field.width).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole("link", { name: "Today" }).click();
  await expect(period.getByLabel("First day (UTC)")).toHaveValue(today);
  await expect(period.getByLabel("Last day (UTC, included)")).toHaveValue(today);
  const preview = page.getByRole("region", { name: "Bundle for this period" });
  await expect(preview).toBeVisible();
  const previewed = Number(((await preview.getByTestId("preview-audit-entries").textContent()) ?? "").replaceAll(",", ""));
  expect(previewed).toBeGreaterThan(0);
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), preview.getByRole("link", { name: "Download evidence bundle" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^mandate-evidence_.*\.ndjson\.gz$/);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);

  // The auditor trusts the key the server publishes, obtained apart from the bundle.
  const jwks = await (await request.get("/.well-known/jwks.json")).json();
  const trust = { keys: jwks.keys };
  const fingerprint = jwks.keys.at(-1).kid as string;
  await expect(page.getByRole("list", { name: "Signing key fingerprints" })).toContainText(fingerprint);
  const verified = await verifyEvidenceBundle(file, trust);
  expect(verified.failure).toBeNull();
  expect(verified.ok).toBe(true);
  expect(verified.counts.decision).toBeGreaterThan(0);
  // The preview counted what the file holds: whole seals and the entry recording the download.
  // Other tests write audit entries meanwhile (the period reaches now), so the file holds at
  // least what was previewed and at most what a preview made after the download counts.
  await page.reload();
  const previewedAfter = Number(((await preview.getByTestId("preview-audit-entries").textContent()) ?? "").replaceAll(",", ""));
  expect(verified.counts.audit_entry).toBeGreaterThanOrEqual(previewed);
  expect(verified.counts.audit_entry).toBeLessThanOrEqual(previewedAfter);
  expect(verified.exportedBy).toBe("auditor@northwind.example");

  // One byte of one audit entry changed: the verifier names that entry.
  const lines = gunzipSync(await readFile(file)).toString("utf8").split("\n");
  const index = lines.findIndex((l) => l.includes('"action":"decision.create"') && l.includes('"subject_id":"') && l.includes("cus_evidence"));
  expect(index).toBeGreaterThan(0);
  const entryId = JSON.parse(lines[index]!).id as string;
  lines[index] = lines[index]!.replace("cus_evidence", "cus_evidencf");
  const tampered = testInfo.outputPath("tampered.ndjson.gz");
  await writeFile(tampered, gzipSync(lines.join("\n")));
  const failed = await verifyEvidenceBundle(tampered, trust);
  expect(failed.ok).toBe(false);
  expect(failed.failure).toMatchObject({ kind: "entry_hash", entryId });
  expect(failed.failure?.message).toMatch(new RegExp(`^Audit entry ${entryId} \\(decision\\.create at .*\\) no longer matches its hash`));
});
