import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/auth-options";

// next-auth's own endpoints. Anything else under /api/auth (a malformed escape such as "%ff"
// made next-auth throw, a 500) is "not found" before next-auth sees it.
const ACTIONS = new Set(["providers", "session", "csrf", "signin", "signout", "callback", "verify-request", "error", "_log"]);
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

async function handler(req: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  const { nextauth } = await context.params;
  if (!nextauth?.length || nextauth.length > 3 || !ACTIONS.has(nextauth[0]!) || !nextauth.every((segment) => SEGMENT.test(segment))) {
    return new Response("Not found.", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return NextAuth(getAuthOptions())(req, context);
}

export { handler as GET, handler as POST };
