// Converts between a risk band's condition and rows a person edits ("amount ≤ 50"). Conditions
// that rows cannot express (any/not, two tests on one field) stay as JSON in an advanced box.

export const CLAUSE_FIELDS = [
  { value: "amount", label: "Amount", kind: "number" },
  { value: "customer.verified", label: "Customer verified", kind: "boolean" },
  { value: "customer.segment", label: "Customer segment", kind: "text" },
  { value: "channel", label: "Channel", kind: "text" },
  { value: "confidence", label: "Agent confidence", kind: "number" },
  { value: "currency", label: "Currency", kind: "text" },
] as const;

export const CLAUSE_OPERATORS = [
  { value: "lte", label: "≤" },
  { value: "lt", label: "<" },
  { value: "gte", label: "≥" },
  { value: "gt", label: ">" },
  { value: "eq", label: "=" },
  { value: "ne", label: "≠" },
  { value: "in", label: "is one of" },
] as const;

export interface Clause {
  field: string;
  op: string;
  value: string;
}

export type ConditionRows = { mode: "rows"; clauses: Clause[] } | { mode: "advanced"; json: string };

function kindOf(field: string): "number" | "boolean" | "text" {
  const known = CLAUSE_FIELDS.find((f) => f.value === field);
  return known ? known.kind : "text";
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(", ") : String(value);
}

export function conditionToRows(condition: Record<string, unknown> | undefined): ConditionRows {
  if (!condition) return { mode: "rows", clauses: [] };
  const clauses: Clause[] = [];
  for (const [field, test] of Object.entries(condition)) {
    if (field === "all" || field === "any" || field === "not") return { mode: "advanced", json: JSON.stringify(condition, null, 2) };
    if (test !== null && typeof test === "object" && !Array.isArray(test)) {
      const entries = Object.entries(test);
      if (entries.length !== 1) return { mode: "advanced", json: JSON.stringify(condition, null, 2) };
      const [op, operand] = entries[0]!;
      clauses.push({ field, op, value: show(operand) });
    } else {
      clauses.push({ field, op: "eq", value: show(test) });
    }
  }
  return { mode: "rows", clauses };
}

function typed(field: string, text: string): unknown {
  const trimmed = text.trim();
  const kind = kindOf(field);
  if (kind === "boolean") return trimmed === "true" || trimmed === "yes" ? true : trimmed === "false" || trimmed === "no" ? false : trimmed;
  if (kind === "number" && /^-?\d+(\.\d+)?$/.test(trimmed)) {
    // Keep exact decimal text when a JSON number would not round-trip it.
    return String(Number(trimmed)) === trimmed ? Number(trimmed) : trimmed;
  }
  return trimmed;
}

/** Rows back to a condition; `undefined` means "always" (a fallback band). */
export function rowsToCondition(rows: ConditionRows): Record<string, unknown> | undefined | { invalidJson: string } {
  if (rows.mode === "advanced") {
    try {
      return JSON.parse(rows.json) as Record<string, unknown>;
    } catch {
      return { invalidJson: rows.json };
    }
  }
  if (rows.clauses.length === 0) return undefined;
  const condition: Record<string, unknown> = {};
  for (const { field, op, value } of rows.clauses) {
    if (!field) continue;
    if (op === "in") condition[field] = { in: value.split(",").map((v) => typed(field, v)).filter((v) => v !== "") };
    else if (op === "eq") condition[field] = typed(field, value);
    else condition[field] = { [op]: typed(field, value) };
  }
  return condition;
}
