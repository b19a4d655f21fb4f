import { describe, expect, it } from "vitest";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import example from "./example-policy.json";

// The repository's own copy is the example: a fresh clone runs every check (this file once
// compared it with a file outside the repository and was skipped wherever that was missing).
describe("bundled example policy", () => {
  it("is valid", () => {
    expect(validatePolicyDocument(example)).toMatchObject({ ok: true });
  });
});
