import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstInvalidUtf8Byte, JsonDecimal, JsonInputError, parseExactJson } from "./exact-json";

function refusal(text: string): { field: boolean; path: string; message: string } {
  try {
    parseExactJson(text);
  } catch (error) {
    if (error instanceof JsonInputError) return { field: error.field, path: error.path, message: error.message };
    throw error;
  }
  throw new Error(`accepted ${text}`);
}

describe("parseExactJson", () => {
  it("reads what JSON.parse reads, for any JSON without duplicate keys, NUL or lone surrogates", () => {
    const clean = fc.jsonValue({ maxDepth: 4 }).filter((value) => !/\\u0000|\\ud[89a-f]/i.test(JSON.stringify(value)));
    fc.assert(
      fc.property(clean, fc.constantFrom(0, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseExactJson(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });

  it("refuses what JSON.parse refuses, as a syntax error", () => {
    for (const text of ["", "{", '{"a":}', "[1,]", "01", "-", "1.", ".5", "+1", "NaN", '"\\x"', '"\\u12"', "tru", '{"a" 1}', "[1 2]", '{"a":1}x', "\u00a0{}", '"a\tb"']) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(refusal(text).field, text).toBe(false);
    }
  });

  // Bug: a key twice in one object was accepted, the last value winning, so
  // {"action":"return.label","action":"contract.negotiate"} was decided as contract.negotiate.
  it("refuses a duplicate key, even with the same value, naming its path", () => {
    expect(refusal('{"action":"return.label","action":"contract.negotiate"}')).toMatchObject({ field: true, path: "action" });
    expect(refusal('{"params":{"amount":1,"amount":1}}')).toMatchObject({ field: true, path: "params.amount" });
    expect(refusal('{"a":[{"b":1},{"b":2,"b":2}]}')).toMatchObject({ field: true, path: "a[1].b" });
    expect(refusal('{"a":1,"\\u0061":2}')).toMatchObject({ field: true, path: "a" });
  });

  // Bug: NUL in any string field reached PostgreSQL and came back as a 500.
  it("refuses NUL, escaped or raw, in values and keys, naming the path", () => {
    expect(refusal('{"context":{"summary":"a\\u0000b"}}')).toMatchObject({ field: true, path: "context.summary", message: "Contains a NUL character" });
    expect(refusal('{"context":{"summary":"a\u0000b"}}')).toMatchObject({ field: true, path: "context.summary" });
    expect(refusal('{"params":{"x\\u0000":1}}')).toMatchObject({ field: true, path: "params", message: "A field name contains a NUL character" });
    expect(refusal('["ok","\\u0000"]')).toMatchObject({ field: true, path: "[1]" });
  });

  // Bug: an unpaired surrogate in a review note was stored.
  it("refuses unpaired surrogates, escaped or raw, and keeps pairs", () => {
    for (const bad of ["\\ud800", "\\udc00", "\\ud800x", "\\ud800\\ud800", "x\\udfff", "\\ud83d\\u0041"]) {
      expect(refusal(`{"note":"${bad}"}`), bad).toMatchObject({ field: true, path: "note" });
    }
    expect(refusal('{"note":"\ud800"}')).toMatchObject({ field: true, path: "note" });
    expect(refusal('{"\\udc00":1}')).toMatchObject({ field: true, path: "" });
    expect(parseExactJson('{"note":"\\ud83d\\ude00 \ud83d\ude00"}')).toEqual({ note: "😀 😀" });
  });

  it("refuses a string holding the first invalid UTF-8 byte, naming its path", () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"ok","b":{"c":"x'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const at = bytes.subarray(0, firstInvalidUtf8Byte(bytes)).toString("utf8").length;
    expect(() => parseExactJson(bytes.toString("utf8"), { invalidUtf8At: at })).toThrow(expect.objectContaining({ field: true, path: "b.c" }));
  });

  it("finds the first ill-formed UTF-8 sequence", () => {
    const cases: [number[], number][] = [
      [[0x61, 0x62], 2],
      [[0xe2, 0x82, 0xac], 3],
      [[0x61, 0x80], 1],
      [[0xc0, 0xaf], 0], // overlong
      [[0xed, 0xa0, 0x80], 0], // a surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
      [[0x61, 0xe2, 0x82], 1], // truncated
      [[0xf0, 0x9f, 0x98, 0x80, 0xff], 4],
    ];
    for (const [bytes, at] of cases) expect(firstInvalidUtf8Byte(Uint8Array.from(bytes)), bytes.join(",")).toBe(at);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const at = firstInvalidUtf8Byte(bytes);
        const valid = Buffer.from(bytes.subarray(0, at));
        expect(Buffer.from(valid.toString("utf8"), "utf8").equals(valid)).toBe(true);
        if (at < bytes.length) expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
        else expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).not.toThrow();
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it("refuses nesting past maxDepth instead of running out of stack", () => {
    expect(refusal(`${"[".repeat(65)}${"]".repeat(65)}`)).toMatchObject({ field: true });
    expect(parseExactJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toBeInstanceOf(Array);
    expect(() => parseExactJson("[".repeat(100_000))).toThrow(JsonInputError);
  });

  // Bug: a JSON number went through a binary float: 200.00000000000001 was read as 200 and
  // 123456789012345678 stored as 123456789012345680.
  it("keeps a number no double holds as its written digits, and any other as a JS number", () => {
    expect(parseExactJson("[200.00000000000001, 123456789012345678, 1e400, 0.30000000000000001]")).toEqual([
      new JsonDecimal("200.00000000000001"),
      new JsonDecimal("123456789012345678"),
      new JsonDecimal("1e400"),
      new JsonDecimal("0.30000000000000001"),
    ]);
    expect(parseExactJson("[0.1, 42.50, 1e3, -0, 9007199254740992, 1.7976931348623157e308, 123456789012.123]")).toEqual([0.1, 42.5, 1000, -0, 9007199254740992, 1.7976931348623157e308, 123456789012.123]);
    expect(new JsonDecimal("1.5E3").toPlainString()).toBe("1500");
    expect(new JsonDecimal("1e999999999").toPlainString()).toBeNull();
    expect(JSON.stringify({ a: new JsonDecimal("123456789012345678") })).toBe('{"a":"123456789012345678"}');
  });

  it("keeps __proto__ as an own member, as JSON.parse does", () => {
    const value = parseExactJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
