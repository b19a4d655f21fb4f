import { parseAmount, toComparableDecimal } from "../engine/money";

export const ORDERING_OPERATORS = ["lt", "lte", "gt", "gte"] as const;
export const CONDITION_OPERATORS = [...ORDERING_OPERATORS, "eq", "ne", "in"] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type ConditionLiteral = string | number | boolean;

export type OperatorTest = {
  lt?: ConditionLiteral;
  lte?: ConditionLiteral;
  gt?: ConditionLiteral;
  gte?: ConditionLiteral;
  eq?: ConditionLiteral;
  ne?: ConditionLiteral;
  in?: ConditionLiteral[];
};

/**
 * Every key must hold. Field keys map to a literal (equality) or an operator test;
 * `all`, `any` and `not` combine nested conditions.
 */
export interface Condition {
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  [field: string]: ConditionLiteral | OperatorTest | Condition | Condition[] | undefined;
}

/** How a field's value compares: amounts exactly as decimals, params by the operand's type. */
export type ConditionFieldKind = "amount" | "number" | "boolean" | "text" | "param";

export type ConditionField =
  | { kind: Exclude<ConditionFieldKind, "param">; target: FixedTarget }
  | { kind: "param"; target: "param"; name: string };

type FixedTarget = "amount" | "currency" | "channel" | "confidence" | "customer.verified" | "customer.segment" | "customer.id";

const FIXED_FIELDS: Record<string, Extract<ConditionField, { target: FixedTarget }>> = {
  amount: { kind: "amount", target: "amount" },
  "params.amount": { kind: "amount", target: "amount" },
  currency: { kind: "text", target: "currency" },
  "params.currency": { kind: "text", target: "currency" },
  channel: { kind: "text", target: "channel" },
  confidence: { kind: "number", target: "confidence" },
  "customer.verified": { kind: "boolean", target: "customer.verified" },
  "customer.segment": { kind: "text", target: "customer.segment" },
  "customer.id": { kind: "text", target: "customer.id" },
};

const PARAM_FIELD = /^params\.([A-Za-z0-9_-]{1,64})$/;

export const SUPPORTED_FIELDS_TEXT =
  "amount, currency, channel, confidence, customer.verified, customer.segment, customer.id and params.<name>";

/** The request field a condition key tests, or null when conditions cannot test it. */
export function resolveConditionField(path: string): ConditionField | null {
  if (Object.hasOwn(FIXED_FIELDS, path)) return FIXED_FIELDS[path] ?? null;
  const param = PARAM_FIELD.exec(path);
  return param?.[1] ? { kind: "param", target: "param", name: param[1] } : null;
}

export type ConditionIssue = { path: (string | number)[]; message: string };

/** Every problem in a condition, with paths relative to it. An empty list means it compiles. */
export function checkCondition(value: unknown): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  checkNode(value, [], issues);
  return issues;
}

function checkNode(value: unknown, path: (string | number)[], issues: ConditionIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({ path, message: `A condition must be an object, got ${describeValue(value)}` });
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    issues.push({ path, message: "Condition is empty; it must test at least one field (leave out `if` for a band that always applies)" });
  }
  for (const key of keys) {
    const child = value[key];
    const childPath = [...path, key];
    if (key === "all" || key === "any") {
      if (!Array.isArray(child)) {
        issues.push({ path: childPath, message: `"${key}" must be a list of conditions, got ${describeValue(child)}` });
      } else if (child.length === 0) {
        issues.push({ path: childPath, message: `"${key}" must list at least one condition` });
      } else {
        child.forEach((item, index) => checkNode(item, [...childPath, index], issues));
      }
    } else if (key === "not") {
      checkNode(child, childPath, issues);
    } else {
      const field = resolveConditionField(key);
      if (field) {
        checkTest(key, field, child, childPath, issues);
      } else {
        issues.push({ path: childPath, message: `Unsupported field "${key}"; conditions can test ${SUPPORTED_FIELDS_TEXT}` });
      }
    }
  }
}

function checkTest(name: string, field: ConditionField, test: unknown, path: (string | number)[], issues: ConditionIssue[]): void {
  if (Array.isArray(test)) {
    issues.push({ path, message: `${name} cannot equal a list; use { "in": [...] } to match one of several values` });
    return;
  }
  if (!isPlainObject(test)) {
    checkOperand(name, field, "eq", test, path, issues);
    return;
  }
  const operators = Object.keys(test);
  if (operators.length === 0) {
    issues.push({ path, message: `Test on ${name} is empty; use one of ${CONDITION_OPERATORS.join(", ")}` });
  }
  for (const operator of operators) {
    const operand = test[operator];
    const operandPath = [...path, operator];
    if (!isOperator(operator)) {
      issues.push({ path: operandPath, message: `Unknown operator "${operator}"; use one of ${CONDITION_OPERATORS.join(", ")}` });
    } else if (operator !== "in") {
      checkOperand(name, field, operator, operand, operandPath, issues);
    } else if (!Array.isArray(operand)) {
      issues.push({ path: operandPath, message: `"in" needs a list of values, got ${describeValue(operand)}` });
    } else if (operand.length === 0) {
      issues.push({ path: operandPath, message: `"in" needs at least one value` });
    } else {
      operand.forEach((item, index) => checkOperand(name, field, "eq", item, [...operandPath, index], issues));
    }
  }
}

function checkOperand(
  name: string,
  field: ConditionField,
  operator: Exclude<ConditionOperator, "in">,
  operand: unknown,
  path: (string | number)[],
  issues: ConditionIssue[],
): void {
  const ordering = (ORDERING_OPERATORS as readonly string[]).includes(operator);
  const problem = ((): string | null => {
    switch (field.kind) {
      case "amount": {
        const parsed = parseAmount(operand);
        return parsed.ok ? null : `${name} compares exact amounts: ${parsed.message}`;
      }
      case "number":
        return typeof operand === "number" && Number.isFinite(operand)
          ? null
          : `${name} compares numbers, got ${describeValue(operand)}`;
      case "boolean":
        if (ordering) return `"${operator}" compares numbers, but ${name} is true or false`;
        return typeof operand === "boolean" ? null : `${name} is true or false, got ${describeValue(operand)}`;
      case "text":
        if (ordering) return `"${operator}" compares numbers, but ${name} is text`;
        return typeof operand === "string" ? null : `${name} is text; expected a string, got ${describeValue(operand)}`;
      case "param":
        if (ordering) {
          return toComparableDecimal(operand) !== null
            ? null
            : `"${operator}" compares numbers; expected a number or a decimal string, got ${describeValue(operand)}`;
        }
        return typeof operand === "string" || typeof operand === "boolean" || (typeof operand === "number" && Number.isFinite(operand))
          ? null
          : `${name} can be compared with a string, number or boolean, got ${describeValue(operand)}`;
    }
  })();
  if (problem) issues.push({ path, message: problem });
}

function isOperator(key: string): key is ConditionOperator {
  return (CONDITION_OPERATORS as readonly string[]).includes(key);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short rendering of an offending value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}
