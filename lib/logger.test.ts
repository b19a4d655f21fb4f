import { describe, expect, it } from "vitest";
import { readable } from "./logger";

describe("readable log lines", () => {
  it("shows time, level, component, message and extra fields, then the error's stack", () => {
    const error = new Error("connection refused");
    const line = JSON.stringify({ level: 40, time: "2026-12-08T00:31:02.123Z", service: "mandate", component: "sealer", msg: "sealing failed (will retry)", attempt: 2, err: { message: error.message, stack: error.stack } });
    const text = readable(line);
    expect(text.split("\n")[0]).toBe("00:31:02 warn  [sealer] sealing failed (will retry) attempt=2");
    expect(text).toContain("Error: connection refused");
    expect(text.endsWith("\n")).toBe(true);
  });
});
