import { z } from "zod";
import { ReviewSource, ReviewStatus } from "@/lib/generated/prisma/enums";

// The review domain's shapes, shared by the inbox's URL, the console forms, the mutations and the tests.

/** A fixed vocabulary, so labels can be counted across cases and turned into evidence. */
export const REVIEW_LABELS = ["policy_gap", "agent_error", "customer_abuse", "correct", "data_issue", "fraud"] as const;
export type ReviewLabel = (typeof REVIEW_LABELS)[number];

export const REVIEW_LABEL_NAMES: Record<ReviewLabel, string> = {
  policy_gap: "policy gap",
  agent_error: "agent error",
  customer_abuse: "customer abuse",
  correct: "correct",
  data_issue: "data issue",
  fraud: "fraud",
};

export const REVIEW_SOURCE_NAMES: Record<ReviewSource, string> = {
  agent: "flagged by agent",
  approval_rejected: "approval rejected",
  hold_expired: "hold expired",
  outcome_failed: "outcome failed",
  outcome_reverted: "outcome reverted",
  execution_refused: "execution refused",
  action_mismatch: "action mismatch",
  limit_breach: "limit breach",
  sample: "review sample",
  executed_while_paused: "executed during a stop",
  outcome_unknown: "outcome unknown",
};

export const REVIEW_STATUS_NAMES: Record<ReviewStatus, string> = { open: "open", in_review: "in review", resolved: "resolved", dismissed: "dismissed" };

export function labelName(label: string): string {
  return REVIEW_LABEL_NAMES[label as ReviewLabel] ?? label.replaceAll("_", " ");
}

/** Agents give a reason from a short list of keys (agent-api.md); people read them as words. */
export function caseReason(source: ReviewSource, reason: string): string {
  if (source !== "agent" || !/^[a-z_]+$/.test(reason)) return reason;
  const text = reason.replaceAll("_", " ");
  return `Agent: ${text}`;
}

export const CLOSED_STATUSES: readonly ReviewStatus[] = ["resolved", "dismissed"];

export const reviewCaseIdSchema = z.string().regex(/^rev_[A-Za-z0-9_-]{1,60}$/, "Expected a review case id such as rev_…");
const labelSchema = z.enum(REVIEW_LABELS, { message: "Choose a label from the list" });

export const assignReviewCaseSchema = z.object({
  caseId: reviewCaseIdSchema,
  assign: z.enum(["me", "nobody"], { message: "Assign to me or to nobody" }),
});

export const labelReviewCaseSchema = z
  .object({
    caseId: reviewCaseIdSchema,
    add: z.array(labelSchema).max(REVIEW_LABELS.length).default([]),
    remove: z.array(labelSchema).max(REVIEW_LABELS.length).default([]),
  })
  .refine((v) => v.add.length + v.remove.length > 0, { message: "Choose a label", path: ["label"] });

export const addReviewNoteSchema = z.object({
  caseId: reviewCaseIdSchema,
  body: z.string().trim().min(1, "Write a note first").max(5000, "Keep a note under 5,000 characters"),
});

const outcomeSchema = z.string().trim().min(3, "Say what the outcome was (at least 3 characters)").max(2000, "Keep the outcome under 2,000 characters");

export const resolveReviewCaseSchema = z.object({
  caseId: reviewCaseIdSchema,
  status: z.enum(["resolved", "dismissed"], { message: "Choose resolved or dismissed" }),
  outcome: outcomeSchema,
});

export const BULK_LIMIT = 200;

export const bulkReviewSchema = z.discriminatedUnion(
  "op",
  [
    z.object({ op: z.literal("assign_me"), caseIds: z.array(reviewCaseIdSchema).min(1, "Select at least one case").max(BULK_LIMIT) }),
    z.object({ op: z.literal("label"), caseIds: z.array(reviewCaseIdSchema).min(1, "Select at least one case").max(BULK_LIMIT), label: labelSchema }),
    z.object({ op: z.literal("dismiss"), caseIds: z.array(reviewCaseIdSchema).min(1, "Select at least one case").max(BULK_LIMIT), outcome: outcomeSchema }),
  ],
  { message: "Choose what to do with the selected cases" },
);
export type BulkReviewInput = z.input<typeof bulkReviewSchema>;

export const startDraftFromCaseSchema = z.object({ caseId: reviewCaseIdSchema });

const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Saved views of the inbox. `policy_change`: cases labelled "policy gap" whose change is not
 * published yet (no draft started from the case became a version), whatever the case's status:
 * a resolved case still waits for the policy owner.
 */
export const REVIEW_VIEWS = ["policy_change"] as const;
export type ReviewView = (typeof REVIEW_VIEWS)[number];

export const REVIEW_STATUS_FILTERS = ["active", "open", "in_review", "resolved", "dismissed", "all"] as const;
export const REVIEW_PAGE_SIZES = ["25", "50", "100"] as const;

/** The inbox's URL. `active` (open or in review) is what a reviewer usually wants to see. */
export const reviewListQuerySchema = z.object({
  view: z.enum(REVIEW_VIEWS, { message: "Unknown view" }).optional(),
  status: z.enum(REVIEW_STATUS_FILTERS, { message: "Unknown status" }).default("active"),
  assignee: z.enum(["anyone", "me", "unassigned"], { message: "Choose anyone, me or unassigned" }).default("anyone"),
  source: z.enum(ReviewSource, { message: "Unknown source" }).optional(),
  label: labelSchema.optional(),
  action: z.string().max(200).regex(KEY, "Use an action key such as refund.issue").optional(),
  tier: z.string().max(100).regex(KEY, "Use a tier key such as high").optional(),
  agent: z.string().min(1).max(200).optional(),
  sort: z.enum(["newest", "oldest"], { message: "Sort by newest or oldest" }).default("newest"),
  size: z.enum(REVIEW_PAGE_SIZES, { message: "Show 25, 50 or 100 per page" }).default("50").transform(Number),
  cursor: z.string().max(400).optional(),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

export const REVIEW_PARAM_NAMES = ["view", "status", "assignee", "source", "label", "action", "tier", "agent", "sort", "size", "cursor"] as const;
export type ReviewListParams = Partial<Record<(typeof REVIEW_PARAM_NAMES)[number], string>>;

export function readReviewListParams(input: Record<string, string | string[] | undefined>): ReviewListParams {
  const out: ReviewListParams = {};
  for (const name of REVIEW_PARAM_NAMES) {
    const raw = input[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value) out[name] = value;
  }
  return out;
}

export function reviewsHref(params: ReviewListParams, changes: Record<string, string | undefined> = {}): string {
  const merged: Record<string, string | undefined> = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const name of REVIEW_PARAM_NAMES) {
    const value = merged[name];
    if (value) search.set(name, value);
  }
  const text = search.toString();
  return text ? `/reviews?${text}` : "/reviews";
}
