import { expect, signIn, test } from "./fixtures";

async function decide(request: import("@playwright/test").APIRequestContext, key: string, action = "return.label") {
  const res = await request.post("/api/v1/decisions", { headers: { authorization: `Bearer ${key}` }, data: { action, customer: { id: "cus_e2e" } } });
  return { status: res.status(), body: await res.json() };
}

test("IT creates an agent and sees its key once; a committee member pauses it; IT revokes the key", async ({ browser, request }) => {
  const it = await browser.newPage();
  await signIn(it, "it");
  await it.goto("/agents");
  const name = `e2e-bot-${Date.now().toString(36)}`;

  // A bad rate limit is refused and what was typed stays.
  const form = it.getByRole("form", { name: "Create an agent" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Rate limit (requests per second)").fill("-4");
  await form.getByRole("button", { name: "Create agent and key" }).click();
  await expect(form.getByText("Use 0 for no limit, or a positive number")).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue(name);

  await form.getByLabel("Rate limit (requests per second)").fill("0");
  await form.getByRole("button", { name: "Create agent and key" }).click();
  const key = (await it.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^mdt_/);
  expect((await decide(request, key)).body.decision).toBe("allow");

  const committee = await browser.newPage();
  await signIn(committee, "committee");
  await committee.goto("/stop-switches");
  const pause = committee.getByRole("form", { name: "Pause" });
  await pause.getByLabel("What to stop").selectOption("agent");
  await pause.getByLabel("Agent").selectOption(name);
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(pause.getByText("Give a reason")).toBeVisible();
  // Focus goes to the field to fix, not back to the top of the page.
  await expect(pause.getByLabel("Reason")).toBeFocused();
  await pause.getByLabel("Reason").fill("Suspicious refund pattern");
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(committee.getByRole("status").filter({ hasText: `Paused agent ${name}` })).toBeVisible();
  // The form starts over, so a second click cannot pause the same thing again.
  await expect(pause.getByLabel("Reason")).toHaveValue("");
  await expect.poll(async () => (await decide(request, key)).body.reasons?.[0]?.code, { timeout: 3000 }).toBe("paused");

  // Every page says so, not only Stop switches, also after moving within the console without a reload.
  const banner = (page: import("@playwright/test").Page) => page.getByRole("region", { name: "Stops in force" }).filter({ hasText: name });
  await it.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
  await expect(banner(it)).toContainText(`agent ${name}`);

  // Pausing everything asks first; cancelled, nothing is paused and the form keeps its values.
  await pause.getByLabel("What to stop").selectOption("all");
  await pause.getByLabel("Reason").fill("Drill");
  let asked = "";
  committee.once("dialog", (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect.poll(() => asked).toContain("Pause everything?");
  await expect(pause.getByLabel("Reason")).toHaveValue("Drill");
  await expect(committee.getByRole("region", { name: "Stops in force" })).not.toContainText("Everything is paused");

  await committee.getByRole("form", { name: `Resume ${name}` }).getByLabel("Reason to resume").fill("Pattern explained by a carrier outage");
  await committee.getByRole("form", { name: `Resume ${name}` }).getByRole("button", { name: "Resume" }).click();
  await expect.poll(async () => (await decide(request, key)).body.decision, { timeout: 3000 }).toBe("allow");
  await it.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Agents & keys" }).click();
  await expect(banner(it)).toHaveCount(0);

  it.once("dialog", (dialog) => void dialog.accept());
  await it.reload();
  await it.getByRole("button", { name: `Revoke key ${key.slice(0, 12)}` }).click();
  await expect.poll(async () => (await decide(request, key)).status, { timeout: 3000 }).toBe(403);
});

test("a supervisor can see stop switches but not flip them", async ({ page }) => {
  await signIn(page, "supervisor");
  await page.goto("/stop-switches");
  await expect(page.getByRole("heading", { name: "Stop switches" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Pause" })).toHaveCount(0);
});
