import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type ErrorCode, type FieldError } from "@/lib/errors";

// The agent API's HTTP layer: small and framework-free (docs/decisions/0002-custom-server.md).

export const MAX_BODY_BYTES = 64 * 1024;

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: "Request body is invalid",
  bad_request: "Bad request",
  unauthenticated: "Authentication required",
  forbidden: "Forbidden",
  not_found: "Not found",
  payload_too_large: "Request body too large",
  unsupported_media_type: "Unsupported media type",
  rate_limited: "Too many requests",
  unavailable: "Service unavailable",
  internal: "Internal error",
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload), "cache-control": "no-store", ...headers });
  res.end(payload);
}

/** RFC 9457 problem details; never an internal message or stack for a 500. */
export function sendProblem(res: ServerResponse, error: AppError, headers: Record<string, string> = {}): void {
  const body: Record<string, unknown> = {
    type: `/api/v1/errors#${error.code}`,
    title: TITLES[error.code] ?? error.code.replaceAll("_", " "),
    status: error.status,
    code: error.code,
    detail: error.status >= 500 && error.code === "internal" ? "Something went wrong on our side. Do not act; retry later." : error.message,
  };
  if (error.errors?.length) body.errors = error.errors;
  const payload = JSON.stringify(body);
  res.writeHead(error.status, { "content-type": "application/problem+json; charset=utf-8", "content-length": Buffer.byteLength(payload), "cache-control": "no-store", ...headers });
  res.end(payload);
}

/** Reads and parses a JSON body: 415 when it is not JSON, 413 past 64 KiB, 400 when malformed. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    throw new AppError("payload_too_large", `The body is over ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw new AppError("payload_too_large", `The body is over ${MAX_BODY_BYTES / 1024} KiB.`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new AppError("bad_request", "The body is empty: send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

export function validationError(errors: FieldError[]): AppError {
  return new AppError("validation_failed", `${errors.length} field${errors.length === 1 ? " is" : "s are"} invalid.`, errors);
}
