import type { z } from "zod";
import { AppError, formatPath, type FieldError } from "@/lib/errors";

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `Unknown field "${key}"` }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** Validates at the boundary; inside, parsed types are trusted. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError("validation_failed", "Some fields are invalid.", fieldErrors(result.error));
  return result.data;
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
