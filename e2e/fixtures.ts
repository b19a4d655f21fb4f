import { expect, test as base, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "mandate-demo";

export const DEMO_ACCOUNTS = {
  admin: "admin@northwind.example",
  cx_lead: "cx@northwind.example",
  legal: "legal@northwind.example",
  legal2: "legal2@northwind.example",
  it: "it@northwind.example",
  supervisor: "supervisor@northwind.example",
  supervisor2: "supervisor2@northwind.example",
  committee: "committee@northwind.example",
  committee2: "committee2@northwind.example",
  auditor: "auditor@northwind.example",
} as const;

export type DemoAccount = keyof typeof DEMO_ACCOUNTS;

export async function signIn(page: Page, account: DemoAccount): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO_ACCOUNTS[account]);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

export const test = base;
export { expect };
