import { describe, expect, it } from "vitest";
import { Batcher } from "./batcher";

/** A batcher whose batches finish only when the test says so. */
function controlled(options: { maxInFlight: number; maxBatch?: number; fail?: (item: string) => boolean }) {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  const batcher = new Batcher<string, string>(
    (items) => {
      batches.push(items);
      return new Promise((resolve, reject) =>
        finishers.push(() => (items.some((item) => options.fail?.(item)) ? reject(new Error(`bad ${items.join(",")}`)) : resolve(items.map((item) => item.toUpperCase())))),
      );
    },
    { maxInFlight: options.maxInFlight, maxBatch: options.maxBatch ?? 100 },
  );
  const finishAll = async () => {
    while (finishers.length > 0) {
      finishers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batcher, batches, finishAll };
}

describe("Batcher", () => {
  it("sends the first item alone, then everything that queued meanwhile as one batch", async () => {
    const { batcher, batches, finishAll } = controlled({ maxInFlight: 1 });
    const results = ["a", "b", "c", "d"].map((item) => batcher.submit(item));
    await finishAll();
    expect(await Promise.all(results)).toEqual(["A", "B", "C", "D"]);
    expect(batches).toEqual([["a"], ["b", "c", "d"]]);
    expect(batcher.stats).toEqual({ batches: 2, items: 4, largest: 3 });
    expect(batcher.idle).toBe(true);
  });

  it("runs up to maxInFlight batches at once and caps a batch at maxBatch", async () => {
    const { batcher, batches, finishAll } = controlled({ maxInFlight: 2, maxBatch: 2 });
    const results = ["a", "b", "c", "d", "e"].map((item) => batcher.submit(item));
    expect(batches).toEqual([["a"], ["b"]]);
    await finishAll();
    await Promise.all(results);
    expect(batches).toEqual([["a"], ["b"], ["c", "d"], ["e"]]);
  });

  it("retries a failed batch item by item, so only the bad item fails", async () => {
    const { batcher, batches, finishAll } = controlled({ maxInFlight: 1, fail: (item) => item === "bad" });
    const results = ["first", "x", "bad", "y"].map((item) => batcher.submit(item).catch((error: Error) => error.message));
    await finishAll();
    expect(await Promise.all(results)).toEqual(["FIRST", "X", "bad bad", "Y"]);
    expect(batches).toEqual([["first"], ["x", "bad", "y"], ["x"], ["bad"], ["y"]]);
  });

  it("take() hands queued items to another writer, stopping at the first it will not accept; giveBack() queues them again", async () => {
    const { batcher, batches, finishAll } = controlled({ maxInFlight: 1 });
    const results = ["first", "a", "b", "skip", "c"].map((item) => batcher.submit(item));
    const taken = batcher.take(10, (item) => item !== "skip");
    expect(taken.map((entry) => entry.item)).toEqual(["a", "b"]);
    taken[0]!.resolve("written elsewhere");
    batcher.giveBack([taken[1]!]);
    expect(batcher.take(1, () => true).map((entry) => entry.item)).toEqual(["b"]);
    batcher.giveBack([taken[1]!]);
    await finishAll();
    expect(await Promise.all(results)).toEqual(["FIRST", "written elsewhere", "B", "SKIP", "C"]);
    expect(batches).toEqual([["first"], ["b", "skip", "c"]]);
    expect(batcher.idle).toBe(true);
  });

  it("giveBack() starts a batch at once when none is under way", async () => {
    const { batcher, batches, finishAll } = controlled({ maxInFlight: 1 });
    const first = batcher.submit("first");
    const waiting = batcher.submit("waiting");
    const taken = batcher.take(10, () => true);
    await finishAll();
    expect(await first).toBe("FIRST");
    expect(batches).toEqual([["first"]]);
    batcher.giveBack(taken);
    await finishAll();
    expect(await waiting).toBe("WAITING");
    expect(batches).toEqual([["first"], ["waiting"]]);
  });
});
