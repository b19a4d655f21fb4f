import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/ui/format";
import { SimpleTable } from "@/components/ui/simple-table";
import type { RecommendationView } from "@/lib/autonomy/queries";

/** The record of what was done with earlier recommendations: by whom, why, and the draft it became. */
export function DecidedRecommendations({ recommendations }: { recommendations: RecommendationView[] }) {
  return (
    <SimpleTable
      label="Decided recommendations"
      headers={["Recommendation", "Decision", "By", "Reason", "Draft"]}
      rows={recommendations.map((r) => ({
        key: r.id,
        cells: [
          <span key="title" className="block max-w-md">
            {r.title}
          </span>,
          <span key="status" className="whitespace-nowrap">
            <Badge tone={r.status === "accepted" ? "success" : "neutral"}>{r.status}</Badge> {r.decidedAt ? formatDateTime(r.decidedAt) : ""}
          </span>,
          r.decidedBy ?? "Mandate (the evidence moved on)",
          r.reason ?? "—",
          r.draft ? (
            <Link key="draft" href={`/drafts/${r.draft.id}`} className="text-brand-700 underline underline-offset-2">
              {r.draft.status.replace("_", " ")}
            </Link>
          ) : (
            "—"
          ),
        ],
      }))}
    />
  );
}
