import { describe, expect, it } from "vitest";
import { clientAddressOf } from "./client-address";

describe("clientAddressOf", () => {
  it("is the socket's address unless proxies are trusted", () => {
    expect(clientAddressOf("10.0.0.9", "1.2.3.4", 0)).toBe("10.0.0.9");
    expect(clientAddressOf(undefined, undefined, 0)).toBe("unknown");
  });

  it("reads the address the outermost trusted proxy saw, ignoring hops a client invented", () => {
    // The client sent "6.6.6.6" itself; the one proxy appended the real address.
    expect(clientAddressOf("10.0.0.2", "6.6.6.6, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(clientAddressOf("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1", 2)).toBe("203.0.113.5");
    expect(clientAddressOf("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
  });
});
