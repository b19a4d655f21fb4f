import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ReviewStatus } from "@/lib/generated/prisma/enums";
import { labelName, REVIEW_STATUS_NAMES } from "@/lib/reviews/schemas";

const STATUS_TONES: Record<ReviewStatus, BadgeTone> = { open: "warning", in_review: "info", resolved: "success", dismissed: "neutral" };
const LABEL_TONES: Record<string, BadgeTone> = { policy_gap: "brand", agent_error: "warning", customer_abuse: "danger", fraud: "danger", correct: "success", data_issue: "info" };

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{REVIEW_STATUS_NAMES[status]}</Badge>;
}

export function ReviewLabelBadges({ labels }: { labels: string[] }) {
  if (labels.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {labels.map((l) => (
        <Badge key={l} tone={LABEL_TONES[l] ?? "neutral"}>
          {labelName(l)}
        </Badge>
      ))}
    </span>
  );
}
