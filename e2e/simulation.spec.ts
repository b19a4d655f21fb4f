import type { APIRequestContext, Page } from "@playwright/test";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { expect, signIn, test } from "./fixtures";

// The Simulate and Shadow cards of a draft, and the review form's publish confirmation. Nothing
// here is published: other specs read the policy in force.

const run = `${Date.now().toString(36)}`;

async function decide(request: APIRequestContext, customer: string, amount: string) {
  const response = await request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${DEMO_AGENT_KEY}` },
    data: { action: "refund.issue", intent: "shipping_error", customer: { id: customer, verified: true }, params: { amount, currency: "USD" } },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { decision: string };
}

/** A draft whose refunds up to $500 need no approval: $400 refunds, held today, would go through. */
async function startRaisedThresholdDraft(page: Page): Promise<string> {
  await page.goto("/policy-versions");
  await page.getByRole("link", { name: "New draft" }).click();
  await page.getByRole("form", { name: "Start a draft" }).getByRole("button", { name: "Start draft" }).click();
  await expect(page).toHaveURL(/\/drafts\/[0-9a-f-]{36}$/);
  const url = page.url();
  await page.getByRole("region", { name: "Permission map" }).getByRole("link", { name: "Edit Issue a refund" }).click();
  const form = page.getByRole("form", { name: "Edit Issue a refund" });
  await form.getByLabel("Band 1 value 1").fill("500");
  await form.getByRole("button", { name: "Save to draft" }).click();
  await expect(page.getByTestId("policy-diff")).toContainText("Issue a refund: low tier raised");
  return url;
}

test("a draft is simulated over recorded requests, shadows live decisions, and its reviewer sees the impact or must confirm publishing without one", async ({ browser, request }) => {
  // The chart screenshots at two widths took it near the 60 s default on a busy machine.
  test.setTimeout(120_000);
  // Three $400 refunds are held under the policy in force (high tier).
  for (const n of [1, 2, 3]) expect((await decide(request, `cus_sim_${run}_${n}`, "400")).decision).toBe("hold");

  const carla = await browser.newPage();
  await signIn(carla, "cx_lead");
  const draftUrl = await startRaisedThresholdDraft(carla);
  const simulate = carla.getByRole("region", { name: "Simulate" });
  await expect(simulate).toContainText("never simulated");

  // Submitted before any simulation: the committee's approval would publish it, so it must be confirmed.
  const submitForm = carla.getByRole("form", { name: "Submit for review" });
  await submitForm.getByLabel("Why this change (published with it)").fill("Refunds up to $500 were approved nearly always");
  await submitForm.getByRole("button", { name: "Submit for review" }).click();
  await expect(carla.getByText("in review", { exact: true })).toBeVisible();

  const chris = await browser.newPage();
  await signIn(chris, "committee");
  await chris.goto(draftUrl);
  const review = chris.getByRole("form", { name: "Review this draft" });
  await expect(review).toContainText("never simulated");
  await review.getByLabel("Comment").fill("Looks right");
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(review.getByRole("alert")).toContainText("Confirm that you publish without a simulation");
  await expect(chris.getByText("in review", { exact: true })).toBeVisible();
  await expect(review.getByRole("checkbox", { name: "Publish without a simulation" })).not.toBeChecked();

  // The author simulates the last day.
  await simulate.getByLabel("Period (days back from now)").fill("1");
  await simulate.getByRole("button", { name: "Start simulation" }).click();
  await expect(simulate.getByRole("list", { name: "Impact summary" })).toContainText(/\d+ holds would become allows \(refund\.issue, low tier\)/);
  await expect(simulate.getByRole("list", { name: "Impact summary" })).toContainText("would move without a human");
  // The draft is compared with the published version it would replace, not with what was recorded.
  await expect(simulate).toContainText(/Compared with version \d+, the policy in force:/);
  await expect(simulate.getByRole("button", { name: "Simulate again" })).toBeVisible();

  await simulate.getByRole("link", { name: "See the full results" }).click();
  await expect(carla.getByRole("heading", { name: "From the policy in force to this draft" })).toBeVisible();
  await expect(carla.getByRole("table", { name: "Transitions from the policy in force to this draft" })).toBeVisible();
  // Per action and tier, what the draft decides more loosely or strictly (issue #23, point 9: a single bar said nothing).
  const perAction = carla.getByRole("figure", { name: "Per action" });
  await expect(perAction.getByRole("img")).toHaveAttribute("aria-label", /Issue a refund: 0 stricter, [1-9]\d* looser/);
  await perAction.getByText("The numbers").click();
  await expect(perAction.getByRole("table", { name: "Per action: the numbers" }).getByRole("row", { name: /Issue a refund/ })).toBeVisible();
  await expect(carla.getByRole("figure", { name: "Per tier under the draft" })).toBeVisible();
  for (const width of [1440, 390]) {
    await carla.setViewportSize({ width, height: 900 });
    await perAction.screenshot({ path: test.info().outputPath(`simulation-per-action-${width}.png`) });
    await carla.getByRole("figure", { name: "Per tier under the draft" }).screenshot({ path: test.info().outputPath(`simulation-per-tier-${width}.png`) });
  }
  await carla.setViewportSize({ width: 1280, height: 720 });
  const sample = carla.getByRole("list", { name: "Sample of changed decisions" });
  await expect(sample.getByText(`customer cus_sim_${run}_1`)).toBeVisible();
  await expect(sample.getByText("tier_requires_approval").first()).toBeVisible();
  // What was decided at the time is a separate view, folded away.
  await expect(carla.getByRole("heading", { name: "Compared with what was decided at the time" })).toBeVisible();
  await expect(carla.getByRole("table", { name: "Transitions from what was decided at the time to this draft" })).toBeHidden();

  // Now the reviewer sees the impact instead of the confirmation.
  await chris.reload();
  const impact = chris.getByRole("form", { name: "Review this draft" }).getByRole("note", { name: "Impact of publishing" });
  await expect(impact).toContainText(/Compared with version \d+, the policy in force: \d+ holds would become allows \(refund\.issue, low tier\)/);
  await expect(chris.getByRole("checkbox", { name: "Publish without a simulation" })).toHaveCount(0);

  // Shadow: a live $400 refund is still held for the agent; the card shows the draft would allow it.
  await carla.goto(draftUrl);
  const shadow = carla.getByRole("region", { name: "Shadow" });
  const toggle = shadow.getByRole("switch", { name: "Run in shadow" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  // The server reloads shadow drafts every 500 ms.
  await expect
    .poll(async () => {
      expect((await decide(request, `cus_shadow_${run}`, "400")).decision).toBe("hold");
      return shadow.getByRole("list", { name: "Latest decisions the draft would make differently" }).count();
    }, { timeout: 20_000, intervals: [1000, 2000, 3000] })
    .toBe(1);
  const latest = shadow.getByRole("list", { name: "Latest decisions the draft would make differently" }).getByRole("listitem").first();
  await expect(latest).toContainText("refund.issue");
  await expect(latest).toContainText("$400.00");
  await expect(shadow.getByTestId("shadow-differing")).not.toHaveText("0");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
});
