import { expect, signIn, test } from "./fixtures";

test("the demo policy's actions, tiers, owners and forbidden list are visible", async ({ page }) => {
  await signIn(page, "auditor");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Permission map" }).click();
  const actions = page.getByRole("table", { name: "Actions" });
  for (const label of ["Issue a refund", "Reroute a package", "Recover an account", "Adjust billing", "Tell order status"]) {
    await expect(actions.getByText(label, { exact: true })).toBeVisible();
  }
  await expect(actions.getByText("amount ≤ 50", { exact: true })).toBeVisible();
  await page.getByLabel("Search Actions").fill("refund");
  await expect(actions.getByText("Issue a refund", { exact: true })).toBeVisible();
  await expect(actions.getByText("Reroute a package", { exact: true })).toHaveCount(0);

  await page.getByRole("link", { name: "Risk tiers" }).click();
  const tiers = page.getByRole("list", { name: "Risk tiers" });
  await expect(tiers.getByRole("heading", { name: "Critical" })).toBeVisible();
  await expect(tiers.getByText("2 approvals by supervisor or committee within 24h")).toBeVisible();

  await page.getByRole("link", { name: "Owners" }).click();
  await expect(page.getByRole("table", { name: "Owners" }).getByText("Finance Operations")).toBeVisible();
  await expect(page.getByRole("table", { name: "Owners" }).getByText("finance-ops@northwind.example")).toBeVisible();

  await page.getByRole("link", { name: "Forbidden actions" }).click();
  const forbidden = page.getByRole("table", { name: "Forbidden actions" });
  await expect(forbidden.getByText("contract.negotiate")).toBeVisible();
  await expect(forbidden.getByText("Contract terms are negotiated by Legal only.")).toBeVisible();

  await page.getByRole("link", { name: "Policy versions" }).click();
  await expect(page.getByRole("listitem", { name: "Version 1" })).toContainText("Demo workspace");
});

test("pages with nothing to show say what to do next", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/approvals?agent=nobody-at-all");
  await expect(page.getByText("Nothing matches these filters")).toBeVisible();
  await page.goto("/agents");
  await expect(page.getByRole("table", { name: "Agents" }).getByText("support-bot")).toBeVisible();
  await page.goto("/users");
  await expect(page.getByRole("table", { name: "Users" }).getByText("legal2@northwind.example")).toBeVisible();
});
