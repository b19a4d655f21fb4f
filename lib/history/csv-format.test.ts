import { describe, expect, it } from "vitest";
import { formatCsvCell, formatCsvRow, parseCsv, trimAmount } from "./csv-format";

describe("CSV cells", () => {
  it("quotes commas, quotes and line breaks, and doubles quotes", () => {
    expect(formatCsvCell("plain")).toBe("plain");
    expect(formatCsvCell("a,b")).toBe('"a,b"');
    expect(formatCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvCell("two\nlines")).toBe('"two\nlines"');
    expect(formatCsvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(formatCsvCell(" padded ")).toBe('" padded "');
    expect(formatCsvCell(null)).toBe("");
    expect(formatCsvCell(undefined)).toBe("");
    expect(formatCsvCell(42)).toBe("42");
    expect(formatCsvCell(new Date("2026-11-21T09:30:00.000Z"))).toBe("2026-11-21T09:30:00.000Z");
  });

  it("never hands a spreadsheet a formula from free text, but leaves our own numbers alone", () => {
    expect(formatCsvCell("=HYPERLINK(\"http://evil\")")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(formatCsvCell("+1")).toBe("'+1");
    expect(formatCsvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(formatCsvCell({ raw: "-12.50" })).toBe("-12.50");
  });

  it("round-trips through a parser, record for record", () => {
    const rows = [
      ["id", "summary"],
      ["dec_1", 'He said "refund, now"\r\nthen left'],
      ["dec_2", ""],
    ];
    const text = rows.map((r) => formatCsvRow(r)).join("");
    expect(parseCsv(text)).toEqual(rows);
  });
});

describe("amounts in the export", () => {
  it("drops the database's padding zeros but keeps cents and every significant digit", () => {
    expect(trimAmount("12.34000000")).toBe("12.34");
    expect(trimAmount("12.50000000")).toBe("12.50");
    expect(trimAmount("100.00000000")).toBe("100.00");
    expect(trimAmount("0.12345678")).toBe("0.12345678");
    expect(trimAmount("7.10000010")).toBe("7.1000001");
  });
});
