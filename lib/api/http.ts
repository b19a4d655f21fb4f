import { isUtf8 } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { newId } from "@/lib/ids";
import { AppError, type ErrorCode, type FieldError } from "@/lib/errors";
import { firstInvalidUtf8Byte, JsonInputError, parseExactJson } from "@/lib/exact-json";

// The agent API's HTTP layer: small and framework-free (docs/decisions/0002-custom-server.md).
// Handlers take an ApiRequest and return an ApiResponse; adapters below bind them to node:http
// (the production hot path) or to the Fetch API (a Next.js route handler).

export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiRequest {
  method: string;
  path: string;
  header(name: string): string | undefined;
  /** The raw body, refusing to read past `limit` bytes (then it throws payload_too_large). */
  readBody(limit: number): Promise<Buffer>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: "Request body is invalid",
  bad_request: "Bad request",
  unauthenticated: "Authentication required",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  request_timeout: "Request timeout",
  headers_too_large: "Request header fields too large",
  payload_too_large: "Request body too large",
  unsupported_media_type: "Unsupported media type",
  rate_limited: "Too many requests",
  unavailable: "Service unavailable",
  internal: "Internal error",
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
}

/** RFC 9457 problem details; never an internal message or stack for a 500. */
export function problem(error: AppError, headers: Record<string, string> = {}): ApiResponse {
  const body: Record<string, unknown> = {
    type: `/api/v1/errors#${error.code}`,
    title: TITLES[error.code] ?? error.code.replaceAll("_", " "),
    status: error.status,
    code: error.code,
    detail: error.code === "internal" ? "Something went wrong on our side. Do not act; retry later." : error.message,
  };
  if (error.errors?.length) body.errors = error.errors;
  return { status: error.status, headers: { "content-type": "application/problem+json; charset=utf-8", "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
}

// What a header can carry back unchanged (visible ASCII, tab, obs-text), up to 1 KiB.
const WRITABLE_HEADER = /^[\t\x20-\x7e\x80-\xff]{1,1024}$/;

/** The request's X-Request-ID when it can be echoed, else one made now (`req_…`): for the logs of both sides. */
export function requestIdOf(req: ApiRequest): string {
  const given = req.header("x-request-id");
  return given !== undefined && WRITABLE_HEADER.test(given) ? given : newId("req");
}

/** Every answer carries the request id in X-Request-ID, and a problem also in its body (`request_id`). */
export function withRequestId(response: ApiResponse, requestId: string): ApiResponse {
  response.headers["x-request-id"] = requestId;
  if (response.status >= 400 && response.headers["content-type"]?.startsWith("application/problem+json")) {
    response.body = JSON.stringify({ ...(JSON.parse(response.body) as Record<string, unknown>), request_id: requestId });
  }
  return response;
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The body is over ${MAX_BODY_BYTES / 1024} KiB.`);
}

/**
 * Reads and parses a JSON body exactly (lib/exact-json.ts): 415 when it is not JSON, 413 past
 * 64 KiB, 400 `bad_request` when malformed, 400 `validation_failed` naming the field for a
 * duplicate key, NUL, unpaired surrogate or invalid UTF-8. Numbers keep their written digits.
 */
export async function readJsonBody(req: ApiRequest): Promise<unknown> {
  const type = (req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = Number(req.header("content-length"));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await req.readBody(MAX_BODY_BYTES);
  const text = bytes.toString("utf8");
  // The usual valid body costs one native check; otherwise find which string held the bad bytes.
  const invalidUtf8At = isUtf8(bytes) ? -1 : bytes.subarray(0, firstInvalidUtf8Byte(bytes)).toString("utf8").length;
  if (!text.trim()) throw new AppError("bad_request", "The body is empty: send a JSON object.");
  try {
    return parseExactJson(text, { invalidUtf8At });
  } catch (error) {
    if (!(error instanceof JsonInputError)) throw error;
    if (error.field) throw validationError([{ path: error.path, message: error.message }]);
    if (invalidUtf8At >= 0) throw new AppError("bad_request", "The body is not valid UTF-8.");
    throw new AppError("bad_request", `The body is not valid JSON: ${error.message}`);
  }
}

export function validationError(errors: FieldError[]): AppError {
  return new AppError("validation_failed", `${errors.length} field${errors.length === 1 ? " is" : "s are"} invalid.`, errors);
}

// A class, not an object of arrow functions: the server runs under tsx, whose esbuild keeps
// function names, and naming a closure costs about 0.8 µs each time one is made (per request here).
class NodeApiRequest implements ApiRequest {
  readonly method: string;
  readonly path: string;

  constructor(private readonly req: IncomingMessage) {
    this.method = req.method ?? "GET";
    this.path = (req.url ?? "/").split("?")[0]!;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  }

  // Events, not `for await`: the async iterator costs a promise per chunk on the hot path.
  readBody(limit: number): Promise<Buffer> {
    const req = this.req;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      req.on("data", (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > limit) {
          settled = true;
          req.resume(); // drain the rest unread
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.once("end", () => {
        if (settled) return;
        settled = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      });
      req.once("error", () => {
        if (settled) return;
        settled = true;
        // The caller aborted or sent a broken stream: their request, not our database (no 503).
        reject(new AppError("bad_request", "The request body could not be read to its end."));
      });
    });
  }
}

export function fromNode(req: IncomingMessage): ApiRequest {
  return new NodeApiRequest(req);
}

export function sendNode(res: ServerResponse, response: ApiResponse): void {
  res.writeHead(response.status, { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) });
  res.end(response.body);
}

export function fromFetch(request: Request): ApiRequest {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name) ?? undefined,
    readBody: async (limit) => {
      const body = Buffer.from(await request.arrayBuffer());
      if (body.length > limit) throw tooLarge();
      return body;
    },
  };
}

export function toFetch(response: ApiResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). node:http's own check answers an empty 400,
 * so servers turn it off (`requireHostHeader: false`) and call this first: true when answered.
 */
export function refuseMissingHost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.headers.host !== undefined || req.httpVersion !== "1.1") return false;
  req.resume();
  sendNode(res, problem(new AppError("bad_request", "An HTTP/1.1 request needs a Host header.")));
  return true;
}

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 413: "Payload Too Large", 431: "Request Header Fields Too Large" };

/**
 * node:http's 'clientError' handler: a request its parser refused (oversize headers, a malformed
 * request line or header, a timeout) gets a problem+json answer written as raw HTTP/1.1, where
 * node:http would send an empty 400 or 431. Then the connection closes: its stream is unreadable.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset or a socket already answering (the error came mid-response) cannot take an answer.
  if (error.code === "ECONNRESET" || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const failure =
    error.code === "HPE_HEADER_OVERFLOW"
      ? new AppError("headers_too_large", "The request's headers are too large.")
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? new AppError("request_timeout", "The request did not arrive in time.")
        : error.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
          ? new AppError("payload_too_large", "The request body is too large.")
          : new AppError("bad_request", "The request is not valid HTTP/1.1.");
  const response = problem(failure, { connection: "close" });
  const head = Object.entries(response.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(`HTTP/1.1 ${response.status} ${REASONS[response.status] ?? "Bad Request"}\r\n${head}content-length: ${Buffer.byteLength(response.body)}\r\n\r\n${response.body}`);
}
