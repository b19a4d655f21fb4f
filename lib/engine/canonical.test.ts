import { createHash } from "node:crypto";
import DecimalJs from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actionDigest, canonicalJson } from "./canonical";

describe("canonicalJson", () => {
  it("sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it("writes numbers and strings as JSON does", () => {
    expect(canonicalJson([1.5, 1e21, -0, 0.1, "é\n\"", 10])).toBe('[1.5,1e+21,0,0.1,"é\\n\\"",10]');
  });

  it("follows JSON.stringify for undefined and toJSON", () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new DecimalJs("1.50"), d: new Date(0) })).toBe(
      '{"b":[null],"c":"1.5","d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it("sorts by UTF-16 code units", () => {
    expect(canonicalJson({ b: 0, B: 0, "é": 0, a: 0 })).toBe('{"B":0,"a":0,"b":0,"é":0}');
  });

  it("writes any JSON value as JSON.stringify would with every object's keys sorted", () => {
    // The plain definition (an object cannot hold sorted keys: integer-like keys always come first).
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
      if (value === null || typeof value !== "object") return JSON.stringify(value);
      const record = value as Record<string, unknown>;
      return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(",")}}`;
    };
    // Objects of up to 40 keys (past the in-place sort's limit), keys in full unicode.
    const keys = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("a", "B", "é", "10", "2", "__proto__x"));
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ unit: "binary" }),
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(keys, tie("value"), { maxKeys: 40 }),
      ),
    }));
    fc.assert(fc.property(json.value, (value) => canonicalJson(value) === reference(value)), { numRuns: 500 });
  });

  it("refuses values JSON cannot hold", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe("actionDigest", () => {
  const base = { action: "refund.issue", customerId: "cus_8841", params: { currency: "USD", amount: "42.50", order_id: "ord_1193" } };

  it("hashes the canonical action, customer id and params", () => {
    const expected = createHash("sha256")
      .update('{"action":"refund.issue","customer_id":"cus_8841","params":{"amount":"42.5","currency":"USD","order_id":"ord_1193"}}')
      .digest("hex");
    expect(actionDigest(base)).toBe(`sha256:${expected}`);
  });

  it("normalises the amount so equal amounts digest alike", () => {
    const digest = actionDigest(base);
    expect(actionDigest({ ...base, params: { ...base.params, amount: 42.5 } })).toBe(digest);
    expect(actionDigest({ ...base, params: { order_id: "ord_1193", amount: "042.500", currency: "USD" } })).toBe(digest);
    expect(actionDigest({ ...base, params: { ...base.params, amount: "42.51" } })).not.toBe(digest);
  });

  it("binds the action and the customer", () => {
    const digest = actionDigest(base);
    expect(actionDigest({ ...base, action: "refund.issues" })).not.toBe(digest);
    expect(actionDigest({ ...base, customerId: "cus_8842" })).not.toBe(digest);
  });

  it("writes a missing customer as null and missing params as {}", () => {
    const expected = createHash("sha256").update('{"action":"order.status","customer_id":null,"params":{}}').digest("hex");
    expect(actionDigest({ action: "order.status" })).toBe(`sha256:${expected}`);
    expect(actionDigest({ action: "order.status", customerId: null, params: null })).toBe(`sha256:${expected}`);
  });

  it("keeps an amount that is not a decimal as given", () => {
    expect(actionDigest({ action: "a", params: { amount: "lots" } })).toBe(
      `sha256:${createHash("sha256").update('{"action":"a","customer_id":null,"params":{"amount":"lots"}}').digest("hex")}`,
    );
  });
});
