import { requirePermission } from "@/lib/auth/session";

// Checked here, outside the page's loading boundary: a refusal is a real 403, not a streamed 200.
export default async function ToolServersLayout({ children }: { children: React.ReactNode }) {
  await requirePermission("tools:manage");
  return children;
}
