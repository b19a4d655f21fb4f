import { describe, expect, it } from "vitest";
import { arrayLiteral, execute, literal, textLiteral } from "./simple-query";

describe("simple-query literals", () => {
  it("dollar-quotes text with a tag the text does not contain", () => {
    expect(textLiteral("o'brien \\ x")).toBe("$m$o'brien \\ x$m$");
    expect(textLiteral("a $m$ b")).toBe("$m0$a $m$ b$m0$");
    expect(textLiteral("$m$ $m0$ $m1$")).toBe("$m2$$m$ $m0$ $m1$$m2$");
  });

  it("types literals, writes NULL for null and refuses numbers that are not finite", () => {
    expect(literal(null, "uuid")).toBe("NULL::uuid");
    expect(literal(42, "bigint")).toBe("42::bigint");
    expect(() => literal(Number.NaN, "int")).toThrow(/finite/);
    expect(arrayLiteral(["a", null], "text")).toBe("ARRAY[$m$a$m$::text, NULL::text]::text[]");
    expect(arrayLiteral([], "int")).toBe("ARRAY[]::int[]");
    expect(execute({ name: "s", types: ["int"], text: "SELECT $1" }, ["1::int"])).toBe("EXECUTE s(1::int)");
  });
});
