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
  await pause.getByLabel("Reason").fill("Suspicious refund pattern");
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(committee.getByRole("status").filter({ hasText: `Paused agent ${name}` })).toBeVisible();
  await expect.poll(async () => (await decide(request, key)).body.reasons?.[0]?.code, { timeout: 3000 }).toBe("paused");

  await committee.getByRole("form", { name: `Resume ${name}` }).getByLabel("Reason to resume").fill("Pattern explained by a carrier outage");
  await committee.getByRole("form", { name: `Resume ${name}` }).getByRole("button", { name: "Resume" }).click();
  await expect.poll(async () => (await decide(request, key)).body.decision, { timeout: 3000 }).toBe("allow");

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
