import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { SimpleTable } from "@/components/ui/simple-table";

export const metadata: Metadata = { title: "Forbidden actions" };

export default function ForbiddenActionsPage() {
  return (
    <PolicySectionPage
      section="forbidden"
      title="Forbidden actions"
      description="What legal has forbidden outright. An agent asking for one of these is always denied, with the legal reason, whatever else the policy says."
      isEmpty={(doc) => doc.forbidden.length === 0}
      emptyTitle="Nothing is forbidden"
      emptyHint="Legal can add actions that agents must never take, with the reason shown to the agent."
    >
      {(doc) => (
        <SimpleTable
          label="Forbidden actions"
          headers={["Action", "Legal reason"]}
          rows={doc.forbidden.map((f) => {
            // Forbidden actions need not be in the permission map; when one is, its name comes first.
            const label = doc.actions.find((a) => a.key === f.action)?.label;
            return {
              key: f.action,
              cells: [
                <span key="a">
                  {label ? <span className="block font-medium">{label}</span> : null}
                  <span className="font-mono text-xs">{f.action}</span>
                </span>,
                f.reason,
              ],
            };
          })}
        />
      )}
    </PolicySectionPage>
  );
}
