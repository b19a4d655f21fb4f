import Decimal from "decimal.js";
import { formatPath } from "@/lib/errors";

/**
 * JSON read exactly, for everything a caller or an author sends (agent API bodies, policy
 * documents, console form payloads). Unlike `JSON.parse` it refuses what a store or a person
 * reading the audit log would misread: a key twice in one object (even with the same value),
 * NUL, an unpaired surrogate, invalid UTF-8 (see `invalidUtf8At`) and nesting past `maxDepth`,
 * each named by its field path. A number keeps the decimal written in the text: one a binary
 * double holds digit for digit (almost all) is a JS number; any other is a JsonDecimal, never
 * rounded through a float.
 */

/** A JSON number no double holds exactly (`200.00000000000001`, `123456789012345678`, `1e400`): its source text. */
export class JsonDecimal {
  constructor(readonly text: string) {}

  /** The exact value as plain decimal text ("1E3" → "1000"), or null when it would be over `maxLength` characters. */
  toPlainString(maxLength = 1000): string | null {
    let value: Decimal;
    try {
      value = new Decimal(this.text);
    } catch {
      return null;
    }
    // Bound the exponent before writing digits out: "1e999999999" is 11 characters of text.
    if (!value.isFinite() || Math.abs(value.e) > maxLength) return null;
    const plain = value.isZero() ? "0" : value.toFixed();
    return plain.length <= maxLength ? plain : null;
  }

  /** Should one escape into JSON.stringify, it keeps its exact digits as a string. */
  toJSON(): string {
    return this.toPlainString() ?? this.text;
  }
}

/** The text is not JSON (`field: false`, an offset) or is JSON carrying something refused at a field (`field: true`, a path). */
export class JsonInputError extends Error {
  constructor(
    message: string,
    readonly field: boolean,
    readonly path: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonInputError";
  }
}

export interface ExactJsonOptions {
  /** Objects and arrays nested deeper than this are refused (default 64): a recursive reader must not run out of stack. */
  maxDepth?: number;
  /** Character offset of the first byte the UTF-8 decoder replaced (see `decodeUtf8`); a string spanning it is refused. */
  invalidUtf8At?: number;
}

export const DEFAULT_MAX_DEPTH = 64;

export function parseExactJson(text: string, options: ExactJsonOptions = {}): unknown {
  return new ExactJsonReader(text, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.invalidUtf8At ?? -1).readDocument();
}

/** Byte offset of the first ill-formed UTF-8 sequence (Unicode 15, table 3-7), or the length when all is well-formed. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates in UTF-8
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

// A backslash, a control character or any surrogate: the string needs the careful reader.
const SPECIAL_IN_STRING = /[\\\u0000-\u001f\ud800-\udfff]/;
const FAST_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class ExactJsonReader {
  private i = 0;
  // The path to the value being read, by depth; formatted only when something is refused.
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly invalidUtf8At: number,
  ) {}

  readDocument(): unknown {
    this.skipSpace();
    const value = this.readValue(0);
    this.skipSpace();
    if (this.i < this.text.length) this.syntax(`Unexpected ${this.describeHere()} after the JSON value`);
    return value;
  }

  private readValue(depth: number): unknown {
    const c = this.text.charCodeAt(this.i);
    switch (c) {
      case 0x7b: // {
        return this.readObject(depth + 1);
      case 0x5b: // [
        return this.readArray(depth + 1);
      case 0x22: // "
        return this.readString(depth, false);
      case 0x74: // t
        return this.readWord("true", true);
      case 0x66: // f
        return this.readWord("false", false);
      case 0x6e: // n
        return this.readWord("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
        return this.syntax(`Unexpected ${this.describeHere()}`);
    }
  }

  private readObject(depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.field(depth - 1, `Nested deeper than ${this.maxDepth} levels`);
    const object: Record<string, unknown> = {};
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return object;
    }
    const text = this.text;
    for (;;) {
      if (text.charCodeAt(this.i) !== 0x22) this.syntax(`Expected a field name in double quotes, found ${this.describeHere()}`);
      const key = this.readString(depth - 1, true);
      this.path[depth - 1] = key;
      if (Object.hasOwn(object, key)) this.field(depth, "This field appears more than once in the same object");
      this.skipSpace();
      if (text.charCodeAt(this.i) !== 0x3a) this.syntax(`Expected ":" after a field name, found ${this.describeHere()}`);
      this.i++;
      this.skipSpace();
      const value = this.readValue(depth);
      // A "__proto__" member must stay an own property, as JSON.parse makes it.
      if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.skipSpace();
      const next = text.charCodeAt(this.i);
      this.i++;
      if (next === 0x2c) {
        this.skipSpace();
        continue;
      }
      if (next === 0x7d) return object;
      this.i--;
      this.syntax(`Expected "," or "}" in an object, found ${this.describeHere()}`);
    }
  }

  private readArray(depth: number): unknown[] {
    if (depth > this.maxDepth) this.field(depth - 1, `Nested deeper than ${this.maxDepth} levels`);
    const array: unknown[] = [];
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return array;
    }
    const text = this.text;
    for (;;) {
      this.path[depth - 1] = array.length;
      array.push(this.readValue(depth));
      this.skipSpace();
      const next = text.charCodeAt(this.i);
      this.i++;
      if (next === 0x2c) {
        this.skipSpace();
        continue;
      }
      if (next === 0x5d) return array;
      this.i--;
      this.syntax(`Expected "," or "]" in an array, found ${this.describeHere()}`);
    }
  }

  /** At the opening quote. `depth` is the path length of the value (for a key, of its object). */
  private readString(depth: number, isKey: boolean): string {
    const text = this.text;
    const start = this.i + 1;
    const end = text.indexOf('"', start);
    if (end < 0) return this.syntax("Unterminated string", start - 1);
    const value = text.slice(start, end);
    // Most strings hold nothing to escape or refuse: one native scan settles it.
    if (SPECIAL_IN_STRING.test(value)) return this.readEscapedString(start, start, depth, isKey);
    this.i = end + 1;
    if (this.invalidUtf8At >= start && this.invalidUtf8At < end) this.refuseText(depth, isKey, "bytes that are not valid UTF-8");
    return value;
  }

  private readEscapedString(start: number, at: number, depth: number, isKey: boolean): string {
    const text = this.text;
    const length = text.length;
    let out = text.slice(start, at);
    let i = at;
    let pendingHigh = false; // the last code unit written was a high surrogate
    for (;;) {
      if (i >= length) return this.syntax("Unterminated string", start - 1);
      let c = text.charCodeAt(i);
      if (c === 0x22) break;
      let unit: number;
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1);
        i += 2;
        switch (e) {
          case 0x22: unit = 0x22; break; // prettier-ignore
          case 0x5c: unit = 0x5c; break; // prettier-ignore
          case 0x2f: unit = 0x2f; break; // prettier-ignore
          case 0x62: unit = 0x08; break; // prettier-ignore
          case 0x66: unit = 0x0c; break; // prettier-ignore
          case 0x6e: unit = 0x0a; break; // prettier-ignore
          case 0x72: unit = 0x0d; break; // prettier-ignore
          case 0x74: unit = 0x09; break; // prettier-ignore
          case 0x75: {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.syntax("Expected four hex digits after \\u", i - 2);
            unit = parseInt(hex, 16);
            i += 4;
            break;
          }
          default:
            return this.syntax("Unknown escape in a string", i - 2);
        }
      } else {
        if (c < 0x20) {
          if (c === 0) this.refuseText(depth, isKey, "a NUL character");
          this.syntax("A control character must be escaped in a string", i);
        }
        unit = c;
        i++;
      }
      c = unit;
      if (c === 0) this.refuseText(depth, isKey, "a NUL character");
      const isLow = c >= 0xdc00 && c <= 0xdfff;
      if (pendingHigh !== isLow) this.refuseText(depth, isKey, "an unpaired surrogate");
      pendingHigh = c >= 0xd800 && c <= 0xdbff;
      out += String.fromCharCode(c);
    }
    if (pendingHigh) this.refuseText(depth, isKey, "an unpaired surrogate");
    this.i = i + 1;
    if (this.invalidUtf8At >= start && this.invalidUtf8At < i) this.refuseText(depth, isKey, "bytes that are not valid UTF-8");
    return out;
  }

  private readNumber(): number | JsonDecimal {
    FAST_NUMBER.lastIndex = this.i;
    if (!FAST_NUMBER.test(this.text)) return this.syntax("Invalid number");
    const end = FAST_NUMBER.lastIndex;
    const source = this.text.slice(this.i, end);
    this.i = end;
    // Up to 15 digits without an exponent, a double holds the decimal exactly as JS prints it.
    if (source.length <= 15 && !/[eE]/.test(source)) return Number(source);
    const value = Number(source);
    if (Number.isFinite(value) && new Decimal(String(value)).eq(new Decimal(source))) return value;
    return new JsonDecimal(source);
  }

  private readWord<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.i)) this.syntax(`Unexpected ${this.describeHere()}`);
    this.i += word.length;
    return value;
  }

  private skipSpace(): void {
    const text = this.text;
    let i = this.i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private refuseText(depth: number, isKey: boolean, what: string): never {
    // A bad key is reported at its object: the key itself cannot be shown faithfully.
    return this.field(depth, isKey ? `A field name contains ${what}` : `Contains ${what}`);
  }

  private field(depth: number, message: string): never {
    throw new JsonInputError(message, true, formatPath(this.path.slice(0, depth)), this.i);
  }

  private syntax(message: string, at = this.i): never {
    throw new JsonInputError(`${message} at position ${at}`, false, "", at);
  }

  private describeHere(): string {
    if (this.i >= this.text.length) return "end of input";
    return JSON.stringify(this.text.charAt(this.i));
  }
}
