import { DEMO_ACCOUNTS, expect, signIn, test, type DemoAccount } from "./fixtures";

const ALL_LINKS = [
  "Overview",
  "Permission map",
  "Risk tiers",
  "Owners",
  "Forbidden actions",
  "Data sources",
  "Intents",
  "Policy versions",
  "Dashboards",
  "Scorecards",
  "Recommendations",
  "Approvals",
  "Reviews",
  "History",
  "Stop switches",
  "Agents & keys",
  "Users",
];
const POLICY_AND_HISTORY = ["Overview", "Permission map", "Risk tiers", "Owners", "Forbidden actions", "Data sources", "Intents", "Policy versions", "History", "Stop switches"];

const EXPECTED: Record<Exclude<DemoAccount, "legal2" | "supervisor2" | "committee2">, string[]> = {
  admin: ALL_LINKS,
  cx_lead: [...POLICY_AND_HISTORY, "Dashboards", "Scorecards", "Recommendations", "Approvals", "Reviews"],
  legal: [...POLICY_AND_HISTORY, "Reviews"],
  it: [...POLICY_AND_HISTORY, "Agents & keys"],
  supervisor: [...POLICY_AND_HISTORY, "Dashboards", "Scorecards", "Recommendations", "Approvals", "Reviews"],
  committee: [...POLICY_AND_HISTORY, "Dashboards", "Scorecards", "Recommendations", "Approvals", "Reviews"],
  auditor: ALL_LINKS,
};

for (const [role, visible] of Object.entries(EXPECTED) as [keyof typeof EXPECTED, string[]][]) {
  test(`${role} sees exactly the navigation of the role`, async ({ page }) => {
    await signIn(page, role);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const link of ALL_LINKS) {
      const locator = nav.getByRole("link", { name: link, exact: true });
      if (visible.includes(link)) await expect(locator).toBeVisible();
      else await expect(locator).toHaveCount(0);
    }
    await expect(page.getByTestId("signed-in-user")).toBeVisible();
  });
}

const REFUSALS: [DemoAccount, string][] = [
  ["legal", "/users"],
  ["it", "/approvals"],
  ["supervisor", "/agents"],
  ["cx_lead", "/users"],
  ["legal", "/approvals"],
];

for (const [role, path] of REFUSALS) {
  test(`${role} opening ${path} is refused with a clear page`, async ({ page }) => {
    await signIn(page, role);
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not permitted" })).toBeVisible();
  });
}

test("a signed-out visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/permission-map");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in to Mandate" })).toBeVisible();
});

test("a wrong password shows a clear message and keeps the email typed", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO_ACCOUNTS.supervisor);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toHaveText("That email and password do not match an active account.");
  await expect(page.getByLabel("Email")).toHaveValue(DEMO_ACCOUNTS.supervisor);
  await expect(page).toHaveURL(/\/login/);
});

test("an empty form is refused before it is sent", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Enter your password")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
});
