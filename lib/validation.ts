import type { z } from "zod";
import { AppError, formatPath, type FieldError } from "@/lib/errors";

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `Unknown field "${key}"` }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** Validates at the boundary; inside, parsed types are trusted. Text that cannot be stored is refused first. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const unstorable = findUnstorableText(input);
  if (unstorable.length) throw new AppError("validation_failed", "Some fields hold characters that cannot be stored.", unstorable.map(toFieldError));
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError("validation_failed", "Some fields are invalid.", fieldErrors(result.error));
  return result.data;
}

// NUL (PostgreSQL text cannot hold it) and a UTF-16 surrogate without its partner (not a
// character: stored, it turns into U+FFFD or breaks a reader). Everything else is text.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

export type UnstorableText = { path: (string | number)[]; message: string };

/** Every string (and object key) in plain data holding NUL or an unpaired surrogate, with its path. */
export function findUnstorableText(value: unknown, path: (string | number)[] = [], found: UnstorableText[] = []): UnstorableText[] {
  if (found.length >= 20) return found;
  if (typeof value === "string") {
    if (UNSTORABLE.test(value)) found.push({ path, message: value.includes("\u0000") ? "Remove the NUL character" : "Remove the broken character (an unpaired surrogate)" });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findUnstorableText(item, [...path, index], found));
  } else if (value !== null && typeof value === "object" && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) found.push({ path, message: "A field name holds a NUL character or an unpaired surrogate" });
      else findUnstorableText(item, [...path, key], found);
    }
  }
  return found;
}

function toFieldError(entry: UnstorableText): FieldError {
  return { path: formatPath(entry.path), message: entry.message };
}

// Path parameters come straight from the address bar: anything the database would refuse
// (a malformed uuid, an integer past int4) is "not found" before it gets there, never a 500.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A positive int4 written in plain digits, or null. */
export function parsePositiveInt(value: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const number = Number(value);
  return number <= 2_147_483_647 ? number : null;
}

/** decodeURIComponent that answers null for malformed escapes ("%ff%fe") instead of throwing. */
export function decodePathSegment(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
