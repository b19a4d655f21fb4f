import { describe, expect, it } from "vitest";
import { defaultDraftTitle } from "./draft-title";

// Drafts were named "Changes to version 1" or "Review rev_0mxdg59w…: refund.issue" (issue #23, point 3).
describe("defaultDraftTitle", () => {
  const at = new Date("2026-12-07T21:30:00Z");

  it("names the section, the author's first name and the day", () => {
    expect(defaultDraftTitle({ topic: "Forbidden actions", author: "Lena Legal", at })).toBe("Forbidden actions: change by Lena, 7 Dec");
  });

  it("says when a review case started it, by the action's label, never the case id", () => {
    const title = defaultDraftTitle({ topic: "Issue a refund", author: "Sam Supervisor", at, fromReviewCase: true });
    expect(title).toBe("Issue a refund: change from a review case by Sam, 7 Dec");
  });

  it("falls back to the policy and an email's local part", () => {
    expect(defaultDraftTitle({ author: "cli:root@host", at })).toBe("Policy change by cli:root, 7 Dec");
  });
});
