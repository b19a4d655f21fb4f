import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { expect, signIn, test } from "./fixtures";

// Earned autonomy on the demo history: the refund scorecard's evidence becomes a recommendation,
// the committee accepts it, the draft is simulated, a second member approves and publishes it,
// and the next agent request under the new threshold is allowed at the low tier. This publishes:
// e2e/policy-console.spec.ts publishes too, so nothing here depends on version numbers.

const run = Date.now().toString(36);

test("the committee accepts a refund recommendation from the scorecard, simulates and publishes it, and the new threshold is in force", async ({ browser, request }) => {
  test.setTimeout(180_000);
  const chris = await browser.newPage();
  await signIn(chris, "committee");

  await chris.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scorecards", exact: true }).click();
  await expect(chris.getByRole("heading", { name: "Scorecards" })).toBeVisible();
  await chris.getByRole("table", { name: "Actions" }).getByRole("link", { name: /Issue a refund/ }).click();
  await expect(chris.getByRole("heading", { name: "Issue a refund", level: 1 })).toBeVisible();
  const numbers = chris.getByLabel("Key numbers");
  await expect(numbers).toContainText("Approval rate of held");
  await expect(numbers).toContainText("Time to approve");
  await expect(chris.getByRole("region", { name: "Held amounts" })).toBeVisible();

  // The rules ran once the demo history was loaded (and every 10 minutes since).
  const recommendation = chris.getByRole("article").filter({ hasText: "consider raising the low-tier threshold" });
  await expect(recommendation, "the demo history gives refund.issue a RAISE_THRESHOLD recommendation (docs/decisions/0004-earned-autonomy-rules.md)").toBeVisible();
  await expect(recommendation).toContainText(/held requests over \$50 up to \$[\d,]+ were approved \d+(\.\d)?% of [\d,]+ times with no reversal( and [\d,]+ failures?)? in 60 days/);
  await expect(recommendation.getByLabel("Evidence")).toContainText("Approval rate");
  const title = (await recommendation.getByRole("heading").textContent()) ?? "";
  const raisedTo = Number(/threshold to \$([\d,.]+)/.exec(title)![1]!.replaceAll(",", ""));
  expect(raisedTo).toBeGreaterThan(50);

  // A reason is required either way.
  await recommendation.getByRole("button", { name: "Accept and draft the change" }).click();
  await expect(recommendation.getByText("Say why (at least 5 characters)")).toBeVisible();
  await recommendation.getByLabel("Reason").fill(`Supervisors approve these nearly always (${run})`);
  await recommendation.getByRole("button", { name: "Accept and draft the change" }).click();

  await expect(chris).toHaveURL(/\/drafts\/[0-9a-f-]{36}$/);
  const draftUrl = chris.url();
  await expect(chris.getByTestId("policy-diff")).toContainText(new RegExp(`Issue a refund: low tier raised from \\$[\\d,]+ to \\$${raisedTo.toLocaleString("en-US")}\\b`));

  // The simulated impact of the resulting draft (7A's Simulate card).
  const simulate = chris.getByRole("region", { name: "Simulate" });
  await simulate.getByLabel("Period (days back from now)").fill("7");
  await simulate.getByRole("button", { name: "Start simulation" }).click();
  await expect(simulate.getByRole("list", { name: "Impact summary" })).toContainText(/holds would become allows \(refund\.issue, low tier\)/, { timeout: 60_000 });

  // The recommendation's evidence is the reason the version will be published with.
  const submit = chris.getByRole("form", { name: "Submit for review" });
  await expect(submit.getByLabel("Why this change (published with it)")).toHaveValue(title);
  await submit.getByRole("button", { name: "Submit for review" }).click();
  await expect(chris.getByText("in review", { exact: true })).toBeVisible();

  const cora = await browser.newPage();
  await signIn(cora, "committee2");
  await cora.goto(draftUrl);
  const review = cora.getByRole("form", { name: "Review this draft" });
  await review.getByLabel("Comment").fill("The scorecard supports it");
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(cora.getByRole("status").filter({ hasText: /Published as version \d+/ })).toBeVisible();

  // The committee view keeps the record: accepted, by whom, why, and the draft it became.
  await cora.goto("/recommendations");
  const decided = cora.getByRole("table", { name: "Decided recommendations" }).getByRole("row").filter({ hasText: run });
  await expect(decided).toContainText("accepted");
  await expect(decided).toContainText("Chris Committee");
  await expect(decided.getByRole("link", { name: "published" })).toBeVisible();

  // The next agent request between the old and the new threshold goes through on its own.
  const amount = (raisedTo - 0.01).toFixed(2);
  await expect
    .poll(async () => {
      const response = await request.post("/api/v1/decisions", {
        headers: { authorization: `Bearer ${DEMO_AGENT_KEY}` },
        data: { action: "refund.issue", intent: "shipping_error", customer: { id: `cus_autonomy_${run}_${Date.now()}`, verified: true }, params: { amount, currency: "USD" } },
      });
      const body = (await response.json()) as { decision: string; tier: string };
      return `${body.decision} ${body.tier}`;
    })
    .toBe("allow low");
});

test("people outside the committee read scorecards and recommendations but cannot decide them", async ({ page }) => {
  await signIn(page, "supervisor");
  await page.goto("/recommendations");
  await expect(page.getByRole("heading", { name: "Recommendations", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept and draft the change" })).toHaveCount(0);
  await page.goto("/scorecards/refund.issue?window=30");
  await expect(page.getByRole("heading", { name: "Issue a refund", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Per agent" })).toBeVisible();
  // Review labels and sources in words, not their codes (the demo history labels refund cases).
  const labels = page.getByRole("table", { name: "Review cases by label" });
  await expect(labels).toBeVisible();
  await expect(labels).not.toContainText("_");
  await expect(page.getByText(/^Opened by: /)).not.toContainText("_");
});

test("legal has no scorecards", async ({ page }) => {
  await signIn(page, "legal");
  const response = await page.goto("/scorecards");
  expect(response?.status()).toBe(403);
});
