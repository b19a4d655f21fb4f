import type { APIRequestContext } from "@playwright/test";
import { DEMO_AGENT_KEY } from "../lib/demo/demo-credentials";
import { expect, signIn, test } from "./fixtures";

const agent = { authorization: `Bearer ${DEMO_AGENT_KEY}` };

async function decide(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post("/api/v1/decisions", { headers: agent, data: body });
  expect(res.status()).toBe(201);
  return res.json();
}

test("a reviewer finds the case opened by a reverted refund, labels it, writes a note and starts a policy draft from it", async ({ page, request }) => {
  const customer = `cus_inbox_${Date.now().toString(36)}`;
  // The agent's side, through the real API: an allowed refund, executed, then reverted by the agent.
  const decision = await decide(request, { action: "refund.issue", intent: "shipping_error", customer: { id: customer }, params: { amount: "12.34", currency: "USD" } });
  expect(decision.decision).toBe("allow");
  const executed = await request.post(`/api/v1/decisions/${decision.id}/outcome`, { headers: agent, data: { status: "executed", action_digest: decision.action_digest, external_ref: "re_e2e" } });
  expect(executed.status()).toBe(201);
  const reverted = await request.post(`/api/v1/decisions/${decision.id}/outcome`, { headers: agent, data: { status: "reverted", external_ref: "re_e2e_back" } });
  expect(reverted.status()).toBe(201);

  await signIn(page, "committee");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
  const filters = page.getByRole("form", { name: "Filter the inbox" });
  await filters.getByLabel("Source").selectOption({ label: "outcome reverted" });
  await filters.getByLabel("Action").selectOption("refund.issue");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/source=outcome_reverted/);

  const table = page.getByRole("table", { name: "Review cases" });
  const row = table.getByRole("row").filter({ hasText: "outcome reverted" }).first();
  // Regression (issue #23, point 6): the inbox, the case and its activity showed raw keys.
  await expect(row).toContainText("Issue a refund");
  await expect(row).not.toContainText("refund.issue");
  await expect(filters.getByLabel("Action").getByRole("option", { name: "Issue a refund" })).toHaveAttribute("value", "refund.issue");
  await expect(row).toContainText("support-bot");
  await row.getByRole("link", { name: "The agent reported the action reverted" }).click();

  // The right case: its decision is our refund.
  const decisionCard = page.getByRole("region", { name: "The decision" });
  await expect(decisionCard).toContainText(customer);
  await expect(decisionCard).toContainText("$12.34");
  await expect(decisionCard).toContainText("Issue a refund");
  await expect(decisionCard).toContainText("Shipping error");
  await expect(decisionCard).toContainText("Finance Operations");
  await expect(decisionCard).not.toContainText("finance-ops");
  const caseId = /\/reviews\/(rev_[A-Za-z0-9_-]+)/.exec(page.url())![1]!;

  await page.getByRole("button", { name: "Assign to me" }).click();
  const assignment = page.getByRole("form", { name: "Assignment" });
  await expect(assignment.getByRole("button", { name: "Unassign" })).toBeVisible();
  // Said once, not once by the page and again by the form's message.
  await expect(assignment.getByText("Assigned to you.")).toHaveCount(1);
  await expect(page.getByText("Assigned to you.")).toHaveCount(1);

  const labels = page.getByRole("form", { name: "Labels" });
  await labels.getByRole("button", { name: "policy gap" }).click();
  await expect(labels.getByRole("button", { name: "policy gap" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("region", { name: "The case", exact: true })).toContainText("policy gap");
  const activity = page.getByRole("list", { name: "Case activity" });
  await expect(activity).toContainText("Chris Committee took the case");
  await expect(activity).toContainText("Chris Committee labelled it policy gap");
  await expect(activity).not.toContainText("review.label");
  await expect(activity).not.toContainText("@northwind.example");

  const noteForm = page.getByRole("form", { name: "Add a note" });
  await noteForm.getByRole("button", { name: "Add note" }).click();
  await expect(noteForm.getByText("Write a note first")).toBeVisible();
  const note = "Reverted by the payment provider: refunds to a reused card should need a supervisor.";
  await noteForm.getByLabel("Note").fill(note);
  await noteForm.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("list", { name: "Notes thread" })).toContainText(note);
  await expect(noteForm.getByLabel("Note")).toHaveValue("");

  await page.getByRole("button", { name: "Start a policy draft from this case" }).click();
  // A committee member may edit actions: straight to the refund's editor in the new draft.
  await expect(page).toHaveURL(/\/drafts\/[0-9a-f-]{36}\/actions\?key=refund\.issue$/);
  await expect(page.getByRole("heading", { name: "Edit action refund.issue" })).toBeVisible();
  // Named after the action and the person, never "Review rev_…: refund.issue" (issue #23).
  const draftName = /^Issue a refund: change from a review case by Chris, \d{1,2} [A-Z][a-z]{2}$/;
  const draftLink = page.getByRole("link", { name: draftName });
  await expect(draftLink).toBeVisible();
  await draftLink.click();
  await expect(page.getByRole("heading", { name: draftName })).toBeVisible();
  await expect(page.getByRole("note").filter({ hasText: "Started from review case" })).toContainText(caseId);
  await expect(page.getByRole("link", { name: "Edit refund.issue in this draft" })).toBeVisible();

  // Back on the case: the draft is linked, and the case is closed with its outcome.
  await page.getByRole("link", { name: caseId }).click();
  await expect(page.getByRole("list", { name: "Drafts from this case" })).toContainText(/Issue a refund: change from a review case by Chris/);
  const close = page.getByRole("form", { name: "Close the case" });
  await close.getByRole("button", { name: "Resolve case" }).click();
  await expect(close.getByText("Say what the outcome was (at least 3 characters)")).toBeVisible();
  await close.getByLabel("Outcome (required)").fill("Policy gap: draft started to hold refunds to reused cards.");
  await close.getByRole("button", { name: "Resolve case" }).click();
  await expect(page.getByRole("region", { name: "This case is resolved" })).toContainText("draft started to hold refunds");

  // The whole story is on the decision's lineage, which links back to the case.
  await page.getByRole("link", { name: `See the whole lineage of ${decision.id}` }).click();
  const lineage = page.getByRole("list", { name: "Lineage" });
  await expect(lineage).toContainText("Agent reported reverted");
  await expect(lineage.getByRole("link", { name: "Review case opened (outcome reverted)" })).toBeVisible();
});

test("a supervisor works several agent-flagged cases at once from the keyboard; read-only roles only read", async ({ browser, request }) => {
  const conversation = `conv_bulk_${Date.now().toString(36)}`;
  const flagged: string[] = [];
  for (const customer of ["a", "b"]) {
    const decision = await decide(request, { action: "order.status", customer: { id: `cus_bulk_${customer}_${conversation}` }, context: { conversation_id: conversation } });
    const res = await request.post("/api/v1/reviews", { headers: agent, data: { decision_id: decision.id, reason: "low_confidence", note: "Customer asked twice" } });
    expect(res.status()).toBe(201);
    flagged.push((await res.json()).id);
  }

  const page = await browser.newPage();
  await signIn(page, "supervisor");
  await page.goto("/reviews?source=agent&action=order.status&assignee=unassigned");
  const table = page.getByRole("table", { name: "Review cases" });
  for (const id of flagged) await expect(table.getByText(id)).toBeVisible();

  // j moves to the first case, x selects it; the second by its checkbox. A key pressed before the
  // page's script has started does nothing, so the first j is repeated until it lands (a j that
  // landed focuses the first case and ends the retries).
  await expect(async () => {
    await page.keyboard.press("j");
    await expect(table.getByRole("link", { name: "Agent: low confidence" }).first()).toBeFocused({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.keyboard.press("x");
  const bulk = page.getByRole("form", { name: "Bulk actions" });
  await expect(bulk).toContainText("1 selected");
  await page.getByRole("checkbox", { name: "Select all 2 on this page" }).check();
  await expect(bulk).toContainText("2 selected");
  await bulk.getByRole("button", { name: "Assign to me" }).click();
  await expect(bulk.getByRole("status")).toHaveText("Assigned to you: 2 cases.");

  await page.goto("/reviews?source=agent&action=order.status&assignee=me");
  await page.getByRole("checkbox", { name: "Select all 2 on this page" }).check();
  await bulk.getByLabel("Label").selectOption({ label: "agent error" });
  await bulk.getByRole("button", { name: "Add label" }).click();
  await expect(bulk.getByRole("status")).toHaveText("Labelled “agent error” on 2 cases.");
  await expect(table.getByText("agent error")).toHaveCount(2);

  await page.getByRole("checkbox", { name: "Select all 2 on this page" }).check();
  await bulk.getByRole("button", { name: "Dismiss…" }).click();
  await bulk.getByRole("button", { name: "Dismiss 2" }).click();
  await expect(bulk.getByText("Say what the outcome was (at least 3 characters)")).toBeVisible();
  await bulk.getByLabel("Outcome (required, kept in the audit log)").fill("Test conversation: the agent was unsure for no reason");
  await bulk.getByRole("button", { name: "Dismiss 2" }).click();
  await expect(page.getByText("No case matches these filters")).toBeVisible();

  // A supervisor may work cases but not start policy drafts: the page says whom to ask.
  await page.goto(`/reviews/${flagged[0]}`);
  await expect(page.getByText("Starting a policy draft needs a policy role")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start a policy draft from this case" })).toHaveCount(0);

  // An auditor reads the same case, with its audit trail, and has nothing to press.
  const auditor = await browser.newPage();
  await signIn(auditor, "auditor");
  await auditor.goto(`/reviews/${flagged[0]}`);
  await expect(auditor.getByRole("region", { name: "The case", exact: true })).toContainText("Customer asked twice");
  await expect(auditor.getByRole("list", { name: "Case activity" })).toContainText("Sam Supervisor dismissed the case (with other cases)");
  await expect(auditor.getByRole("list", { name: "Case activity" })).toContainText("Sam Supervisor labelled it agent error (with other cases)");
  await expect(auditor.getByRole("region", { name: "Read-only" })).toBeVisible();
  await expect(auditor.getByRole("button", { name: "Add note" })).toHaveCount(0);
  await expect(auditor.getByRole("button", { name: "Assign to me" })).toHaveCount(0);

  // A hand-edited address gets a clear message, not an error page.
  const response = await auditor.goto("/reviews?status=everything&label=nonsense");
  expect(response?.status()).toBe(200);
  await expect(auditor.getByRole("alert").filter({ hasText: "Some filters are invalid" })).toBeVisible();
  await expect(auditor.getByText("Choose a label from the list")).toBeVisible();
});
