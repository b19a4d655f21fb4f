import type http from "node:http";

/**
 * Whether a request's path has malformed percent-escapes ("/scorecards/%ff%fe", "/api/auth/%ff"),
 * which Next.js answers with a bare 500 before any route runs. The custom server answers 400.
 */
export function hasMalformedPath(url: string | undefined): boolean {
  if (!url) return false;
  const end = url.search(/[?#]/);
  const path = end < 0 ? url : url.slice(0, end);
  if (!path.includes("%")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad address · Mandate</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#0f172a">
<p style="color:#4338ca;font-weight:600">400</p><h1>This address is malformed</h1>
<p>Part of it is not a valid web address. Check the link, or go <a href="/">back to the overview</a>.</p></body></html>`;

export function answerMalformedPath(req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = req.url?.startsWith("/api/");
  res.writeHead(400, { "content-type": json ? "application/problem+json" : "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(json ? JSON.stringify({ type: "about:blank", title: "Malformed address", status: 400, code: "bad_request", detail: "The path has an invalid percent-escape." }) : PAGE);
}
