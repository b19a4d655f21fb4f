import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { Badge } from "@/components/ui/badge";
import { SimpleTable } from "@/components/ui/simple-table";

export const metadata: Metadata = { title: "Data sources" };

export default function DataSourcesPage() {
  return (
    <PolicySectionPage
      section="data_sources"
      title="Data sources"
      description="The systems an agent may read for an action. A request that reads a source outside its action's list is denied."
      isEmpty={(doc) => doc.data_sources.length === 0}
      emptyTitle="No data sources defined"
      emptyHint="IT can list the systems agents read, and flag those holding personal data."
    >
      {(doc) => (
        <SimpleTable
          label="Data sources"
          headers={["Source", "Personal data", "Read by"]}
          rows={doc.data_sources.map((d) => ({
            key: d.key,
            cells: [
              <div key="n">
                <p className="font-medium">{d.label}</p>
                <p className="font-mono text-xs text-slate-500">{d.key}</p>
              </div>,
              d.pii ? <Badge key="p" tone="warning">PII</Badge> : <Badge key="p">no</Badge>,
              doc.actions.filter((a) => a.data_sources.includes(d.key)).map((a) => a.label).join(", ") || "no action",
            ],
          }))}
        />
      )}
    </PolicySectionPage>
  );
}
