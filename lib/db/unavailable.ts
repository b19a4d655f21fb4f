/**
 * Whether an error means the database is out of reach (refused, dropped, shutting down, pool
 * exhausted or closed) rather than a fault in a statement: callers fail closed with 503 and
 * Retry-After, never 500 and never allow. Follows `cause`, as drivers and Prisma wrap errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, hops = 0; current && typeof current === "object" && hops < 5; current = (current as { cause?: unknown }).cause, hops++) {
    const code = String((current as { code?: unknown }).code ?? "");
    if (UNAVAILABLE_CODES.test(code)) return true;
    if (UNAVAILABLE_MESSAGES.test(String((current as { message?: unknown }).message ?? ""))) return true;
  }
  return false;
}

// Socket errors; SQLSTATE 57P01-57P05 (admin/crash shutdown, cannot connect now, idle session
// timeout), class 08 (connection exception), 53300 (too many connections); Prisma's P1001/P1002/P1017.
const UNAVAILABLE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|57P0[1-5]|08\d{3}|53300|P1001|P1002|P1017)$/;
// node-postgres and pg-pool report these without a code.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|Client was closed and is not queryable|Connection refused|terminating connection/i;

/** PostgreSQL refused text it cannot store (NUL, bad encoding): the caller's input, never a 500. */
export function isUnstorableText(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  return code === "22P05" || code === "22021";
}
