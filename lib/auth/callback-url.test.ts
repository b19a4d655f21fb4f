import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

const ORIGIN = "http://localhost:3000";

describe("safeCallbackUrl", () => {
  // Bug (issue #20): "/\\evil.example/x" and "/\\t/evil.example/x" passed a startsWith("/") check,
  // and the browser went to http://evil.example/x after sign-in.
  it.each(["/\\evil.example/x", "/\t/evil.example/x", "/%5Cevil.example/x", "/%09/evil.example/x", "//evil.example/x", "http://evil.example/x", "https://localhost:3000/", "/\n/evil.example", "javascript:alert(1)", "%ff", ""])(
    "refuses %j",
    (value) => {
      expect(safeCallbackUrl(value, ORIGIN)).toBe("/");
    },
  );

  it.each([
    ["/approvals", "/approvals"],
    ["/history?outcome=deny#top", "/history?outcome=deny#top"],
    ["http://localhost:3000/drafts/1", "/drafts/1"],
    ["drafts", "/drafts"],
  ])("keeps %j on the console", (value, expected) => {
    expect(safeCallbackUrl(value, ORIGIN)).toBe(expected);
  });
});
