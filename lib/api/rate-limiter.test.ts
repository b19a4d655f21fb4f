import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter";

describe("RateLimiter", () => {
  it("lets a key burst up to its rate, then asks it to wait, then refills", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 5; i++) expect(limiter.take("k", 5)).toBe(0);
    expect(limiter.take("k", 5)).toBe(1);
    now += 200; // one token back
    expect(limiter.take("k", 5)).toBe(0);
    expect(limiter.take("k", 5)).toBe(1);
  });

  it("never limits a key whose rate is 0, and keeps keys apart", () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.take("free", 0)).toBe(0);
    expect(limiter.take("a", 1)).toBe(0);
    expect(limiter.take("a", 1)).toBe(1);
    expect(limiter.take("b", 1)).toBe(0);
  });
});
