import type { Metadata } from "next";
import { AddUserForm, DisableUserForm, EditRolesForm } from "@/components/console/user-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { SimpleTable } from "@/components/ui/simple-table";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { listAccountsUnderAttack } from "@/lib/auth/sign-in-throttle";
import { getPrisma } from "@/lib/db/prisma";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Users" };

/** A form kept folded in its table cell until asked for. */
function Reveal({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-brand-700 underline underline-offset-2">{label}</summary>
      <div className="mt-2">{children}</div>
    </details>
  );
}

export default async function UsersPage() {
  const actor = await requirePermission("users:read");
  const manage = can(actor.roles, "users:manage");
  const [users, underAttack] = await Promise.all([listUsers(getPrisma()), listAccountsUnderAttack(getPrisma())]);
  return (
    <>
      <PageHeader title="Users" description="People who use the console and the roles that decide what each may see and change. Every change is kept in the audit log." />
      {underAttack.length > 0 ? (
        <div role="alert" className="mb-6 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900">
          <p className="font-medium">Someone may be guessing passwords</p>
          <ul className="mt-1 list-disc pl-5">
            {underAttack.map((account) => (
              <li key={account.email}>
                {account.email}: {account.failures} failed sign-ins in the last hour, the latest at {formatDateTime(account.lastFailureAt)}. Sign-ins from unfamiliar addresses are being slowed.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {manage ? (
        <Card title="Add a person" className="mb-6">
          <AddUserForm />
        </Card>
      ) : null}
      <SimpleTable
        label="Users"
        headers={["Name", "Email", "Roles", "Status", "Last sign-in"]}
        rows={users.map((u) => ({
          key: u.id,
          cells: [
            u.name,
            u.email,
            <div key="r" className="min-w-48 space-y-1">
              <span className="flex flex-wrap gap-1">
                {u.roles.map((r) => (
                  <Badge key={r} tone="brand">{ROLE_LABELS[r]}</Badge>
                ))}
              </span>
              {manage ? (
                <Reveal label="Change roles">
                  <EditRolesForm userId={u.id} name={u.name} roles={u.roles} />
                </Reveal>
              ) : null}
            </div>,
            <div key="s" className="min-w-40 space-y-1">
              {u.disabled ? <Badge tone="danger">disabled</Badge> : <Badge tone="success">active</Badge>}
              {manage && u.id !== actor.id ? (
                <Reveal label={u.disabled ? "Enable" : "Disable"}>
                  <DisableUserForm userId={u.id} name={u.name} disabled={u.disabled} />
                </Reveal>
              ) : null}
            </div>,
            u.lastLoginAt ? formatDateTime(u.lastLoginAt) : "never",
          ],
        }))}
      />
    </>
  );
}
