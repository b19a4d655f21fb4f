import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

// Publishing changes the policy every other test reads: these run one after another.
test.describe.configure({ mode: "serial" });

async function startDraft(page: Page): Promise<string> {
  await page.goto("/policy-versions");
  await page.getByRole("link", { name: "New draft" }).click();
  await page.getByRole("form", { name: "Start a draft" }).getByRole("button", { name: "Start draft" }).click();
  await expect(page).toHaveURL(/\/drafts\/[0-9a-f-]{36}$/);
  return page.url();
}

const grid = (page: Page) => page.getByRole("table", { name: "What an agent may do with each action when the request names each customer intent" });

/** The cell of an action's row under an intent's column (the first cell is "No intent named"). */
async function cellOf(page: Page, action: string, intent: string) {
  const headers = await grid(page).getByRole("columnheader").allTextContents();
  const column = headers.indexOf(intent);
  expect(column).toBeGreaterThan(1);
  // Column 0 is the action's row header, which is not a cell.
  return grid(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: action, exact: true }) }).getByRole("cell").nth(column - 1);
}

test("a new intent's form asks for Any action or Only these, and refuses Only these with none ticked, keeping what was typed", async ({ page }) => {
  await signIn(page, "cx_lead");
  await startDraft(page);
  await page.getByRole("region", { name: "Intents" }).getByRole("link", { name: "Add" }).click();
  const form = page.getByRole("form", { name: "New intent" });
  await form.getByLabel("Key", { exact: true }).fill("damaged_item");
  await form.getByLabel("Label", { exact: true }).fill("Damaged item");
  const choice = form.getByRole("group", { name: "Which actions may agents take for this intent?" });
  await choice.getByRole("radio", { name: "Only these actions" }).check();
  await form.getByRole("button", { name: "Save to draft" }).click();
  await expect(form.getByText('Tick at least one action, or choose "Any action"')).toBeVisible();
  await expect(form.getByLabel("Key", { exact: true })).toHaveValue("damaged_item");
  await expect(form.getByLabel("Label", { exact: true })).toHaveValue("Damaged item");
  await expect(choice.getByRole("radio", { name: "Only these actions" })).toBeChecked();

  // "Any action" is a choice in its own right, with an authority per action.
  await choice.getByRole("radio", { name: "Any action" }).check();
  await expect(form.getByRole("group", { name: "Actions allowed" })).toHaveCount(0);
  await form.getByRole("combobox", { name: "Issue a refund" }).selectOption({ label: "Recommend to a person" });
  await form.getByRole("button", { name: "Save to draft" }).click();
  await expect(page.getByTestId("policy-diff")).toContainText("New intent Damaged item (damaged_item): agents may handle it on their own; allows any action");
  await expect(page.getByTestId("policy-diff")).toContainText("Damaged item: Issue a refund recommend-only for this intent (the action's own is execute)");
});

test("a CX lead makes an action recommend-only for one intent, reads it in words, and the grid shows it once published", async ({ browser }, testInfo) => {
  const carla = await browser.newPage();
  await signIn(carla, "cx_lead");
  const draftUrl = await startDraft(carla);
  await carla.getByRole("region", { name: "Intents" }).getByRole("link", { name: "Edit Shipping error" }).click();
  const form = carla.getByRole("form", { name: "Edit intent Shipping error" });
  await expect(form.getByRole("radio", { name: "Only these actions" })).toBeChecked();
  const inventory = form.getByRole("combobox", { name: "Adjust the inventory log" });
  await expect(inventory).toHaveValue("");
  await inventory.selectOption({ label: "Recommend to a person" });
  await form.screenshot({ path: testInfo.outputPath("intent-form.png") });
  await form.getByRole("button", { name: "Save to draft" }).click();
  await expect(carla.getByTestId("policy-diff")).toContainText("Shipping error: Adjust the inventory log now recommend-only (was execute, the action's own)");

  const submit = carla.getByRole("form", { name: "Submit for review" });
  await submit.getByLabel("Why this change (published with it)").fill("Inventory write-offs during shipping errors need a person's eye");
  await submit.getByRole("button", { name: "Submit for review" }).click();
  await expect(carla.getByText("in review", { exact: true })).toBeVisible();

  // Lowering authority needs a second person, not the committee.
  const ada = await browser.newPage();
  await signIn(ada, "admin");
  await ada.goto(draftUrl);
  const review = ada.getByRole("form", { name: "Review this draft" });
  await review.getByLabel("Comment").fill("Reviewed");
  const withoutSimulation = review.getByRole("checkbox", { name: "Publish without a simulation" });
  if (await withoutSimulation.count()) await withoutSimulation.check();
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(ada.getByRole("status").filter({ hasText: /Published as version \d+/ })).toBeVisible();

  await carla.goto("/permission-map");
  const cell = await cellOf(carla, "Adjust the inventory log", "Shipping error");
  await expect(cell).toContainText("Recommend");
  await expect(cell).toContainText("Set for this intent");
  await expect(await cellOf(carla, "Adjust the inventory log", "Return request")).toHaveText("Not for this intent");
  await expect(await cellOf(carla, "Issue a refund", "Legal dispute")).toHaveText("To a human");
  // The demo's own override: refunds are recommend-only for a billing dispute, execute for a shipping error.
  await expect(await cellOf(carla, "Issue a refund", "Billing dispute")).toContainText("Set for this intent");
  await expect(await cellOf(carla, "Issue a refund", "Shipping error")).toHaveText("Execute");

  const section = carla.getByRole("region", { name: "Authority per intent" });
  await carla.setViewportSize({ width: 1440, height: 900 });
  await section.screenshot({ path: testInfo.outputPath("permission-map-grid-1440.png") });
  await carla.setViewportSize({ width: 390, height: 844 });
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: testInfo.outputPath("permission-map-grid-390.png") });
  // At 390 px the grid scrolls inside its own box; the page itself does not scroll sideways.
  const scroller = carla.getByRole("region", { name: "What an agent may do with each action when the request names each customer intent" });
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await carla.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
