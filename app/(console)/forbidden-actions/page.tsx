import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { SimpleTable } from "@/components/ui/simple-table";

export const metadata: Metadata = { title: "Forbidden actions" };

export default function ForbiddenActionsPage() {
  return (
    <PolicySectionPage
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
          rows={doc.forbidden.map((f) => ({ key: f.action, cells: [<span key="a" className="font-mono">{f.action}</span>, f.reason] }))}
        />
      )}
    </PolicySectionPage>
  );
}
