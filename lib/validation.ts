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
