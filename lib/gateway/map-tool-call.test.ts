import { describe, expect, it } from "vitest";
import { readConversationContext, forwardableMeta } from "./conversation-context";
import { mapToolCall, valueAt } from "./map-tool-call";

const mapping = {
  server: "carrier",
  tool: "reroute_parcel",
  action: "shipment.reroute",
  customer_id: "customer_id",
  params: { order_id: "order_id", address_postcode: "address.postcode", address_line2: "address.line2" },
  data_sources: ["orders", "shipments"],
};

describe("the conversation's context", () => {
  it("comes from the Mandate-* headers, each overridden for one call by its _meta key", () => {
    const headers = { "mandate-customer-id": "cus_1", "mandate-customer-verified": "true", "mandate-intent": "shipping_error", "mandate-conversation-id": "conv_1" };
    expect(readConversationContext(headers, undefined)).toEqual({ context: { channel: "mcp", customerId: "cus_1", customerVerified: true, intent: "shipping_error", conversationId: "conv_1" }, problems: [] });
    expect(readConversationContext(headers, { "mandate/customer_id": "cus_2", "mandate/customer_verified": false, "mandate/channel": "voice" }).context).toMatchObject({ customerId: "cus_2", customerVerified: false, channel: "voice" });
    expect(readConversationContext({ "mandate-customer-verified": "yes" }, { "mandate/intent": 7 }).problems).toEqual(["mandate/customer_verified must be true or false", "mandate/intent must be a string"]);
  });

  it("is not passed on to the upstream; the agent's other _meta is", () => {
    expect(forwardableMeta({ progressToken: 3, "mandate/customer_id": "cus_1", "mandate/grant": "forged" })).toEqual({ progressToken: 3 });
  });
});

describe("a tool call as a decision request", () => {
  const context = { channel: "mcp", customerId: "cus_1", customerVerified: true, conversationId: "conv_1" };

  it("reads the customer and params at the mapping's paths, leaving out absent ones", () => {
    const mapped = mapToolCall(mapping, { customer_id: "cus_1", order_id: "ord_1", address: { postcode: "10115" } }, context);
    expect(mapped).toEqual({
      ok: true,
      body: {
        action: "shipment.reroute",
        customer: { id: "cus_1", verified: true },
        params: { order_id: "ord_1", address_postcode: "10115" },
        data_sources: ["orders", "shipments"],
        context: { channel: "mcp", conversation_id: "conv_1", customer_id: "cus_1" },
      },
    });
  });

  it("keeps both customers when the arguments and the conversation disagree (the engine denies customer_mismatch)", () => {
    const mapped = mapToolCall(mapping, { customer_id: "cus_other", order_id: "ord_1" }, context);
    expect(mapped.ok && mapped.body.customer?.id).toBe("cus_other");
    expect(mapped.ok && mapped.body.context?.customer_id).toBe("cus_1");
  });

  it("refuses arguments that are not single values where a param or the customer is read, naming the argument", () => {
    expect(mapToolCall(mapping, { customer_id: { id: "cus_1" }, order_id: ["a", "b"] }, context)).toEqual({
      ok: false,
      problems: ["arguments.customer_id: expected a customer id, got object", "arguments.order_id: expected a single value for the param order_id, got a list"],
    });
    // What the agent API would refuse is refused here too, with the argument's name.
    const refund = { ...mapping, action: "refund.issue", params: { amount: "amount" } };
    expect(mapToolCall(refund, { customer_id: "cus_1", amount: "12.5.0" }, context)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^arguments\.amount: /)] });
  });

  it("walks only own properties of plain objects", () => {
    expect(valueAt({ a: { b: 1 } }, "a.b")).toBe(1);
    expect(valueAt({ a: [1] }, "a.0")).toBeUndefined();
    expect(valueAt({}, "constructor")).toBeUndefined();
    expect(valueAt({ a: "text" }, "a.length")).toBeUndefined();
  });
});
