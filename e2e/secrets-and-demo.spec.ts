import { DEMO_ACCOUNTS, DEMO_PASSWORD, expect, signIn, test } from "./fixtures";

// Issue #23, point 10: one-time secrets had no copy button; the demo created an extra
// administrator admin@mandate.local (its password printed in the log); the demo's sign-in page
// did not say how to sign in.

test("the demo workspace's sign-in page names its accounts and password, and has no extra administrator", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/login");
  const hint = page.getByRole("region", { name: "This is the demo workspace" });
  await expect(hint).toContainText(`password ${DEMO_PASSWORD}`);
  await expect(hint.getByRole("list", { name: "Demo accounts" })).toContainText(DEMO_ACCOUNTS.legal);
  await expect(hint.getByRole("list", { name: "Demo accounts" })).toContainText("Oversight committee");
  await page.screenshot({ path: "test-results/screens/sign-in-demo-390.png", fullPage: true });

  await signIn(page, "admin");
  await page.goto("/users");
  await expect(page.getByText(DEMO_ACCOUNTS.auditor)).toBeVisible();
  await expect(page.getByText("admin@mandate.local")).toHaveCount(0);
});

test("a new agent key has a Copy button that works from the keyboard and announces Copied", async ({ browser }) => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await signIn(page, "it");
  await page.goto("/agents");
  const form = page.getByRole("form", { name: "Create an agent" });
  await form.getByLabel("Name").fill(`copy-bot-${Date.now().toString(36)}`);
  await form.getByRole("button", { name: "Create agent and key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^mdt_/);

  const copy = form.getByRole("button", { name: "Copy API key" });
  await copy.focus();
  await page.keyboard.press("Enter");
  await expect(form.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await page.screenshot({ path: "test-results/screens/agent-key-copied-1440.png" });
  await context.close();
});

test("without clipboard permission, Copy selects the secret so the person can copy it themselves", async ({ page }) => {
  await signIn(page, "it");
  await page.goto("/agents");
  // No clipboard at all (an insecure origin, a locked-down browser): the fallback must still help.
  await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new Error("denied")) } }));
  const form = page.getByRole("form", { name: "Create an agent" });
  await form.getByLabel("Name").fill(`select-bot-${Date.now().toString(36)}`);
  await form.getByRole("button", { name: "Create agent and key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  await form.getByRole("button", { name: "Copy API key" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Selected: press Ctrl+C" })).toBeVisible();
  expect(await page.evaluate(() => window.getSelection()?.toString().trim())).toBe(key);
});
