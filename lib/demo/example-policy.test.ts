import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validatePolicyDocument } from "@/lib/policy/validate-policy";
import example from "./example-policy.json";

const SPEC = new URL("../../../shared/spec/example-policy.json", import.meta.url);

describe("bundled example policy", () => {
  it("is valid", () => {
    expect(validatePolicyDocument(example)).toMatchObject({ ok: true });
  });

  it.runIf(existsSync(SPEC))("is the spec's example, unchanged", () => {
    expect(example).toEqual(JSON.parse(readFileSync(SPEC, "utf8")));
  });
});
