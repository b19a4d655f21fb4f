-- Console sessions the server can end (sign-out, sign out everywhere, disabling, a role change),
-- with a lifetime fixed at sign-in and an idle timeout. Each request reads one row by its key.
CREATE TABLE "console_sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "client_address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,
    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "console_sessions_user_id_idx" ON "console_sessions"("user_id");
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Failed sign-ins per account+address, per address and per account, shared by every server.
CREATE TABLE "sign_in_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "blocked_until" TIMESTAMPTZ(3),
    CONSTRAINT "sign_in_throttles_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "sign_in_throttles_last_failure_at_idx" ON "sign_in_throttles"("last_failure_at");

-- Everyone who edited each section of a draft, so that none of them approves that section.
CREATE TABLE "policy_draft_editors" (
    "draft_id" UUID NOT NULL,
    "section" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "policy_draft_editors_pkey" PRIMARY KEY ("draft_id","section","user_id")
);
ALTER TABLE "policy_draft_editors" ADD CONSTRAINT "policy_draft_editors_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "policy_drafts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "policy_draft_editors" ADD CONSTRAINT "policy_draft_editors_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Drafts still open or in review get their editors from the audit log's edit entries (a whole
-- document replaced counts as an edit of every section).
INSERT INTO "policy_draft_editors" ("draft_id", "section", "user_id")
SELECT DISTINCT d."id", s."section", u."id"
  FROM "audit_entries" a
  JOIN "policy_drafts" d ON d."id"::text = a."subject_id" AND d."status" IN ('open', 'in_review')
  JOIN "users" u ON u."id"::text = a."actor_id"
  CROSS JOIN LATERAL unnest(CASE WHEN a."data"->>'section' = 'document'
    THEN ARRAY['actions', 'risk_tiers', 'owners', 'data_sources', 'intents', 'forbidden', 'settings']
    ELSE ARRAY[a."data"->>'section'] END) AS s("section")
 WHERE a."action" = 'policy.draft_edit' AND a."actor_type" = 'user' AND a."subject_type" = 'policy_draft'
ON CONFLICT DO NOTHING;
