import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

/**
 * `fetch` for the gateway's upstream calls, on node:http with kept-alive sockets. Node's global
 * fetch (undici's WHATWG layer) costs several times node:http's CPU for a small JSON POST, and on
 * the gateway every tool call makes one. It does what the SDK's client transport needs and no
 * more: a string body, headers, an abort signal; redirects are never followed (the transport asks
 * for `redirect: "manual"` and follows them itself within the origin); a JSON answer arrives as a
 * whole, an event stream as a stream. Network failures reject as fetch does (`TypeError("fetch
 * failed")` with the cause), an abort with the signal's reason.
 */
export function nodeFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = input instanceof URL ? input : new URL(input);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") return Promise.reject(new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) }));

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const request = (secure ? https : http).request(url, { method: init.method ?? "GET", headers: plainHeaders(init.headers), agent: secure ? HTTPS_AGENT : HTTP_AGENT });
    const onAbort = () => {
      fail(signal!.reason);
      request.destroy();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    request.once("error", (cause) => {
      done();
      fail(new TypeError("fetch failed", { cause }));
    });
    request.once("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        done();
        res.resume();
        return fail(new TypeError("fetch failed", { cause: new Error(`HTTP status ${status}`) }));
      }
      const headers = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const empty = status === 204 || status === 205 || status === 304 || init.method === "HEAD";
      if (!empty && (res.headers["content-type"] ?? "").toLowerCase().startsWith("text/event-stream")) {
        // A stream stays a stream (and keeps the abort signal: ending the call ends the socket).
        res.once("close", done);
        settled = true;
        return resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }));
      }
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("error", (cause) => {
        done();
        fail(new TypeError("fetch failed", { cause }));
      });
      res.once("end", () => {
        done();
        if (settled) return;
        settled = true;
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
      });
    });
    const body = init.body;
    if (body === undefined || body === null) request.end();
    else if (typeof body === "string" || body instanceof Uint8Array) request.end(body);
    else {
      done();
      request.destroy();
      fail(new TypeError("nodeFetch sends only string or byte bodies"));
    }
  });
}

// Kept-alive sockets per upstream; many calls in flight each get one, none waits for another's.
const HTTP_AGENT = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 });
const HTTPS_AGENT = new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 });

function plainHeaders(headers: HeadersInit | undefined): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}
