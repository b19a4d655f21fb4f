import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { getPrisma } from "@/lib/db/prisma";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await requirePermission("users:read");
  const users = await listUsers(getPrisma());
  return (
    <>
      <PageHeader title="Users" description="People who use the console and the roles that decide what each may see and change." />
      <SimpleTable
        label="Users"
        headers={["Name", "Email", "Roles", "Status", "Last sign-in"]}
        rows={users.map((u) => ({
          key: u.id,
          cells: [
            u.name,
            u.email,
            <span key="r" className="flex flex-wrap gap-1">
              {u.roles.map((r) => (
                <Badge key={r} tone="brand">{ROLE_LABELS[r]}</Badge>
              ))}
            </span>,
            u.disabled ? <Badge key="s" tone="danger">disabled</Badge> : <Badge key="s" tone="success">active</Badge>,
            u.lastLoginAt ? formatDateTime(u.lastLoginAt) : "never",
          ],
        }))}
      />
    </>
  );
}
