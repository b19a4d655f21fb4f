import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runForm } from "@/lib/console/form-state";
import { findUnstorableText, parseOrThrow } from "./validation";

// Bug: a console form's text holding NUL reached PostgreSQL (a 500), and an unpaired surrogate
// in a review note was stored. Both are refused at the boundary with a field error.
describe("text that cannot be stored", () => {
  const noteSchema = z.object({ caseId: z.string(), body: z.string().min(1), labels: z.array(z.string()).optional() });

  it("parseOrThrow refuses NUL and unpaired surrogates with the field's path, before the schema runs", () => {
    expect(() => parseOrThrow(noteSchema, { caseId: "rev_1", body: "fine\u0000" })).toThrow(expect.objectContaining({ code: "validation_failed", errors: [{ path: "body", message: "Remove the NUL character" }] }));
    expect(() => parseOrThrow(noteSchema, { caseId: "rev_1", body: "x", labels: ["ok", "\ud800"] })).toThrow(
      expect.objectContaining({ errors: [{ path: "labels[1]", message: expect.stringContaining("unpaired surrogate") }] }),
    );
    expect(parseOrThrow(noteSchema, { caseId: "rev_1", body: "emoji 😀 stays" }).body).toBe("emoji 😀 stays");
  });

  it("finds them in keys and nested values", () => {
    expect(findUnstorableText({ a: { "b\u0000": 1 }, c: ["\udc00x"] }).map((entry) => entry.path)).toEqual([["a"], ["c", 0]]);
    expect(findUnstorableText({ a: "\ud83d\ude00", b: 1, c: null })).toEqual([]);
  });

  it("runForm answers any console form with field errors and never runs the mutation", async () => {
    const form = new FormData();
    form.set("caseId", "rev_1");
    form.set("body", "a\u0000b");
    let ran = false;
    const state = await runForm(form, async () => {
      ran = true;
      return { message: "saved" };
    });
    expect(ran).toBe(false);
    expect(state).toMatchObject({ ok: false, fieldErrors: { body: expect.stringContaining("NUL") } });
  });
});
