// Control characters (a browser drops tab and newline from URLs, so "/\t/evil.example" becomes
// "//evil.example") and backslashes (browsers read "/\evil.example" as "//evil.example").
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * Where to send someone after sign-in: `value` only when it resolves to the console's own
 * origin, as a path (so the browser cannot reinterpret it), else the overview. `origin` is the
 * console's own, e.g. "http://localhost:3000".
 */
export function safeCallbackUrl(value: string | null | undefined, origin: string): string {
  if (!value || value.length > 2000) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return "/";
  }
  if (UNSAFE.test(value) || UNSAFE.test(decoded)) return "/";
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(value, base);
  } catch {
    return "/";
  }
  if (target.origin !== base.origin) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // The path must stay a path when read again: never "//host".
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
