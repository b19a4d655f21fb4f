import { describe, expect, it } from "vitest";
import { ScopeMutex } from "./scope-mutex";

describe("ScopeMutex", () => {
  it("runs work on the same scope one at a time, and other scopes in parallel", async () => {
    const mutex = new ScopeMutex();
    const log: string[] = [];
    const task = (name: string, keys: string[], ms: number) =>
      mutex.run(keys, async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
      });
    await Promise.all([task("a", ["x"], 20), task("b", ["x"], 5), task("c", ["y"], 1)]);
    expect(log.indexOf("end a")).toBeLessThan(log.indexOf("start b"));
    expect(log.indexOf("start c")).toBeLessThan(log.indexOf("end a"));
  });

  it("releases a scope when the work throws", async () => {
    const mutex = new ScopeMutex();
    await expect(mutex.run(["x"], async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(mutex.run(["x"], async () => "next")).resolves.toBe("next");
  });
});
