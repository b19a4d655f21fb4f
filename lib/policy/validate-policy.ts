import { isPair, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { JsonDecimal, JsonInputError, parseExactJson } from "@/lib/exact-json";
import { findUnstorableText } from "@/lib/validation";
import type * as z from "zod";
import { describeValue, isPlainObject } from "./conditions";
import { actionKeySchema, FALLBACK_TIER, keySchema, policyDocumentSchema, type PolicyDocument } from "./document-schema";
import { findJsonErrorOffset, lineAndColumn } from "./json-error-offset";

export type PolicyError = { path: string; message: string };

export type PolicyValidationResult = { ok: true; document: PolicyDocument } | { ok: false; errors: PolicyError[] };

/**
 * Checks a policy document's shape and its cross-references, collecting every error.
 * Reference checks read the raw input defensively, so they are reported alongside shape
 * errors elsewhere in the document instead of only after those are fixed.
 */
export function validatePolicyDocument(input: unknown): PolicyValidationResult {
  const parsed = policyDocumentSchema.safeParse(input, { error: describeIssue });
  const errors = parsed.success ? [] : parsed.error.issues.flatMap(toPolicyErrors);
  errors.push(...findReferenceErrors(parsed.success ? parsed.data : input));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, document: parsed.data };
}

/**
 * Parses policy text (JSON or YAML, detected from the first character when no format is
 * given) and validates it. Syntax errors are reported at the root path with a line number.
 */
export function parsePolicyText(text: string, format?: "json" | "yaml"): PolicyValidationResult {
  const source = text.replace(/^\uFEFF/, "");
  const parsed = (format ?? detectFormat(source)) === "json" ? parseJson(source) : parseYaml(source);
  if (!parsed.ok) return { ok: false, errors: [{ path: parsed.path ?? "", message: parsed.message }] };
  const refused = findUnstorableText(parsed.value);
  if (refused.length) return { ok: false, errors: refused.map(({ path, message }) => ({ path: formatPath(path), message })) };
  return validatePolicyDocument(lowerExactNumbers(parsed.value, false));
}

// Fields that hold a ratio or a count, never money: a number no double holds becomes the nearest double.
const FLOAT_FIELDS = new Set(["sample_rate", "approvers", "max_count", "confidence"]);

/**
 * A number written in the text that no double holds exactly (a JsonDecimal) becomes its exact
 * decimal string, which every amount field and condition reads exactly; under a ratio or count
 * field it becomes the nearest double.
 */
export function lowerExactNumbers(value: unknown, asFloat: boolean): unknown {
  if (value instanceof JsonDecimal) return asFloat ? Number(value.text) : (value.toPlainString(64) ?? value.text);
  if (Array.isArray(value)) return value.map((item) => lowerExactNumbers(item, asFloat));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const lowered = lowerExactNumbers(item, asFloat || FLOAT_FIELDS.has(key));
      if (key === "__proto__") Object.defineProperty(out, key, { value: lowered, enumerable: true, writable: true, configurable: true });
      else out[key] = lowered;
    }
    return out;
  }
  return value;
}


/** `actions[2].owner`, `actions[1].risk[0].if["customer.verified"]`; the root is "". */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join("");
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string; path?: string };

function detectFormat(text: string): "json" | "yaml" {
  const first = text.trimStart().charAt(0);
  return first === "{" || first === "[" ? "json" : "yaml";
}

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: parseExactJson(text) };
  } catch (error) {
    if (!(error instanceof JsonInputError)) throw error;
    if (error.field) return { ok: false, message: error.message, path: error.path };
    const offset = findJsonErrorOffset(text) ?? error.offset;
    const { line, column } = lineAndColumn(text, offset);
    const found = offset < text.length ? `unexpected ${JSON.stringify(text.charAt(offset))}` : "unexpected end of input";
    return { ok: false, message: `Invalid JSON at line ${line}, column ${column}: ${found}` };
  }
}

function parseYaml(text: string): Parsed {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return { ok: false, message: `Invalid YAML at line ${line}, column ${col}: ${first.message}` };
  }
  // A number keeps the digits written in the file, as in JSON (lib/exact-json.ts).
  visit(document, {
    Scalar(_, node, ancestors) {
      if (typeof node.value !== "number" || node.source === undefined || !YAML_DECIMAL.test(node.source)) return;
      const exact = parseExactJson(jsonNumberText(node.source));
      if (!(exact instanceof JsonDecimal)) return;
      const asFloat = ancestors.some((n) => isPair(n) && isScalar(n.key) && FLOAT_FIELDS.has(String(n.key.value)));
      if (!asFloat) node.value = exact.toPlainString(64) ?? exact.text;
    },
  });
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    return { ok: false, message: `Invalid YAML: ${error instanceof Error ? error.message : "cannot be read"}` };
  }
}

// YAML 1.2 core-schema decimals ("+1.5", ".5", "1.", "2e3"); hex, octal and .inf keep the YAML reading.
const YAML_DECIMAL = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/** "+1.5" → "1.5", "-.5" → "-0.5", "1." → "1": YAML's decimal spellings as JSON number text. */
function jsonNumberText(source: string): string {
  const [, sign = "", int = "", frac = "", exp = ""] = /^([-+]?)([0-9]*)(?:\.([0-9]*))?([eE][-+]?[0-9]+)?$/.exec(source) ?? [];
  return `${sign === "-" ? "-" : ""}${int.replace(/^0+(?=[0-9])/, "") || "0"}${frac ? `.${frac}` : ""}${exp}`;
}

// Messages for issues whose schema does not carry its own.
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "This field is required"
        : `Expected ${issue.expected === "array" ? "a list" : issue.expected}, got ${describeValue(issue.input)}`;
    case "invalid_value":
      return `Expected ${issue.values.map((value) => JSON.stringify(value)).join(" or ")}, got ${describeValue(issue.input)}`;
    case "too_big":
      return issue.origin === "string" ? `Must be at most ${String(issue.maximum)} characters` : undefined;
    default:
      return undefined;
  }
}

function toPolicyErrors(issue: z.core.$ZodIssue): PolicyError[] {
  // A record key that fails its schema (a param name): that schema's message, not "Invalid key in record".
  if (issue.code === "invalid_key") return [{ path: formatPath(issue.path), message: issue.issues[0]?.message ?? issue.message }];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `Unknown field "${key}"` }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

type Entry = { index: number; item: Record<string, unknown> };

function entries(value: unknown): Entry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) => (isPlainObject(item) ? [{ index, item }] : []));
}

function strings(value: unknown): { index: number; value: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) => (typeof item === "string" ? [{ index, value: item }] : []));
}

function knownList(keys: Iterable<string>): string {
  const list = [...keys];
  if (list.length === 0) return "none are defined";
  const shown = list.slice(0, 10).join(", ");
  return `known: ${list.length > 10 ? `${shown}, …` : shown}`;
}

function findReferenceErrors(input: unknown): PolicyError[] {
  const errors: PolicyError[] = [];
  const document = isPlainObject(input) ? input : {};

  const collectKeys = (section: string, field: string, noun: string): Map<string, number> => {
    const seen = new Map<string, number>();
    for (const { index, item } of entries(document[section])) {
      const key = item[field];
      if (typeof key !== "string") continue;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else errors.push({ path: `${section}[${index}].${field}`, message: `Duplicate ${noun} "${key}"; it is already defined at ${section}[${first}]` });
    }
    return seen;
  };

  const tiers = collectKeys("risk_tiers", "key", "risk tier");
  const owners = collectKeys("owners", "key", "owner");
  const dataSources = collectKeys("data_sources", "key", "data source");
  const actions = collectKeys("actions", "key", "action");
  collectKeys("intents", "key", "intent");
  const forbidden = collectKeys("forbidden", "action", "forbidden action");

  if (Array.isArray(document.risk_tiers) && !tiers.has(FALLBACK_TIER)) {
    errors.push({
      path: "risk_tiers",
      message: `A "${FALLBACK_TIER}" tier is required: actions fall back to it when no risk band matches`,
    });
  }

  for (const { index, item: action } of entries(document.actions)) {
    const at = `actions[${index}]`;
    if (Array.isArray(document.owners) && typeof action.owner === "string" && !owners.has(action.owner)) {
      errors.push({ path: `${at}.owner`, message: `Unknown owner "${action.owner}" (${knownList(owners.keys())})` });
    }
    if (Array.isArray(document.data_sources) || document.data_sources === undefined) {
      for (const source of strings(action.data_sources)) {
        if (!dataSources.has(source.value)) {
          errors.push({
            path: `${at}.data_sources[${source.index}]`,
            message: `Unknown data source "${source.value}" (${knownList(dataSources.keys())})`,
          });
        }
      }
    }
    const bands = Array.isArray(action.risk) ? (action.risk as unknown[]) : [];
    for (const { index: bandIndex, item: band } of entries(action.risk)) {
      if (Array.isArray(document.risk_tiers) && typeof band.tier === "string" && !tiers.has(band.tier)) {
        errors.push({ path: `${at}.risk[${bandIndex}].tier`, message: `Unknown risk tier "${band.tier}" (${knownList(tiers.keys())})` });
      }
      if (band.if === undefined && bandIndex < bands.length - 1) {
        errors.push({
          path: `${at}.risk[${bandIndex}]`,
          message: `This band has no "if", so it always applies and the bands after it can never be reached; make it the last band`,
        });
      }
    }
  }

  for (const { index, item: intent } of entries(document.intents)) {
    if (!Array.isArray(document.actions)) break;
    for (const action of strings(intent.actions)) {
      if (actions.has(action.value)) continue;
      errors.push({
        path: `intents[${index}].actions[${action.index}]`,
        message: forbidden.has(action.value)
          ? `Action "${action.value}" is forbidden and not defined under actions, so an agent can never take it for this intent`
          : `Unknown action "${action.value}"; define it under actions first`,
      });
    }
    findIntentAuthorityErrors(intent, index, actions, errors);
  }

  findToolMappingErrors(document, { actions, forbidden, dataSources }, errors);
  return errors;
}

/**
 * An intent's authority map sets the authority of actions the intent may take: each key is an
 * action of the document and, when the intent lists its actions, one of them (an override for an
 * action the intent never allows would never apply, which hides a mistake).
 */
function findIntentAuthorityErrors(intent: Record<string, unknown>, index: number, actions: Map<string, number>, errors: PolicyError[]): void {
  if (!isPlainObject(intent.authority)) return;
  const listed = strings(intent.actions).map((action) => action.value);
  const name = typeof intent.label === "string" && intent.label.trim() ? intent.label : typeof intent.key === "string" ? intent.key : "this intent";
  for (const key of Object.keys(intent.authority)) {
    // A malformed key already has its shape error at this path.
    if (!actionKeySchema.safeParse(key).success) continue;
    const path = formatPath(["intents", index, "authority", key]);
    if (!actions.has(key)) {
      errors.push({ path, message: `Unknown action "${key}": an intent can only set the authority of an action defined under actions` });
    } else if (listed.length > 0 && !listed.includes(key)) {
      errors.push({ path, message: `"${key}" is not among the actions allowed for ${name}: allow it for this intent first, or remove its authority here` });
    }
  }
}

/**
 * A tool mapping names an action the policy decides (defined, or forbidden so every call is
 * denied with legal's reason) and data sources it defines; one (server, tool) pair maps once,
 * since the gateway must find exactly one action for a call.
 */
function findToolMappingErrors(
  document: Record<string, unknown>,
  known: { actions: Map<string, number>; forbidden: Map<string, number>; dataSources: Map<string, number> },
  errors: PolicyError[],
): void {
  const seen = new Map<string, number>();
  const actionsReadable = Array.isArray(document.actions) && (Array.isArray(document.forbidden) || document.forbidden === undefined);
  const sourcesReadable = Array.isArray(document.data_sources) || document.data_sources === undefined;
  for (const { index, item: mapping } of entries(document.tools)) {
    const at = `tools[${index}]`;
    if (typeof mapping.server === "string" && typeof mapping.tool === "string") {
      const pair = JSON.stringify([mapping.server, mapping.tool]);
      const first = seen.get(pair);
      if (first === undefined) seen.set(pair, index);
      else errors.push({ path: `${at}.tool`, message: `Tool "${mapping.tool}" on server "${mapping.server}" is already mapped at tools[${first}]; a tool maps to one action` });
    }
    // A malformed key already has its shape error at this path.
    if (actionsReadable && typeof mapping.action === "string" && actionKeySchema.safeParse(mapping.action).success && !known.actions.has(mapping.action) && !known.forbidden.has(mapping.action)) {
      errors.push({
        path: `${at}.action`,
        message: `Unknown action "${mapping.action}": map the tool to an action defined under actions or listed under forbidden (${knownList(new Set([...known.actions.keys(), ...known.forbidden.keys()]))})`,
      });
    }
    if (sourcesReadable) {
      for (const source of strings(mapping.data_sources)) {
        if (keySchema.safeParse(source.value).success && !known.dataSources.has(source.value)) {
          errors.push({ path: `${at}.data_sources[${source.index}]`, message: `Unknown data source "${source.value}" (${knownList(known.dataSources.keys())})` });
        }
      }
    }
  }
}
