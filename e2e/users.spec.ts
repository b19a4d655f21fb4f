import { expect, signIn, test } from "./fixtures";

test("an administrator adds a person, who signs in with the one-time password, then changes their roles", async ({ page, browser }) => {
  await signIn(page, "admin");
  await page.goto("/users");
  const form = page.getByRole("form", { name: "Add a person" });
  const email = `nora-${Date.now().toString(36)}@northwind.example`;

  // No role ticked: refused, what was typed stays, and focus goes to the roles.
  await form.getByLabel("Name").fill("Nora Newhire");
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByText("Choose at least one role")).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue("Nora Newhire");
  await expect(form.getByLabel("Administrator")).toBeFocused();

  await form.getByLabel("Supervisor").check();
  await form.getByRole("button", { name: "Add person" }).click();
  const password = (await form.getByTestId("new-user-password").textContent())!.trim();
  expect(password.length).toBeGreaterThanOrEqual(12);
  // The form starts over for the next person.
  await expect(form.getByLabel("Email")).toHaveValue("");
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Supervisor");

  const nora = await browser.newPage();
  await nora.goto("/login");
  await nora.getByLabel("Email").fill(email);
  await nora.getByLabel("Password").fill(password);
  await nora.getByRole("button", { name: "Sign in" }).click();
  await expect(nora.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" })).toBeVisible();
  await expect(nora.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);

  await row.getByText("Change roles").click();
  const roles = page.getByRole("form", { name: "Roles of Nora Newhire" });
  await roles.getByLabel("Auditor (read-only)").check();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status")).toContainText("Roles saved for Nora Newhire");
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Auditor (read-only)");

  // Disabled with a reason: her open session stops working at the next page.
  await page.getByRole("row").filter({ hasText: email }).getByText("Disable", { exact: true }).click();
  const disable = page.getByRole("form", { name: "Disable Nora Newhire" });
  await disable.getByRole("button", { name: "Disable Nora Newhire" }).click();
  await expect(disable.getByLabel("Why disable")).toBeFocused();
  await disable.getByLabel("Why disable").fill("Contract ended");
  await disable.getByRole("button", { name: "Disable Nora Newhire" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("disabled");
  await expect(page.getByRole("status").filter({ hasText: "Nora Newhire can no longer sign in" })).toBeVisible();
  await nora.goto("/approvals");
  await expect(nora).toHaveURL(/\/login/);
});

test("an auditor sees the users but cannot change them", async ({ page }) => {
  await signIn(page, "auditor");
  await page.goto("/users");
  await expect(page.getByRole("table", { name: "Users" })).toContainText("admin@northwind.example");
  await expect(page.getByRole("form", { name: "Add a person" })).toHaveCount(0);
  await expect(page.getByText("Change roles")).toHaveCount(0);
});
