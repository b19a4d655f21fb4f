import { describe, expect, it } from "vitest";
import { describeRequest } from "./describe-request";

describe("describeRequest", () => {
  it("puts every field of a request into words", () => {
    const text = describeRequest({
      action: "refund.issue",
      intent: "shipping_error",
      customer: { id: "cus_1", verified: false, segment: "vip" },
      params: { amount: "42.50", currency: "USD", order_id: "ord_9", items: [1, 2] },
      data_sources: ["orders", "payments"],
      context: { channel: "chat", confidence: 0.87, conversation_id: "conv_3", summary: "Parcel went to the old address", locale: "en-GB" },
    });
    expect(text).toBe(
      "customer cus_1 (not verified, vip) · intent shipping_error · amount 42.50 USD · order id ord_9 · items [1,2] · reads orders, payments · via chat · confidence 87% · conversation conv_3 · locale en-GB “Parcel went to the old address”",
    );
  });

  it("says nothing for what was not sent", () => {
    expect(describeRequest({ action: "order.status" })).toBe("");
    expect(describeRequest({ action: "x", customer: { verified: false } })).toBe("customer (not verified)");
    expect(describeRequest({ action: "x", customer: { id: "cus_2", verified: true }, params: { amount: 5 } })).toBe("customer cus_2 (verified) · amount 5");
  });
});
