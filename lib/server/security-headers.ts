import { randomBytes } from "node:crypto";
import type http from "node:http";
import { CLIENT_ADDRESS_HEADER, clientAddressOf } from "./client-address";

/**
 * The console's CSP: scripts only with this response's nonce (Next.js reads it from the request's
 * Content-Security-Policy header and puts it on its own scripts; 'strict-dynamic' lets those load
 * their chunks), styles also inline (React style attributes and the charts need them), nothing
 * from other origins, and no framing at all.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// JSON answers load nothing and are framed by nobody.
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const COMMON: [string, string][] = [
  ["X-Frame-Options", "DENY"],
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"],
];
const HSTS: [string, string] = ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"];

/**
 * Sets the security headers on a response before anyone writes it (the agent API's own
 * handler and Next.js both keep headers already set), records the socket's address for
 * sign-in throttling, and for console requests puts a fresh nonce in the request's CSP header.
 * HSTS only when the console is served over HTTPS (NEXTAUTH_URL), where it cannot lock out
 * a plain-HTTP install.
 */
export function applySecurityHeaders(req: http.IncomingMessage, res: http.ServerResponse, options: { console: boolean; https: boolean; trustedProxies?: number }): void {
  for (const [name, value] of COMMON) res.setHeader(name, value);
  if (options.https) res.setHeader(HSTS[0], HSTS[1]);
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf(req.socket.remoteAddress, req.headers["x-forwarded-for"], options.trustedProxies ?? 0);
  if (!options.console) {
    res.setHeader("Content-Security-Policy", API_CSP);
    return;
  }
  const csp = consoleCsp(randomBytes(16).toString("base64"));
  req.headers["content-security-policy"] = csp;
  res.setHeader("Content-Security-Policy", csp);
}
