import type { Metadata } from "next";
import { PolicySectionPage } from "@/components/policy/policy-page";
import { Badge } from "@/components/ui/badge";
import { SimpleTable } from "@/components/ui/simple-table";

export const metadata: Metadata = { title: "Intents" };

export default function IntentsPage() {
  return (
    <PolicySectionPage
      section="intents"
      title="Customer intents"
      description="What the customer wants, and whether an agent may handle it on its own. An action outside an intent's list is escalated to a person."
      isEmpty={(doc) => doc.intents.length === 0}
      emptyTitle="No intents defined"
      emptyHint="CX leads can list customer intents and the actions allowed for each."
    >
      {(doc) => {
        const labels = new Map(doc.actions.map((a) => [a.key, a.label]));
        return (
          <SimpleTable
            label="Intents"
            headers={["Intent", "Handling", "Actions allowed", "Authority set for the intent"]}
            rows={doc.intents.map((i) => ({
              key: i.key,
              cells: [
                <div key="n">
                  <p className="font-medium">{i.label}</p>
                  <p className="font-mono text-xs text-slate-500">{i.key}</p>
                </div>,
                i.handling === "human" ? <Badge key="h" tone="warning">humans only</Badge> : <Badge key="h" tone="success">autonomous</Badge>,
                i.handling === "human" ? "none: handed to a person" : i.actions.length ? i.actions.map((a) => labels.get(a) ?? a).join(", ") : "any action",
                Object.keys(i.authority ?? {}).length
                  ? Object.entries(i.authority ?? {}).map(([a, level]) => `${labels.get(a) ?? a}: ${level}`).join(", ")
                  : "each action's own",
              ],
            }))}
          />
        );
      }}
    </PolicySectionPage>
  );
}
