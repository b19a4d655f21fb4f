import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { SimpleTable } from "@/components/ui/simple-table";

export const metadata: Metadata = { title: "Owners" };

export default function OwnersPage() {
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
      )}
    </PolicySectionPage>
  );
}
