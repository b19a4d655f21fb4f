import type { Metadata } from "next";
import { OwnerNotificationState } from "@/components/policy/owner-notifications";
import { OwnerWebhookForm } from "@/components/policy/owner-webhook-form";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { Card } from "@/components/ui/card";
import { SimpleTable } from "@/components/ui/simple-table";
import { requirePermission } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getPrisma } from "@/lib/db/prisma";
import { listOwnerNotificationSettings } from "@/lib/webhooks/queries";

export const metadata: Metadata = { title: "Owners" };

export default async function OwnersPage() {
  const actor = await requirePermission("policy:read");
  const settings = await listOwnerNotificationSettings(getPrisma());
  const mayConfigure = can(actor.roles, "owners:notifications");
  return (
    <PolicySectionPage
      section="owners"
      title="Outcome owners"
      description="Who answers for each action when its outcome goes wrong, and how they remediate. Every action names one owner."
      isEmpty={(doc) => doc.owners.length === 0}
      emptyTitle="No owners defined"
      emptyHint="Add an owner for every team that answers for an action's outcome."
    >
      {(doc) => (
        <div className="space-y-6">
          <SimpleTable
            label="Owners"
            headers={["Owner", "Contact", "Remediation", "Actions owned"]}
            rows={doc.owners.map((o) => ({
              key: o.key,
              cells: [
                <div key="n">
                  <p className="font-medium">{o.name}</p>
                  <p className="font-mono text-xs text-slate-500">{o.key}</p>
                </div>,
                // A contact is free text in the policy (an address, a channel, a phone number): only an address is a link.
                /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(o.contact) ? (
                  <a key="c" href={`mailto:${o.contact}`} className="text-brand-700 underline underline-offset-2">
                    {o.contact}
                  </a>
                ) : (
                  <span key="c">{o.contact}</span>
                ),
                o.remediation,
                doc.actions.filter((a) => a.owner === o.key).map((a) => a.label).join(", ") || "none",
              ],
            }))}
          />
          <section aria-labelledby="owner-notifications" className="space-y-3">
            <div>
              <h2 id="owner-notifications" className="text-base font-semibold text-slate-900">
                Escalation notifications
              </h2>
              <p className="text-sm text-slate-600">
                When a held action has under a quarter of its time left, its owner is notified. Each owner&apos;s webhook is set here by IT, outside the
                reviewed policy; deliveries are signed and retried for up to a day.
              </p>
            </div>
            <div className="grid gap-4 lg:grid-cols-2">
              {doc.owners.map((o) => (
                <Card key={o.key} title={o.name} headingLevel={3}>
                  <div className="space-y-3">
                    <OwnerNotificationState ownerName={o.name} settings={settings.get(o.key)} showUrl={mayConfigure} />
                    {mayConfigure ? (
                      <OwnerWebhookForm ownerKey={o.key} ownerName={o.name} url={settings.get(o.key)?.webhook?.url ?? null} format={settings.get(o.key)?.webhook?.format ?? null} />
                    ) : null}
                  </div>
                </Card>
              ))}
            </div>
          </section>
        </div>
      )}
    </PolicySectionPage>
  );
}
