import { startTestMcpServer, type TestMcpServer } from "../tests/integration/mcp-test-server";
import { expect, signIn, test } from "./fixtures";

let upstream: TestMcpServer;
const suffix = Date.now().toString(36);
const tools = [`lookup_order_${suffix}`, `list_parcels_${suffix}`];
const secret = `Bearer e2e-secret-${suffix}`;

test.beforeAll(async () => {
  upstream = await startTestMcpServer({ tools, requireHeader: ["authorization", secret] });
});
test.afterAll(async () => upstream.close());

test("IT adds a tool server with a credential, sees its tools but never the credential again, and removes it", async ({ page }) => {
  await signIn(page, "it");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tool servers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tool servers" })).toBeVisible();
  const name = `e2e-upstream-${suffix}`;
  const form = page.getByRole("form", { name: "Add a tool server" });

  // A wrong credential is refused with the reason, and everything typed stays.
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("MCP address (Streamable HTTP)").fill(upstream.url);
  await form.getByLabel("Header 1 name").fill("Authorization");
  await form.getByLabel("Header 1 value").fill("Bearer wrong");
  await form.getByRole("button", { name: "Add tool server" }).click();
  await expect(form.getByRole("alert")).toContainText("refused the credentials (HTTP 401)");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue(name);
  await expect(form.getByLabel("Header 1 name")).toHaveValue("Authorization");

  // A second header row can be added and removed from the keyboard.
  await form.getByRole("button", { name: "Add another header" }).click();
  await expect(form.getByLabel("Header 2 name")).toBeVisible();
  await form.getByRole("button", { name: "Remove header 2" }).press("Enter");
  await expect(form.getByLabel("Header 2 name")).toHaveCount(0);

  await form.getByLabel("Header 1 value").fill(secret);
  await form.getByRole("button", { name: "Add tool server" }).click();
  await expect(form.getByRole("status")).toContainText(`Registered ${name} with 2 tools.`);
  // The form starts over: the value is not on the page any more.
  await expect(form.getByLabel("Header 1 value")).toHaveValue("");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");

  const card = page.getByRole("region", { name, exact: true });
  await expect(card.getByText("Reachable")).toBeVisible();
  await expect(card.getByText("Authorization (values hidden)")).toBeVisible();
  const listed = card.getByRole("list", { name: `Tools of ${name}` });
  for (const tool of tools) await expect(listed.getByText(tool, { exact: true })).toBeVisible();
  await expect(listed.getByText("Not mapped")).toHaveCount(2);
  await expect(page.getByRole("list", { name: "Unmapped tools" })).toContainText(`${name} · ${tools[0]}`);

  // Header values are nowhere on the page, after a reload neither.
  await page.reload();
  await expect(page.getByRole("region", { name, exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(`e2e-secret-${suffix}`);
  await page.screenshot({ path: "test-results/tool-servers.png", fullPage: true });

  // Remove asks first.
  let asked = "";
  page.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await page.getByRole("region", { name, exact: true }).getByRole("button", { name: "Remove" }).click();
  await expect.poll(() => asked).toContain(`Remove the tool server ${name}?`);
  await expect(page.getByRole("region", { name, exact: true })).toHaveCount(0);
});

test("a supervisor has no Tool servers page", async ({ page }) => {
  await signIn(page, "supervisor");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tool servers" })).toHaveCount(0);
  const response = await page.goto("/tool-servers");
  expect(response?.status()).toBe(403);
});
