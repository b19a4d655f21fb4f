import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { expect, signIn, test } from "./fixtures";

// Issue #23: at a 390 px viewport the console header was 413 px wide, so every page scrolled sideways.
const PAGES = ["/", "/approvals", "/reviews", "/history", "/dashboards", "/dashboards/approvers", "/permission-map", "/owners", "/policy-versions", "/evidence"];

test("no main page is wider than a 390 px phone", async ({ page, request }) => {
  // Regression: one unbreakable customer id in the history's phone layout made /history 402 px wide.
  const made = await request.post("/api/v1/decisions", { headers: { authorization: `Bearer ${DEMO_AGENT_KEY}` }, data: { action: "order.status", customer: { id: `cus_${"unbroken".repeat(6)}_${Date.now()}` } } });
  expect(made.status()).toBe(201);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "admin");
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.getByRole("main")).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
});

test("dashboard charts at 1440 and 390 px: whole labels, numbered approvers with their ranking", async ({ page }, testInfo) => {
  await signIn(page, "committee");
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/dashboards");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.locator("main svg text").first()).toBeVisible();
    // Category labels were cut to 26 characters ("Data outside the action's …"): they wrap now.
    const cut = (await page.locator("main svg text").allTextContents()).filter((t) => t.includes("…"));
    expect(cut).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`dashboards-${width}.png`) });
    for (const [i, chart] of (await page.locator("main figure").all()).entries()) {
      await chart.screenshot({ path: testInfo.outputPath(`dashboards-${width}-chart-${i}.png`) });
    }
    await page.goto("/dashboards/approvers");
    // The ranking beside the numbered dots is part of the drawing (the table view carries the numbers for screen readers).
    await expect(page.locator('ol[aria-label="Approvers, most like a rubber stamp first"] li').first()).toContainText(/^1\s*\S/);
    await page.locator("main figure").first().screenshot({ path: testInfo.outputPath(`approvers-${width}.png`) });
  }
});
