import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/auth-options";

function handler(req: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(getAuthOptions())(req, context);
}

export { handler as GET, handler as POST };
