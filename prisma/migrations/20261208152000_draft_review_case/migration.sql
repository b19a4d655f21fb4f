-- A draft remembers the review case that started it (issue #23, point 7): the case shows its
-- drafts and the version each became, and the inbox's "Waiting for a policy change" view finds
-- policy-gap cases whose change is not published yet without reading the audit log.
ALTER TABLE "policy_drafts" ADD COLUMN "review_case_id" TEXT;
ALTER TABLE "policy_drafts" ADD CONSTRAINT "policy_drafts_review_case_id_fkey" FOREIGN KEY ("review_case_id") REFERENCES "review_cases"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "policy_drafts_review_case_id_idx" ON "policy_drafts"("review_case_id");

-- Drafts started from a case before this column existed named it only in their creation entry.
UPDATE "policy_drafts" d SET "review_case_id" = a."data"->>'review_case'
  FROM "audit_entries" a
 WHERE a."subject_type" = 'policy_draft' AND a."subject_id" = d."id"::text AND a."action" = 'policy.draft_create'
   AND a."data" ? 'review_case'
   AND EXISTS (SELECT 1 FROM "review_cases" r WHERE r."id" = a."data"->>'review_case');
