import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, signIn, test } from "./fixtures";

// Issue #23, point 11 ("Escalation reaches nobody"): IT gives an owner a webhook on the Owners
// page, and everyone who reads that page sees whether the owner's notifications arrive.

async function receiver(status: number) {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, bodies, close: () => new Promise((r) => server.close(r)) };
}

test("IT sets an owner's Slack webhook, sees the secret once, and the Owners page shows each notification delivered or failing", async ({ page, browser }, testInfo) => {
  const ok = await receiver(200);
  const down = await receiver(500);
  try {
    await signIn(page, "it");
    await page.goto("/owners");

    const finance = page.getByRole("region", { name: "Finance Operations" });
    await expect(finance).toContainText("nobody receives them");
    const form = finance.getByRole("form", { name: "Notification webhook for Finance Operations" });
    await form.getByLabel("Webhook URL").fill(ok.url);
    await form.getByLabel("Format").selectOption("slack");
    await form.getByRole("button", { name: "Save webhook" }).click();
    await expect(finance.getByTestId("owner-webhook-secret")).toContainText(/^whsec_/);
    await expect(finance).toContainText("Slack-compatible");

    await finance.getByRole("button", { name: "Send test notification" }).click();
    await expect(finance.getByText("Test notification queued")).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("list", { name: "Latest notifications to Finance Operations" }).getByText("Delivered", { exact: true })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    // The secret is never shown again.
    await expect(page.getByTestId("owner-webhook-secret")).toHaveCount(0);
    expect(ok.bodies).toHaveLength(1);
    expect(JSON.parse(ok.bodies[0]!)).toEqual({ text: expect.stringContaining("test notification from Mandate") });

    // A receiver answering 500: the page says it is failing, why, and that it will be tried again.
    const logistics = page.getByRole("region", { name: "Logistics" });
    await logistics.getByLabel("Webhook URL").fill(down.url);
    await logistics.getByRole("button", { name: "Save webhook" }).click();
    await expect(logistics.getByTestId("owner-webhook-secret")).toBeVisible();
    await logistics.getByRole("button", { name: "Send test notification" }).click();
    await expect(logistics.getByText("Test notification queued")).toBeVisible();
    await expect(async () => {
      await page.reload();
      const latest = page.getByRole("list", { name: "Latest notifications to Logistics" });
      await expect(latest.getByText("Failing, will retry")).toBeVisible({ timeout: 1_000 });
      await expect(latest.getByText("Last error: HTTP 500")).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });

    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: testInfo.outputPath(`owners-${width}.png`) });
      await page.getByRole("region", { name: "Escalation notifications" }).screenshot({ path: testInfo.outputPath(`owners-notifications-${width}.png`) });
    }

    // A supervisor sees the delivery state but neither the URL (a Slack URL is a credential) nor the form.
    const sup = await browser.newPage();
    await signIn(sup, "supervisor");
    await sup.goto("/owners");
    const supFinance = sup.getByRole("region", { name: "Finance Operations" });
    await expect(supFinance.getByRole("list", { name: "Latest notifications to Finance Operations" }).getByText("Delivered", { exact: true })).toBeVisible();
    await expect(supFinance).not.toContainText(ok.url);
    await expect(supFinance.getByRole("form")).toHaveCount(0);
    await sup.close();
  } finally {
    // Remove both, so the demo's owners are left as found.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/owners");
    for (const name of ["Finance Operations", "Logistics"]) {
      const region = page.getByRole("region", { name });
      if (!(await region.getByLabel("Webhook URL").inputValue())) continue;
      await region.getByLabel("Webhook URL").fill("");
      await region.getByRole("button", { name: "Save webhook" }).click();
      await expect(region.getByText("notification webhook removed")).toBeVisible();
    }
    await ok.close();
    await down.close();
  }
});
