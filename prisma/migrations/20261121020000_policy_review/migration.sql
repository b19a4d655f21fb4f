-- Drafts go through review: the author's reason, when it was submitted, and who saved it last
-- (for "changed by X since you opened it").
ALTER TABLE "policy_drafts" ADD COLUMN "updated_by_label" TEXT;
ALTER TABLE "policy_drafts" ADD COLUMN "reason" TEXT;
ALTER TABLE "policy_drafts" ADD COLUMN "submitted_at" TIMESTAMPTZ(3);
