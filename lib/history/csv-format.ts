// RFC 4180 CSV, written one row at a time so an export never holds the whole file.

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote, as
 * OWASP advises: an agent's free text in a decision must not execute on an auditor's machine.
 * Numbers and timestamps we format ourselves never take this path.
 */
function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export type CsvCell = string | number | Date | null | undefined | { raw: string };

/** One cell: quoted when it holds a comma, quote, CR or LF, or edge spaces; quotes doubled. */
export function formatCsvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "number") text = String(value);
  else if (typeof value === "object") text = value.raw;
  else text = neutralizeFormula(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** "12.50000000" (numeric(28,8) as text) → "12.50": still exact, easier on a spreadsheet. */
export function trimAmount(text: string): string {
  return text.replace(/(\.\d\d\d*?)0+$/, "$1");
}

export function formatCsvRow(cells: readonly CsvCell[]): string {
  return cells.map(formatCsvCell).join(",") + "\r\n";
}

/** Splits CSV text into records (quoted fields may hold commas, quotes and newlines); for tests and checks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
