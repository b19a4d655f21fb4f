import { describe, expect, it } from "vitest";
import { actionKeyWords, deriveActionKey, isActionKey } from "./action-key";

describe("deriveActionKey", () => {
  // Issue #23, point 4: legal typed "negotiate contract terms" and was refused; a key is made from it instead.
  it("turns the words legal types into a valid action key", () => {
    expect(deriveActionKey("negotiate contract terms")).toBe("negotiate.contract.terms");
    expect(deriveActionKey("  Negotiate the terms of a Contract! ")).toBe("negotiate.terms.contract");
    expect(deriveActionKey("Contract Renew!")).toBe("contract.renew");
    expect(deriveActionKey("Rembourser un client déçu")).toBe("rembourser.un.client.decu");
    expect(deriveActionKey("refund.issue")).toBe("refund.issue");
    expect(deriveActionKey("gift_card top-up")).toBe("gift.card.top.up");
  });

  it("keeps a filler word when it is all there is, and gives nothing for nothing", () => {
    expect(deriveActionKey("the")).toBe("the");
    expect(deriveActionKey("!!! ??")).toBe("");
    expect(deriveActionKey("")).toBe("");
  });

  it("always satisfies the document's key rule, at most 128 characters cut at a word", () => {
    const long = deriveActionKey(Array.from({ length: 60 }, (_, i) => `word${i}`).join(" "));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long.endsWith(".")).toBe(false);
    for (const text of ["negotiate contract terms", "Ça va?", "x".repeat(300), "a.b..c", "123 go", long]) {
      const key = deriveActionKey(text);
      expect(key === "" || isActionKey(key), `${text} → ${key}`).toBe(true);
    }
  });
});

describe("actionKeyWords", () => {
  it("reads a key as words", () => {
    expect(actionKeyWords("contract.negotiate")).toBe("contract negotiate");
    expect(actionKeyWords("gift_card.top-up")).toBe("gift card top up");
  });
});
