import { describe, expect, it } from "vitest";
import { startBackgroundLoop } from "./background-loop";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("startBackgroundLoop", () => {
  it("never overlaps rounds, carries on after an error, and stop() waits for the round in progress", async () => {
    let active = 0;
    let most = 0;
    let rounds = 0;
    const errors: unknown[] = [];
    const loop = startBackgroundLoop(
      async () => {
        active++;
        most = Math.max(most, active);
        rounds++;
        await sleep(15);
        active--;
        if (rounds === 2) throw new Error("boom");
      },
      { intervalMs: 1, firstDelayMs: 0, onError: (error) => errors.push(error) },
    );
    await sleep(120);
    await loop.stop();
    const after = rounds;
    expect(active).toBe(0);
    expect(most).toBe(1);
    expect(rounds).toBeGreaterThan(3);
    expect(errors).toEqual([new Error("boom")]);
    await sleep(30);
    expect(rounds).toBe(after);
    expect(loop.stopped).toBe(true);
  });

  it("wake() runs a round at once, or straight after the one in progress", async () => {
    const starts: number[] = [];
    const loop = startBackgroundLoop(
      async () => {
        starts.push(Date.now());
        await sleep(20);
      },
      { intervalMs: 60_000, onError: () => {} },
    );
    loop.wake();
    await sleep(5);
    expect(starts).toHaveLength(1);
    loop.wake(); // during the round: one more right after it
    loop.wake();
    await sleep(60);
    expect(starts).toHaveLength(2);
    await loop.stop();
    loop.wake(); // after stop: nothing
    await sleep(10);
    expect(starts).toHaveLength(2);
  });
});
