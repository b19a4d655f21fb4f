import { hash } from "node:crypto";
import { normalizeAmount, parseAmount } from "./money";

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every level, no whitespace,
 * numbers and strings as `JSON.stringify` writes them (the RFC 8785 rules for JSON data).
 * Like `JSON.stringify`, object members that are undefined are left out, undefined array
 * items become null and values with `toJSON` (Date, Decimal) are serialised through it.
 * Throws a TypeError for values JSON cannot hold: bigint, non-finite numbers, cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

// On the decision path (action digests, audit hashes): plain loops and string concatenation,
// no intermediate arrays. `ancestors` is the path from the root, for cycle detection.
function write(value: unknown, ancestors: object[]): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`Cannot canonicalise the number ${String(value)}`);
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new TypeError(`Cannot canonicalise a ${typeof value}`);
  }

  const object = value as object & { toJSON?: () => unknown };
  if (typeof object.toJSON === "function") return write(object.toJSON(), ancestors);
  if (ancestors.includes(object)) throw new TypeError("Cannot canonicalise a cyclic structure");
  ancestors.push(object);
  let out: string;
  if (Array.isArray(object)) {
    out = "[";
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      out += (i === 0 ? "" : ",") + (item === undefined ? "null" : write(item, ancestors));
    }
    out += "]";
  } else {
    const record = object as Record<string, unknown>;
    const keys = sortedKeys(record);
    out = "{";
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      out += (out.length === 1 ? "" : ",") + quotedKey(key) + ":" + write(member, ancestors);
    }
    out += "}";
  }
  ancestors.pop();
  return out;
}

// Object keys repeat from one decision to the next (the request's and the audit entry's field
// names): their quoted forms are kept rather than made anew each time. Bounded, since a request's
// params may name anything.
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 4_096;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

/** An object's own keys in UTF-16 code-unit order, as Array#sort orders strings, sorted in place: small objects need no sort's copy. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

export type ActionDigestInput = {
  action: string;
  customerId?: string | null;
  params?: Record<string, unknown> | null;
};

/**
 * Binds an approval to exactly one action: "sha256:" + hex SHA-256 of the canonical JSON of
 * `{ action, customer_id, params }`. A missing customer id is null and missing params are `{}`.
 * `params.amount` is written as a normalised decimal string, so 42.5, "42.50" and "42.5"
 * digest alike; an amount that is not a valid decimal is kept as given.
 */
export function actionDigest({ action, customerId, params }: ActionDigestInput): string {
  const canonicalParams: Record<string, unknown> = { ...(params ?? {}) };
  if (Object.hasOwn(canonicalParams, "amount")) {
    const amount = parseAmount(canonicalParams.amount);
    if (amount.ok) canonicalParams.amount = normalizeAmount(amount.value);
  }
  const body = canonicalJson({ action, customer_id: customerId ?? null, params: canonicalParams });
  return `sha256:${sha256Hex(body)}`;
}

/** SHA-256 of a string (UTF-8) as hex, in one call: cheaper than a Hash object for the short texts hashed per decision. */
export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

export type ToolCallDigestInput = {
  action: string;
  /** The MCP tool's name as the upstream server knows it. */
  tool: string;
  /** The tool call's arguments, whole, as sent to the upstream. */
  arguments: Record<string, unknown> | null | undefined;
};

/**
 * Binds a decision made for an MCP tool call (lib/gateway) to exactly that call: "sha256:" + hex
 * SHA-256 of the canonical JSON of `{ action, arguments, tool }`, the arguments whole and as
 * sent (`{}` when none). Unlike actionDigest nothing is normalised: the system of record
 * recomputes it from the very arguments it received, so an address or a note that is not a
 * mapped param is covered too.
 */
export function toolCallDigest({ action, tool, arguments: args }: ToolCallDigestInput): string {
  return `sha256:${sha256Hex(canonicalJson({ action, arguments: args ?? {}, tool }))}`;
}
