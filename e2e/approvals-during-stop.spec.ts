import { expect, signIn, test } from "./fixtures";

// Issue #19: with a stop in force, a supervisor approved a held $300 refund and was told "The
// agent may now act"; the approval page showed no warning. A fresh agent is paused here, so the
// stop reaches no other test's agent.
test("a supervisor sees the stop on a held refund and cannot approve it until the stop is lifted", async ({ browser, request }) => {
  const it = await browser.newPage();
  await signIn(it, "it");
  await it.goto("/agents");
  const name = `e2e-stop-${Date.now().toString(36)}`;
  const create = it.getByRole("form", { name: "Create an agent" });
  await create.getByLabel("Name").fill(name);
  await create.getByLabel("Rate limit (requests per second)").fill("0");
  await create.getByRole("button", { name: "Create agent and key" }).click();
  const key = (await it.getByTestId("new-api-key").textContent())!.trim();

  const customer = `cus_stop_${Date.now().toString(36)}`;
  const held = await request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${key}` },
    data: { action: "refund.issue", customer: { id: customer }, params: { amount: "300.00", currency: "USD" }, context: { summary: "Goodwill after a lost parcel" } },
  });
  expect(await held.json()).toMatchObject({ decision: "hold" });
  const label = await request.post("/api/v1/decisions", { headers: { authorization: `Bearer ${key}` }, data: { action: "return.label", customer: { id: customer } } });
  const allowed = await label.json();
  expect(allowed).toMatchObject({ decision: "allow" });

  // IT may pause too: one person, one page, keeps this test short on a busy machine.
  await it.goto("/stop-switches");
  const pause = it.getByRole("form", { name: "Pause" });
  await pause.getByLabel("What to stop").selectOption("agent");
  await pause.getByLabel("Agent").selectOption(name);
  await pause.getByLabel("Reason").fill("Suspicious refund pattern");
  await pause.getByRole("button", { name: "Pause" }).click();
  await expect(it.getByRole("status").filter({ hasText: `Paused agent ${name}` })).toBeVisible();

  const sam = await browser.newPage();
  await signIn(sam, "supervisor");
  // The allowed label, not yet executed, reads as paused in the history (as the agent reads it).
  await sam.goto(`/history/${allowed.id}`);
  await expect(sam.getByText("Execution paused.")).toBeVisible();
  await expect(sam.getByText(`Agent “${name}” is paused by it@northwind.example`)).toBeVisible();

  await sam.goto(`/approvals?agent=${name}`);
  // The queue marks the item itself, not only the page-wide banner.
  const item = sam.getByRole("link", { name: new RegExp(`Issue a refund \\$300\\.00 for ${customer}, high tier, stopped: cannot be approved now`) });
  await expect(item).toContainText(`Agent “${name}” is paused by it@northwind.example`);
  await sam.screenshot({ path: test.info().outputPath("approval-queue-under-stop.png"), fullPage: true });
  await item.click();

  const warning = sam.getByRole("region", { name: "Stopped: this cannot be approved now" });
  await expect(warning).toContainText(`Agent “${name}” is paused by it@northwind.example since`);
  await expect(warning).toContainText("“Suspicious refund pattern”");
  await expect(warning).toContainText("You can still reject it");
  const form = sam.getByRole("form", { name: "Decide" });
  const approve = form.getByRole("radio", { name: /Approve/ });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAccessibleDescription("Approve is unavailable while the stop is in force.");
  await sam.keyboard.press("a"); // the shortcut does not choose it either
  await expect(approve).not.toBeChecked();
  await expect(form.getByRole("radio", { name: /Reject/ })).toBeEnabled();
  await sam.screenshot({ path: test.info().outputPath("approval-page-under-stop.png"), fullPage: true });

  // Lifted: the page shows it within a few seconds, and approving works again.
  const resume = it.getByRole("form", { name: `Resume ${name}` });
  await resume.getByLabel("Reason to resume").fill("Pattern explained by a carrier outage");
  await resume.getByRole("button", { name: "Resume" }).click();
  await expect(warning).toHaveCount(0, { timeout: 8000 });
  await expect(approve).toBeEnabled();
  await approve.check();
  await form.getByLabel("Reason (kept in the audit log)").fill("Goodwill for the lost parcel");
  await form.getByRole("button", { name: /Approve/ }).click();
  await expect(sam.getByRole("status").filter({ hasText: "Approved. The agent may now act." })).toBeVisible();
});
