import { AppError, isAppError } from "@/lib/errors";

/**
 * The AuthZEN errors: the standard names 400, 401, 403 and 500 with "an error message string" as
 * the body. Mandate answers those codes (plus the HTTP ones a transport needs: 404, 405, 409, 413,
 * 415, 429, 503) as RFC 9457 problem details, a JSON object (the standard's JSON binding requires
 * an object at the top level) whose `detail` is that message. Mandate's 422s are the standard's 400.
 */
export function asAuthzenError(error: AppError): AppError {
  return error.status === 422 ? new AppError("validation_failed", error.message, error.errors) : error;
}

/** One line naming every field at fault, for an evaluations item's `context.error.message`. */
export function describeError(error: AppError): string {
  return error.errors?.length ? error.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ") : error.message;
}

export function isItemError(error: unknown): error is AppError {
  // Transport-level trouble (rate limit, unavailable, internal) fails the whole request instead.
  return isAppError(error) && error.status < 500 && error.status !== 429;
}
